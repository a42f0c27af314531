"""`legion serve`: its configuration from the environment, static files through whitenoise
(hashed, compressed, cached for a year), and the real server answering a page."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from legion.server.config import ServerConfig

ROOT = Path(__file__).resolve().parents[3]
MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LIVE_PORT = 8131  # within this worktree's ports


def test_workers_and_threads_come_from_the_settings(settings):
    settings.LEGION_WEB_WORKERS, settings.LEGION_WEB_THREADS, settings.LEGION_PORT = 3, 8, 8135
    config = ServerConfig.from_settings()
    assert (config.server, config.workers, config.threads, config.port) == ("granian", 3, 8, 8135)
    argv = config.argv()
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "8"
    assert argv[-1] == "legion.wsgi:application"


def test_gunicorn_runs_threaded_workers_when_asked(settings):
    settings.LEGION_SERVER, settings.LEGION_WEB_THREADS = "gunicorn", 4
    argv = ServerConfig.from_settings().argv()
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "4"
    single = ServerConfig.from_settings(threads=1).argv()
    assert single[single.index("--worker-class") + 1] == "sync"


def test_command_line_options_win_over_the_settings(settings):
    settings.LEGION_WEB_WORKERS = 3
    config = ServerConfig.from_settings(workers=1, port=None)
    assert config.workers == 1 and config.port == settings.LEGION_PORT


def test_serve_prints_the_command_it_would_run(static_root, capsys):
    with override_settings(STATIC_ROOT=static_root, STORAGES=MANIFEST_STORAGES):
        call_command("serve", "--print", "--workers", "2", "--threads", "3", "--port", "8137")
    printed = capsys.readouterr().out.split()
    assert "granian" in printed and printed[printed.index("--port") + 1] == "8137"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"LEGION_WEB_THREADS": 0}, "LEGION_WEB_THREADS must be at least 1, not 0"),
        ({"LEGION_SERVER": "uwsgi"}, "LEGION_SERVER must be one of granian, gunicorn"),
    ],
)
def test_bad_server_settings_fail_loudly(settings, values, message):
    for name, value in values.items():
        setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        ServerConfig.from_settings()


def test_a_non_numeric_worker_count_stops_the_settings(monkeypatch):
    monkeypatch.setenv("LEGION_WEB_WORKERS", "two")
    result = subprocess.run(
        [sys.executable, "-c", "import legion.settings"],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert "LEGION_WEB_WORKERS must be an integer, not 'two'" in result.stderr


def test_serve_refuses_to_start_without_collected_static_files(tmp_path):
    with (
        override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=MANIFEST_STORAGES),
        pytest.raises(CommandError, match="run `legion collectstatic --noinput` first"),
    ):
        call_command("serve", "--print")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected once, as `make run` and deployments do."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST_STORAGES):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


def _hashed_name(static_root: Path, name: str) -> str:
    import json

    return json.loads((static_root / "staticfiles.json").read_text())["paths"][name]


def test_static_files_have_hashed_names_compressed_copies_and_a_year_of_cache(static_root):
    css = _hashed_name(static_root, "portal/portal.css")
    assert css != "portal/portal.css" and (static_root / (css + ".br")).exists()
    with override_settings(STATIC_ROOT=static_root, STORAGES=MANIFEST_STORAGES, DEBUG=False):
        middleware = WhiteNoiseMiddleware(lambda request: None)
        request = RequestFactory().get(
            f"/static/{css}", headers={"accept-encoding": "gzip, deflate, br"}
        )
        response = middleware(request)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]


def _wait_for(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode()[-2000:]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"legion serve did not listen on {port} within {seconds} s")


def _get(port: int, path: str, **headers) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_legion_serve_answers_a_page_and_a_static_file_with_debug_off(static_root, tmp_path):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", LIVE_PORT)) == 0:
            pytest.skip(f"port {LIVE_PORT} is in use")
    database = tmp_path / "live.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{database}",
        "LEGION_STATIC_ROOT": str(static_root),
        "LEGION_MEDIA_ROOT": str(tmp_path / "media"),
        "LEGION_WEB_WORKERS": "1",
        "LEGION_WEB_THREADS": "2",
        "PORT": str(LIVE_PORT),
        "DEBUG": "true",  # serve turns it off whatever the environment says
    }
    legion = [sys.executable, "-m", "legion.cli"]
    subprocess.run([*legion, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    process = subprocess.Popen(
        [*legion, "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(LIVE_PORT, process, 30)
        page = _get(LIVE_PORT, "/")
        assert page.status == 200
        css = _hashed_name(static_root, "portal/portal.css")
        assert f'href="/static/{css}"'.encode() in page.body  # manifest names: DEBUG is off
        static = _get(LIVE_PORT, f"/static/{css}", **{"Accept-Encoding": "gzip"})
        assert static.status == 200
        assert static.getheader("Content-Encoding") == "gzip"
        assert "immutable" in static.getheader("Cache-Control")
        missing = _get(LIVE_PORT, "/no-such-page/")
        assert missing.status == 404 and b"Traceback" not in missing.body
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
