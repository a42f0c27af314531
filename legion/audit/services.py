"""Writing the hash-chained audit log and verifying it.

Every state change (through legion.cases.services.record_event), every view of a
case's personal data (audit_case_view, called by the views), every export
(audit_export), every login and every permission change (signals.py) ends up here.
"""

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from legion.audit.break_glass import active_grant_id
from legion.audit.context import client_ip, current_request, request_credential
from legion.audit.models import AuditEntry
from legion.missions.actors import Actor

GENESIS = "0" * 64
# Fields covered by the hash, in the order they are written.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "action",
    "actor_id",
    "actor_label",
    "case_id",
    "case_reference",
    "mission_code",
    "ip",
    "user_agent",
    "data",
)


def _canonical(entry: AuditEntry) -> bytes:
    values: dict[str, Any] = {name: getattr(entry, name) for name in HASHED_FIELDS}
    values["created_at"] = entry.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: AuditEntry) -> str:
    """HMAC-SHA256 over the previous hash and this row's content."""
    key = settings.LEGION_AUDIT_KEY.encode()
    message = entry.prev_hash.encode() + b"\n" + _canonical(entry)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _who(actor: Actor | AbstractBaseUser | None, request: HttpRequest | None) -> tuple[Any, str]:
    if isinstance(actor, Actor):
        if actor.user is not None:
            return actor.user.pk, actor.label
        return None, actor.label
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None:
        return actor.pk, actor.get_username()
    return None, "anonymous" if request is not None else "system"


_suspended: ContextVar[bool] = ContextVar("legion_audit_suspended", default=False)


@contextmanager
def audit_suspended() -> Iterator[None]:
    """Write nothing to the audit log in this block: only for `legion restore`, which
    brings back a chain as it was and then records itself at its end."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def audit_record(
    *,
    action: str,
    actor: Actor | AbstractBaseUser | None = None,
    case: Any = None,
    data: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry | None:
    """Append one entry to the audit chain (None while suspended by a restore).

    `actor` defaults to the user of the current request; `request` to the request
    being served (for the client's address and browser, and the API token that
    authenticated it, if any). `data` must hold no personal data of applicants: the log
    outlives erasure.
    """
    if _suspended.get():
        return None
    request = request or current_request()
    actor_id, actor_label = _who(actor, request)
    if credential := request_credential(request):
        data = {**(data or {}), "api_token": credential}
    entry = AuditEntry(
        created_at=timezone.now(),
        action=action,
        actor_id=actor_id,
        actor_label=actor_label[:150],
        case_id=case.pk if case is not None else None,
        case_reference=case.reference if case is not None else "",
        mission_code=case.mission.code if case is not None else "",
        ip=client_ip(request) if request is not None else "",
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        # Stored exactly as hashed: JSON types only.
        data=json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder)),
    )
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        entry.seq, entry.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry.hash = entry_hash(entry)
        entry.save()  # the unique seq is the backstop: a fork fails instead of forking
    return entry


# PostgreSQL advisory lock id for "appending to the audit chain" (any constant works).
CHAIN_LOCK_ID = 0x4C47_4155  # "LGAU"


def _lock_chain() -> None:
    """Serialise appends until the surrounding transaction ends, so two writers never
    read the same last row. SQLite (IMMEDIATE transactions) serialises writers already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])


def audit_case_view(
    *, actor: Actor, case: Any, request: HttpRequest | None = None, what: str = "case"
) -> AuditEntry:
    """Record that someone looked at a case's personal data (page, API read, PDF...).

    The access policy calls this when a face loads a case to show it
    (`case_for(..., viewed=...)`). An access through a break-the-glass grant names the
    grant."""
    data: dict[str, Any] = {"what": what}
    # Glass is broken only to reach a case outside one's missions: inside them there
    # is no grant to name, and no need to look for one.
    outside = actor.user is not None and case.mission_id not in actor.mission_ids()
    if outside and (grant_id := active_grant_id(user=actor.user, case=case)):
        data["break_glass"] = grant_id
    return audit_record(action="case.view", actor=actor, case=case, data=data, request=request)


def audit_export(
    *,
    actor: Actor,
    what: str,
    count: int,
    request: HttpRequest | None = None,
    filters: dict | None = None,
) -> AuditEntry:
    """Record an export (CSV, PDF batch, API bulk read): what, how many rows, which filter."""
    return audit_record(
        action="export",
        actor=actor,
        data={"what": what, "count": count, "filters": filters or {}},
        request=request,
    )


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""


def _verify_rows(rows: Iterable[AuditEntry]) -> AuditVerification:
    expected_seq, prev_hash, checked = 1, GENESIS, 0

    def broken(seq: int, problem: str) -> AuditVerification:
        return AuditVerification(False, checked, expected_seq - 1, prev_hash, seq, problem)

    for row in rows:
        if row.seq != expected_seq:
            if row.seq > expected_seq:
                missing = (
                    f"{expected_seq}"
                    if row.seq == expected_seq + 1
                    else f"{expected_seq}–{row.seq - 1}"
                )
                return broken(expected_seq, f"entry {missing} is missing (deleted)")
            return broken(row.seq, f"entry {row.seq} appears twice or out of order")
        if row.prev_hash != prev_hash:
            return broken(row.seq, f"entry {row.seq} does not link to entry {row.seq - 1}")
        if not hmac.compare_digest(entry_hash(row), row.hash):
            return broken(row.seq, f"entry {row.seq} was altered (its hash does not match)")
        expected_seq, prev_hash, checked = expected_seq + 1, row.hash, checked + 1
    return AuditVerification(True, checked, expected_seq - 1, prev_hash)


def audit_verify(*, expect_head: tuple[int, str] | None = None) -> AuditVerification:
    """Walk the whole chain and report the first broken link.

    `expect_head` is a (seq, hash) pair recorded earlier outside the database (printed
    by every successful run): it catches rows deleted from the end of the log."""
    result = _verify_rows(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000))
    if not result.ok or expect_head is None:
        return result
    seq, head = expect_head
    row = AuditEntry.objects.filter(seq=seq).first()
    if row is not None and row.hash == head:
        return result
    problem = "is missing (deleted)" if row is None else "does not match the head recorded"
    return dataclasses.replace(
        result, ok=False, broken_seq=seq, problem=f"entry {seq}, recorded earlier, {problem}"
    )
