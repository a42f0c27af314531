"""Health and readiness, answered before sessions, CSRF or the database-backed middleware,
so a load balancer can poll them every second.

`/healthz`: the process answers (no I/O at all). `/readyz`: every part a request needs is
reachable — database, file storage, cache and task queue — each with one cheap round
trip; otherwise 503 naming the failing parts. The answer never carries an exception's
text (it could hold a host name or a credential); the detail goes to the log.
"""

import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_redis import RedisTaskBackend

from legion.cases.storage import document_storage

logger = logging.getLogger("legion.operations.health")

READINESS_KEY = "legion:readyz"


def database_ready() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def storage_ready() -> None:
    """Local disk: the media folder (or the folder it will be made in) is writable.
    Object storage: one HEAD request for a key that need not exist."""
    storage = document_storage()
    try:
        location = Path(storage.path(""))
    except NotImplementedError:
        storage.exists(".legion-readyz")
        return
    while not location.exists() and location != location.parent:
        location = location.parent
    if not (location.is_dir() and os.access(location, os.W_OK | os.X_OK)):
        raise OSError(f"{location} is not a writable folder")


def cache_ready() -> None:
    cache = caches[settings.LEGION_RATE_LIMIT_CACHE]
    cache.set(READINESS_KEY, 1, timeout=30)
    if cache.get(READINESS_KEY) != 1:
        raise RuntimeError("the cache did not keep a value")


def task_queue_ready() -> None:
    """The queue of the default task backend accepts connections: the database backend's
    table answers (a query on the primary key), a Redis-backed one answers PING."""
    backend = task_backends["default"]
    if isinstance(backend, RedisTaskBackend):
        backend.get_client().ping()
        return
    if isinstance(backend, DatabaseBackend):
        # One index lookup: the table exists and this process may read it.
        DBTaskResult.objects.order_by().filter(pk=uuid.UUID(int=0)).exists()
        return
    # Immediate and dummy backends (development, tests) have no queue to reach.


CHECKS: dict[str, Callable[[], None]] = {
    "database": database_ready,
    "storage": storage_ready,
    "cache": cache_ready,
    "task_queue": task_queue_ready,
}


def readiness() -> dict[str, str]:
    """Each part: "ok", or the kind of error that made it fail."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means not ready; the log has the detail
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__, exc_info=exc)
            results[name] = f"failing ({type(exc).__name__})"
        else:
            results[name] = "ok"
        elapsed = time.perf_counter() - started
        if elapsed > 1:
            logger.warning("readiness check %s took %.1f s", name, elapsed)
    return results


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthMiddleware:
    """Answers /healthz and /readyz itself, ahead of sessions, locale and CSRF."""

    PATHS = ("/healthz", "/readyz")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return _json({"status": "ok"}, 200)
        if request.path_info == "/readyz":
            checks = readiness()
            failing = [name for name, result in checks.items() if result != "ok"]
            if failing:
                return _json({"status": "unavailable", "failing": failing, "checks": checks}, 503)
            return _json({"status": "ok", "checks": checks}, 200)
        return self.get_response(request)
