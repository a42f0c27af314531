"""Several nodes, tested: two `legion serve` nodes on loopback behind nginx (Debian's
package), sharing PostgreSQL, Redis (db 8) and an S3-compatible object store (moto's
server). Applicants apply through nginx, whose round robin sends consecutive requests
of one browser to alternate nodes: the session, the draft, the uploads (sealed in the
object store) and the API rate limit hold across nodes; one node is killed in the middle
of an application and the application finishes on the other.

Runs in the PostgreSQL half of CI (it needs a database two processes share)."""

import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import redis
from django.db import connection

from bench.intake_http import Browser, Stats, apply_once

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
LEGION = [sys.executable, "-m", "legion"]
REDIS_URL = "redis://127.0.0.1:6379/8"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(port: int, path: str = "/healthz", seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            conn.close()
    raise AssertionError(f"nothing answered on port {port} within {seconds} s")


def _wait_refused(port: int) -> None:
    """Until the dead node's port refuses connections (its processes are all gone): a
    request nginx sent to it before that is lost with it, as at any crash."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"port {port} still accepts connections")


NGINX_CONF = """
{user}
daemon off;
worker_processes 1;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 11m;
    upstream legion {{
        server 127.0.0.1:{node_a} max_fails=1 fail_timeout=30s;
        server 127.0.0.1:{node_b} max_fails=1 fail_timeout=30s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://legion;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Request-ID $request_id;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


@pytest.fixture
def cluster(tmp_path, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("two nodes share a PostgreSQL database: runs in the PostgreSQL half of CI")
    if not shutil.which("nginx"):
        pytest.skip("nginx (Debian package) is not installed: scripts/install-system-packages.sh")
    from moto.server import ThreadedMotoServer

    name = f"legion_nodes_{uuid.uuid4().hex[:8]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    s3_port = _port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    bucket = f"legion-nodes-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{s3_port}",
        region_name="us-east-1",
        aws_access_key_id="legion",
        aws_secret_access_key="legion-secret",
    )
    client.create_bucket(Bucket=bucket)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"{base}/{name}",
        LEGION_VAR_DIR=str(tmp_path / "var"),
        LEGION_STATIC_ROOT=str(tmp_path / "static"),
        REDIS_URL=REDIS_URL,
        LEGION_TASK_BACKEND="redis",
        LEGION_S3_BUCKET=bucket,
        LEGION_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        LEGION_S3_REGION="us-east-1",
        LEGION_S3_ACCESS_KEY_ID="legion",
        LEGION_S3_SECRET_ACCESS_KEY="legion-secret",
        LEGION_PROXY_COUNT="1",
        LEGION_API_RATE_PER_ADDRESS="6/60",
        LEGION_WEB_WORKERS="1",
        LEGION_WEB_THREADS="2",
        LOG_LEVEL="INFO",
    )
    # The secrets every node shares (each would otherwise generate its own in its var/).
    from django.conf import settings

    env.update(
        SECRET_KEY=settings.SECRET_KEY,
        LEGION_FIELD_KEYS=settings.LEGION_FIELD_KEYS,
        LEGION_BLIND_INDEX_KEY=settings.LEGION_BLIND_INDEX_KEY,
        LEGION_AUDIT_KEY=settings.LEGION_AUDIT_KEY,
    )
    for command in (
        ["migrate", "--noinput"],
        ["demo", "--applicants", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        subprocess.run([*LEGION, *command], env=env, check=True, cwd=tmp_path, capture_output=True)

    nodes, logs = {}, {}
    ports = {"a": _port(), "b": _port()}
    for node, port in ports.items():
        logs[node] = tmp_path / f"node-{node}.log"
        nodes[node] = subprocess.Popen(
            [*LEGION, "serve", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=logs[node].open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    nginx_port = _port()
    (prefix / "nginx.conf").write_text(
        NGINX_CONF.format(
            # As root (CI), the workers must be able to write the test's temporary folders.
            user="user root;" if os.geteuid() == 0 else "",
            prefix=prefix,
            node_a=ports["a"],
            node_b=ports["b"],
            port=nginx_port,
        )
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "stderr.log").open("wb"),
    )
    try:
        for port in ports.values():
            _wait_http(port)
        _wait_http(nginx_port)
        yield {
            "port": nginx_port,
            "nodes": nodes,
            "ports": ports,
            "logs": logs,
            "s3": client,
            "bucket": bucket,
            "env": env,
        }
    finally:
        nginx.terminate()
        nginx.wait(10)
        for process in nodes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
        s3.stop()
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _requests_served(log: Path) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if '"request"' in line)


def test_two_nodes_behind_nginx_share_sessions_uploads_limits_and_survive_one_dying(cluster):
    stats = Stats()
    browser = Browser("127.0.0.1", cluster["port"], stats)
    reference = apply_once(browser, random.Random(2022), "nodes-1")
    assert reference.startswith("LGN-")
    assert not stats.errors and not stats.failures, (stats.errors, stats.failures)
    # Both nodes served this one browser's application: its session and draft held.
    served = {node: _requests_served(log) for node, log in cluster["logs"].items()}
    assert all(count >= 10 for count in served.values()), served

    # Its two uploads are in the object store, sealed (never the PDF or JPEG itself).
    objects = cluster["s3"].list_objects_v2(Bucket=cluster["bucket"])["Contents"]
    assert len(objects) == 2
    for item in objects:
        body = cluster["s3"].get_object(Bucket=cluster["bucket"], Key=item["Key"])["Body"].read()
        assert body.startswith(b"LG1") and b"%PDF" not in body and b"JFIF" not in body

    # The API's per-address limit (6 a minute) counts the requests of both nodes together.
    statuses = []
    for _ in range(8):
        conn = http.client.HTTPConnection("127.0.0.1", cluster["port"], timeout=10)
        conn.request("GET", "/api/v1/cases", headers={"Authorization": "Bearer lgn_invalid"})
        statuses.append(conn.getresponse().status)
        conn.close()
    assert statuses[:6].count(429) == 0 and statuses[6:] == [429, 429], statuses

    # Killing one node in the middle of a second application: it finishes on the other.
    stats = Stats()
    browser = Browser("127.0.0.1", cluster["port"], stats)
    steps = {"count": 0}

    def call(request):
        steps["count"] += 1
        if steps["count"] == 12:  # in the middle of the questions
            victim = cluster["nodes"]["a"]
            os.killpg(victim.pid, signal.SIGKILL)
            victim.wait(10)
            _wait_refused(cluster["ports"]["a"])
        return request()

    reference = apply_once(browser, random.Random(7), "nodes-2", retry=call)
    assert reference.startswith("LGN-")
    assert cluster["nodes"]["a"].poll() is not None  # it really died
    assert not stats.errors, stats.errors
