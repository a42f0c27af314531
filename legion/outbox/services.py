"""Writing messages to the outbox, and handing waiting ones to the task worker.

Call `outbox_email_add()` inside the transaction of the change that causes the
message: the message exists exactly when the change does. Nothing is sent from the
request; the task worker delivers (see `delivery.py`).
"""

import datetime as dt
import json
from base64 import b64encode
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend

from legion.outbox.models import OutboxMessage
from legion.outbox.tasks import outbox_deliver


def _queue_delivery(message_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Queue the delivery task. The database queue writes its task row in the current
    transaction (so the task exists exactly when the message does); any other queue is
    told only after the commit, so it never runs before the row is visible."""
    task = outbox_deliver
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(message_id)
    else:
        transaction.on_commit(partial(task.enqueue, message_id))


def _payload(email: EmailMessage) -> str:
    alternatives = getattr(email, "alternatives", [])
    attachments = []
    for attachment in email.attachments:
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else content
        attachments.append([filename, b64encode(raw).decode(), mimetype])
    return json.dumps(
        {
            "from": email.from_email,
            "to": list(email.to),
            "reply_to": list(email.reply_to),
            "subject": email.subject,
            "body": email.body,
            "alternatives": [[content, mimetype] for content, mimetype in alternatives],
            "attachments": attachments,
            "headers": {k: v for k, v in email.extra_headers.items() if k != "Message-ID"},
        }
    )


def outbox_email_add(
    *, email: EmailMessage, kind: str, case_id: int | None = None
) -> OutboxMessage:
    """Put `email` in the outbox, sealed, and queue its delivery.

    `kind` names the message for staff ("interview invitation"); `case_id` shows it on
    that case's page. Call it inside the transaction of the change that causes it."""
    host = urlsplit(settings.SITE_URL).hostname or "legion.invalid"
    return outbox_message_add(
        channel=OutboxMessage.Channel.EMAIL,
        kind=kind,
        case_id=case_id,
        message_id=make_msgid(idstring="legion", domain=host),
        payload=_payload(email),
    )


def outbox_message_add(
    *, channel: str, kind: str, message_id: str, payload: str = "", case_id: int | None = None
) -> OutboxMessage:
    """Put a message of any channel in the outbox and queue its delivery; the channel's
    registered sender delivers it (see delivery.outbox_sender_register). Call it inside
    the transaction of the change that causes it."""
    message = OutboxMessage.objects.create(
        channel=channel,
        kind=kind[:80],
        case_id=case_id,
        message_id=message_id,
        payload=payload,
        next_attempt_at=timezone.now(),
    )
    _queue_delivery(message.pk)
    return message


def outbox_recover() -> int:
    """Queue a delivery again for every message not yet sent or given up: those a killed
    worker left "sending" (due when its lease runs out) and waiting ones whose task was
    lost (a queue outside the database, a crash before the enqueue). A message queued
    twice is still sent once: each delivery claims the row first. Run when a worker
    starts; returns how many were queued."""
    now = timezone.now()
    unsent = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
    ).values_list("pk", "status", "next_attempt_at", "claimed_until")
    count = 0
    for message_id, status, next_attempt_at, claimed_until in unsent.iterator():
        due = claimed_until if status == OutboxMessage.Status.SENDING else next_attempt_at
        with transaction.atomic():
            _queue_delivery(message_id, run_after=due if due and due > now else None)
        count += 1
    return count


def outbox_messages_withdraw(*, case_id: int, kinds: tuple[str, ...]) -> int:
    """Take back the case's messages of these kinds that are still waiting (not those
    a worker is sending this moment); returns how many. Call it in the transaction of
    the change that makes them wrong."""
    return OutboxMessage.objects.filter(
        case_id=case_id, kind__in=kinds, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.WITHDRAWN, payload="")
