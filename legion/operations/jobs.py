"""The services behind scheduled jobs that no other app already has (the scheduler calls
retention and reminders through their own apps' services)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from legion.operations.models import ScheduledJob

OUTBOX_GRACE = dt.timedelta(minutes=5)


def watchlists_rescreen_changed() -> int:
    """Screen open cases against the watch-list entries imported or changed since the last
    successful run (an import screens at once too; this catches what that missed, such
    as an import whose screening failed). Returns the number of new hits."""
    from legion.identity.models import WatchlistEntry
    from legion.identity.watchlists import ImportResult, _rescreen

    last = ScheduledJob.objects.filter(name="rescreening").values_list(
        "last_succeeded_at", flat=True
    )
    since = last.first()
    entries = WatchlistEntry.objects.filter(active=True)
    if since:
        entries = entries.filter(imported_at__gte=since - dt.timedelta(minutes=1))
    result = ImportResult()
    _rescreen(entries, result)  # identity's re-screening of an import, reused as it is
    return result.hits


def outbox_overdue_requeue(*, now: dt.datetime | None = None) -> int:
    """Queue again the messages whose delivery is overdue: waiting past their attempt time
    or held by an attempt past its lease (their task was lost with a worker or a queue).
    A message queued twice is still sent once: each delivery claims its row first."""
    from legion.outbox.models import OutboxMessage
    from legion.outbox.tasks import outbox_deliver

    now = now or timezone.now()
    overdue = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lt=now - OUTBOX_GRACE
    ) | OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_until__lt=now - OUTBOX_GRACE
    )
    ids = list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:5000])
    for message_id in ids:
        transaction.on_commit(lambda message_id=message_id: outbox_deliver.enqueue(message_id))
    return len(ids)


def weekly_report_send() -> int:
    """E-mail HQ and each mission its weekly report (a PDF, aggregates only, built by
    legion.dashboard.weekly). Returns the number of e-mails queued."""
    from legion.dashboard.weekly import weekly_reports_send

    return weekly_reports_send()
