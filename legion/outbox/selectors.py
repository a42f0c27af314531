"""Reads of the outbox for staff pages (no payload: only kind, status and attempts)."""

from django.db.models import Prefetch, QuerySet

from legion.outbox.models import OutboxAttempt, OutboxMessage


def outbox_messages_of_case(*, case_id: int, limit: int = 50) -> QuerySet[OutboxMessage]:
    """The case's outgoing messages, newest first, with their attempts (two queries)."""
    return (
        OutboxMessage.objects.filter(case_id=case_id)
        .defer("payload")
        .prefetch_related(Prefetch("tries", queryset=OutboxAttempt.objects.order_by("number")))
        .order_by("-created_at", "-pk")[:limit]
    )
