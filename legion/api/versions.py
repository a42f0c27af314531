"""No lost updates: every case representation carries a version (`ETag`), and a write
sent with `If-Match` goes through only if the case is still at that version.

The version changes with every change of the case: its own row (`updated_at`) and its
history (every transition, assignment, document decision writes a case event). The
comparison happens after the case's row is locked, inside the transaction of the write
itself, so two clients holding the same version cannot both win.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.http import HttpRequest

from legion.cases.models import Case, CaseEvent
from legion.cases.services import case_lock
from legion.missions.actors import Actor


class VersionMismatch(Exception):
    """The client's If-Match names a version the case is no longer at (412)."""

    def __init__(self, current: str) -> None:
        super().__init__("stale version")
        self.current = current


def case_etag(case: Case) -> str:
    """The case's current version as a strong entity tag, quotes included."""
    last_event = (
        CaseEvent.objects.filter(case_id=case.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    source = f"{case.pk}:{case.updated_at.isoformat()}:{last_event or 0}"
    return '"' + hashlib.sha256(source.encode()).hexdigest()[:24] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


@contextmanager
def case_write(request: HttpRequest, *, actor: Actor, reference: str) -> Iterator[None]:
    """The transaction of one write to a case. With `If-Match`, the case is locked first
    and the write refused (VersionMismatch) unless it is still at that version."""
    if_match = request.headers.get("If-Match")
    with transaction.atomic():
        if if_match is not None:
            case = case_lock(reference=reference, actor=actor)
            current = case_etag(case)
            if not _matches(if_match, current):
                raise VersionMismatch(current)
        yield
