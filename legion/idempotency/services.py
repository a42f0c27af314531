"""Safe retries: a request sent again with the same key gets the first outcome again.

The key row is written in the same transaction as the work it guards. A retry that
arrives while the first attempt is still running waits on the key's unique index (on
PostgreSQL the second INSERT blocks until the first transaction ends; SQLite serialises
writers anyway), then finds the committed row and replays it. When the first attempt
fails, its row rolls back with it, so the retry does the work afresh. A retry that
reuses the key for a different request is refused: a key names one request.

Every face uses this one mechanism: the API's `Idempotency-Key` header
(legion/api/idempotency.py) and the portal's "start an application" form.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from legion.idempotency.models import IdempotencyKey

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
DEFAULT_LIFETIME = timedelta(hours=24)


class IdempotencyError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class _Discard(Exception):
    """Raised inside the transaction to roll back an outcome that must not be kept."""

    def __init__(self, outcome: dict[str, Any]) -> None:
        self.outcome = outcome


def request_fingerprint(*parts: str | bytes) -> str:
    """A digest of what a request asked (method, path, body): a retry must match it."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent_run(
    *,
    owner: str,
    key: str,
    fingerprint: str,
    run: Callable[[], dict[str, Any]],
    keep: Callable[[dict[str, Any]], bool] = lambda outcome: True,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> tuple[dict[str, Any], bool]:
    """Run `run()` once per (owner, key) and return (outcome, replayed).

    `run` returns a JSON-serialisable outcome. When `keep(outcome)` is false (a refusal,
    an error) the work and the key are rolled back together and a retry runs again.
    Raises IdempotencyError for a malformed key or a key reused for another request.
    """
    if not KEY_PATTERN.match(key):
        raise IdempotencyError(
            "The idempotency key must be 1 to 255 printable characters without spaces.",
            code="invalid_idempotency_key",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(
                        owner=owner,
                        key=key,
                        fingerprint=fingerprint,
                        outcome="",
                        expires_at=now + lifetime,
                    )
            except IntegrityError:
                existing = IdempotencyKey.objects.select_for_update().get(owner=owner, key=key)
                if existing.expires_at > now:
                    if existing.fingerprint != fingerprint:
                        raise IdempotencyError(
                            "This idempotency key was already used for a different request. "
                            "Use a new key for a new request.",
                            code="idempotency_key_reused",
                        ) from None
                    return json.loads(existing.outcome), True
                # An expired key names nothing any more: the request is a new one.
                existing.delete()
                row = IdempotencyKey.objects.create(
                    owner=owner,
                    key=key,
                    fingerprint=fingerprint,
                    outcome="",
                    expires_at=now + lifetime,
                )
            outcome = run()
            if not keep(outcome):
                raise _Discard(outcome)
            row.outcome = json.dumps(outcome)
            row.save(update_fields=["outcome"])
    except _Discard as discarded:
        return discarded.outcome, False
    return outcome, False


def idempotency_keys_purge(*, now: Any = None) -> int:
    """Delete keys past their lifetime; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
