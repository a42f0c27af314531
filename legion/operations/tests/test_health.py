"""/healthz and /readyz: the process answers; each part a request needs is reachable, or
503 names the part that is not. Each failure is a real one (a closed port, a file where a
folder should be, a missing table), not a mock of the check."""

import time

import pytest
from django.db.utils import ConnectionHandler

from legion.operations import health


def test_healthz_answers_without_touching_the_database(anonymous_client):
    # No django_db mark: any database access would raise here.
    response = anonymous_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_is_ok_when_every_part_answers(anonymous_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # SELECT 1, one task-table lookup; no session
        response = anonymous_client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "cache": "ok", "task_queue": "ok"},
    }
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def _failing(response) -> list[str]:
    assert response.status_code == 503, response.content
    return response.json()["failing"]


@pytest.mark.django_db
def test_readyz_names_an_unreachable_database(anonymous_client, monkeypatch):
    closed_port = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": "1",
                "NAME": "legion",
                "USER": "legion",
                "OPTIONS": {"connect_timeout": 1},
            }
        }
    )
    monkeypatch.setattr(health, "connections", closed_port)
    response = anonymous_client.get("/readyz")
    assert _failing(response) == ["database"]
    assert response.json()["checks"]["database"] == "failing (OperationalError)"
    assert "127.0.0.1" not in response.content.decode()  # no connection detail leaks


@pytest.mark.django_db
def test_readyz_names_unwritable_file_storage(anonymous_client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    assert _failing(anonymous_client.get("/readyz")) == ["storage"]


@pytest.mark.django_db
def test_readyz_names_an_unusable_cache(anonymous_client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(blocker / "cache"),
        }
    }
    assert _failing(anonymous_client.get("/readyz")) == ["cache"]


@pytest.mark.django_db
def test_readyz_names_an_unreachable_redis_cache(anonymous_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    assert _failing(anonymous_client.get("/readyz")) == ["cache"]


@pytest.mark.django_db(transaction=True)
def test_readyz_names_a_task_queue_it_cannot_read(anonymous_client, settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(DBTaskResult._meta, "db_table", "no_such_task_table")
    assert _failing(anonymous_client.get("/readyz")) == ["task_queue"]


@pytest.mark.django_db
def test_readyz_is_cheap_enough_to_poll_every_second(anonymous_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    anonymous_client.get("/readyz")
    started = time.perf_counter()
    for _ in range(50):
        assert anonymous_client.get("/readyz").status_code == 200
    # A few milliseconds each here; a second between polls leaves a wide margin even on
    # a loaded machine.
    assert (time.perf_counter() - started) / 50 < 0.1
