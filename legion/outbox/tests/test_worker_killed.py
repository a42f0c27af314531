"""The worker is killed (SIGKILL) in the middle of an SMTP delivery: after a restart
the message arrives once, and never twice."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from legion.cases.access import access_email_send
from legion.outbox.models import OutboxMessage
from legion.outbox.tests.smtp_sink import SmtpSink
from legion.testing import factories as f

SMTP_PORT = 8151
LEASE_SECONDS = 7


def _worker_env(database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=settings.SECRET_KEY,
        LEGION_FIELD_KEYS=settings.LEGION_FIELD_KEYS,
        LEGION_BLIND_INDEX_KEY=settings.LEGION_BLIND_INDEX_KEY,
        LEGION_AUDIT_KEY=settings.LEGION_AUDIT_KEY,
        LEGION_TASK_BACKEND="django_tasks_db.DatabaseBackend",
        LEGION_SMTP_HOST="127.0.0.1",
        LEGION_SMTP_PORT=str(SMTP_PORT),
        LEGION_SMTP_TLS="false",
        LEGION_SMTP_TIMEOUT="3",
        LEGION_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    return env


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database URL a worker process can open, and a way to read it afterwards. The
    SQLite test database lives in this process's memory, so it is copied to a file."""
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"

        def publish() -> str:
            target = sqlite3.connect(path)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            return f"sqlite:///{path}"

        def query(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()
    else:
        name = connection.settings_dict["NAME"]
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name

        def publish() -> str:
            return url

        def query(sql: str) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()

    return publish, query


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "legion",
            "worker",
            "--interval",
            "0.2",
            *args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_worker_killed_during_delivery_delivers_once_after_restart(shared_database, settings):
    publish, query = shared_database
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = f.CaseFactory(mission=f.MissionFactory(code="tyo"))
    # The change and its message commit together; the delivery task row with them.
    access_email_send(case=case, purpose="resume")
    message_id = OutboxMessage.objects.get(case=case).message_id
    env = _worker_env(publish())

    with SmtpSink(SMTP_PORT) as sink:
        sink.hold.set()
        first = _worker(env)
        try:
            assert sink.holding.wait(60), first.stderr and first.stderr.read()
            # The worker has sent DATA and waits for the server's 250: kill it now.
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        sink.hold.clear()
        sink.release.set()
        time.sleep(0.5)
        assert sink.accepted == []
        (row,) = query("SELECT status, attempts FROM outbox_outboxmessage")
        assert row == ("sending", 1)

        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease runs out
        second = _worker(env, "--batch")
        _out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err.decode()
        assert b"1 undelivered message(s) queued again" in err

        # A third start finds nothing to do and sends nothing.
        third = _worker(env, "--batch")
        third.communicate(timeout=60)

    assert [m["Message-ID"] for m in sink.accepted] == [message_id]
    assert case.reference in sink.accepted[0]["Subject"]
    assert query("SELECT status, attempts FROM outbox_outboxmessage") == [("sent", 2)]
    assert query("SELECT number, outcome FROM outbox_outboxattempt ORDER BY number") == [
        (1, "interrupted"),
        (2, "sent"),
    ]
