"""Shared state for several nodes: with REDIS_URL the cache (rate limits), sessions, locks
and (LEGION_TASK_BACKEND=redis) the task queue live in Redis; with LEGION_S3_BUCKET the
documents live on S3-compatible object storage, sealed by Legion before upload. Each
"node" here is a thread with its own connections; Redis is the machine's own (db 8),
the object store a local S3-compatible server (moto) on loopback."""

import json
import subprocess
import sys
import threading
import time
import uuid

import boto3
import pytest
import redis
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command

from legion.cases.models import Document
from legion.cases.storage import EncryptedS3Storage, document_storage
from legion.crypto import MAGIC
from legion.operations import health
from legion.operations.locks import LockHeld, shared_lock
from legion.outbox.models import OutboxMessage
from legion.ratelimit import Limit, rate_limit_hit
from legion.testing import factories as f

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _on_another_node(function):
    """Run `function` in a thread (its own cache and Redis connections); its result."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# --- configuration ---------------------------------------------------------------------

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], 'session': s.SESSION_ENGINE, "
    "'tasks': s.TASKS['default']['BACKEND'], "
    "'task_redis': s.TASKS['default'].get('OPTIONS', {}).get('REDIS_URL'), "
    "'redis_app': 'django_tasks_redis' in s.INSTALLED_APPS}))"
)


def _settings_with(tmp_path, **env):
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "LEGION_"))}
    environment.update(DJANGO_SETTINGS_MODULE="legion.settings", LEGION_VAR_DIR=str(tmp_path))
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=environment,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_one_machine_keeps_the_embedded_defaults(tmp_path):
    result = _settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.filebased.FileBasedCache",
        "session": "django.contrib.sessions.backends.db",
        "tasks": "django_tasks_db.DatabaseBackend",
        "task_redis": None,
        "redis_app": False,
    }


def test_redis_url_moves_cache_sessions_and_the_task_queue_to_redis(tmp_path):
    result = _settings_with(
        tmp_path, REDIS_URL="redis://10.0.0.5:6379/0", LEGION_TASK_BACKEND="redis"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "session": "django.contrib.sessions.backends.cached_db",
        "tasks": "django_tasks_redis.RedisTaskBackend",
        "task_redis": "redis://10.0.0.5:6379/0",
        "redis_app": True,
    }


def test_redis_task_queue_without_a_redis_url_refuses_to_start_naming_it(tmp_path):
    result = _settings_with(tmp_path, LEGION_TASK_BACKEND="redis")
    assert result.returncode != 0
    assert "LEGION_TASK_BACKEND=redis needs REDIS_URL" in result.stderr


def test_a_redis_url_that_is_not_one_is_refused(tmp_path):
    result = _settings_with(tmp_path, REDIS_URL="10.0.0.5:6379")
    assert result.returncode != 0
    assert "REDIS_URL must be redis://" in result.stderr


# --- cache, rate limits, sessions ----------------------------------------------------


def test_rate_limit_counts_requests_of_every_node_together(redis_settings, redis_url):
    limit = Limit(name="api-token", count=5, seconds=60)
    now = 1_700_000_000.0
    for _ in range(3):
        assert rate_limit_hit(limit=limit, key="token-1", now=now) is None

    def second_node():
        return [rate_limit_hit(limit=limit, key="token-1", now=now) for _ in range(3)]

    # The other node's first two requests fit in the limit; its third is the sixth.
    assert _on_another_node(second_node) == [None, None, 40]
    keys = redis.Redis.from_url(redis_url).keys("legion:*rl:api-token:*")
    assert len(keys) == 1


@pytest.mark.django_db
def test_a_session_written_on_one_node_is_read_on_another_and_survives_redis(
    redis_settings, redis_url
):
    session = SessionStore()
    session["applicant_case"] = 42
    session.create()
    key = session.session_key

    assert _on_another_node(lambda: SessionStore(session_key=key).get("applicant_case")) == 42
    assert redis.Redis.from_url(redis_url).keys("legion:*" + key)
    cache.clear()  # Redis restarted, nothing kept: the database copy signs nobody out
    assert SessionStore(session_key=key).get("applicant_case") == 42


def test_readyz_names_an_unreachable_redis_cache(settings, anonymous_client, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/8",
        }
    }
    response = anonymous_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


# --- locks -----------------------------------------------------------------------------


def test_a_redis_lock_is_held_against_every_other_node(redis_settings):
    with shared_lock("dedupe-applicants"):

        def second_node():
            with shared_lock("dedupe-applicants"):
                return "ran"

        with pytest.raises(LockHeld, match="dedupe-applicants is running elsewhere"):
            _on_another_node(second_node)
    with shared_lock("dedupe-applicants"):
        pass  # released: free again


def test_a_redis_lock_of_a_node_that_died_frees_itself_after_its_expiry(redis_settings, redis_url):
    dead = redis.Redis.from_url(redis_url).lock("legion:lock:watchlist-import", timeout=1)
    assert dead.acquire(blocking=False)  # the node dies holding it, never releasing
    with pytest.raises(LockHeld), shared_lock("watchlist-import"):
        pass
    time.sleep(1.2)
    with shared_lock("watchlist-import"):
        pass


def test_without_redis_the_lock_is_a_file_lock_shared_by_the_machines_processes(settings, tmp_path):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    with shared_lock("retention"):
        with pytest.raises(LockHeld):
            _on_another_node(lambda: shared_lock("retention").__enter__())
        assert list((tmp_path / "locks").iterdir())
    with shared_lock("retention"):
        pass


# --- the task queue on Redis -----------------------------------------------------------


@pytest.fixture
def redis_tasks(settings, redis_url):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "QUEUES": [],
            "OPTIONS": {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": "legion:tasks"},
        }
    }
    settings.MAILERS = LOCMEM
    return settings


@pytest.mark.django_db
def test_an_email_is_queued_in_redis_after_commit_and_sent_by_legion_worker(
    redis_tasks, redis_url, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMessage

    from legion.outbox.services import outbox_email_add

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox_email_add(
            email=EmailMessage(subject="Interview", body="8 December", to=["k@example.jp"]),
            kind="interview invitation",
        )
    client = redis.Redis.from_url(redis_url)
    assert not client.keys("legion:tasks*")  # nothing queued before the commit
    for callback in callbacks:
        callback()
    assert client.keys("legion:tasks*")

    call_command("worker", batch=True, verbosity=0)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Interview"]


@pytest.mark.django_db
def test_readyz_checks_the_redis_task_queue(redis_tasks, anonymous_client, settings):
    assert anonymous_client.get("/readyz").json()["checks"]["task_queue"] == "ok"
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.RedisTaskBackend",
            "OPTIONS": {"REDIS_URL": "redis://127.0.0.1:1/8"},
        }
    }
    response = anonymous_client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["task_queue"]


# --- documents on S3-compatible object storage ------------------------------------------


@pytest.fixture
def s3_settings(settings, s3_endpoint, monkeypatch):
    bucket = f"legion-documents-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="legion",
        aws_secret_access_key="legion-secret",
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.LEGION_S3_BUCKET = bucket
    settings.LEGION_S3_ENDPOINT_URL = s3_endpoint
    settings.LEGION_S3_REGION = "eu-central-1"
    settings.LEGION_S3_ACCESS_KEY_ID = "legion"
    settings.LEGION_S3_SECRET_ACCESS_KEY = "legion-secret"
    settings.LEGION_S3_PREFIX = "documents"
    # The model field took its storage when the model loaded; give it today's.
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", document_storage())
    return settings


def _raw_objects(settings) -> dict[str, bytes]:
    s3 = boto3.client(
        "s3",
        endpoint_url=settings.LEGION_S3_ENDPOINT_URL,
        region_name=settings.LEGION_S3_REGION,
        aws_access_key_id=settings.LEGION_S3_ACCESS_KEY_ID,
        aws_secret_access_key=settings.LEGION_S3_SECRET_ACCESS_KEY,
    )
    listing = s3.list_objects_v2(Bucket=settings.LEGION_S3_BUCKET).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=settings.LEGION_S3_BUCKET, Key=item["Key"])["Body"].read()
        for item in listing
    }


@pytest.mark.django_db
def test_a_document_goes_to_the_object_store_sealed_and_comes_back_readable(s3_settings, london):
    assert isinstance(document_storage(), EncryptedS3Storage)
    scan = b"%PDF-1.4 passport of Kenji Sato, number TK1234567"
    document = f.DocumentFactory(
        case__mission=london, file=f.ContentFile(scan, name="p.pdf"), size=len(scan)
    )

    (key, stored), *others = _raw_objects(s3_settings).items()
    assert not others and key.startswith("documents/")
    assert stored.startswith(MAGIC)  # ciphertext only: the object store never sees the scan
    assert b"Kenji" not in stored and b"TK1234567" not in stored
    assert not (s3_settings.MEDIA_ROOT).exists()  # nothing on local disk

    document = Document.objects.get(pk=document.pk)
    with document.file.open() as handle:
        assert handle.read() == scan
    assert document.file.storage.size(document.file.name) == len(scan)


@pytest.mark.django_db
def test_a_document_resealed_under_a_new_key_replaces_its_object(s3_settings, london):
    storage = document_storage()
    name = storage.save("documents-test/scan.pdf", f.ContentFile(b"scan", name="scan.pdf"))
    sealed = storage.read_sealed(name)
    storage.write_sealed(name, sealed)  # what key rotation does, object by object
    assert storage.open(name).read() == b"scan"
    assert len(_raw_objects(s3_settings)) == 1


@pytest.mark.django_db
def test_readyz_checks_the_object_store(s3_settings, anonymous_client):
    assert anonymous_client.get("/readyz").json()["checks"]["storage"] == "ok"
    s3_settings.LEGION_S3_ENDPOINT_URL = "http://127.0.0.1:1"
    response = anonymous_client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["storage"]
    assert health.readiness()["storage"].startswith("failing")
