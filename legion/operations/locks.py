"""Locks shared by every process, and by every node when Redis is configured.

`shared_lock(name, seconds=...)` holds a named lock for a piece of work that must never
run twice at once (a batch dedupe, a watch-list import, one scheduled job). With
REDIS_URL it is a Redis key set with NX and an expiry, released only by its holder
(redis-py's Lock, a token compared in a Lua script), so a node that dies frees the lock
when the expiry passes. Without Redis (one machine) it is an exclusive `flock` on a file
under var/locks: the kernel frees it when the holding process dies.

Neither is a lock for rows: state changes lock their rows in the database.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import redis
from django.conf import settings


class LockHeld(Exception):
    """Another process holds the lock."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is running elsewhere")
        self.name = name


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _lock_file(name: str) -> Path:
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")


@contextmanager
def shared_lock(name: str, *, seconds: int = 3600) -> Iterator[None]:
    """Hold the lock `name` for the block, or raise LockHeld at once if it is taken.
    `seconds` bounds how long a holder that stops answering keeps it (Redis only)."""
    if settings.REDIS_URL:
        lock = _redis(settings.REDIS_URL).lock(f"legion:lock:{name}", timeout=seconds)
        if not lock.acquire(blocking=False):
            raise LockHeld(name)
        try:
            yield
        finally:
            # Expired (and maybe taken by another node): no longer ours to release.
            with suppress(redis.exceptions.LockError):
                lock.release()
        return
    descriptor = os.open(_lock_file(name), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockHeld(name) from exc
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
