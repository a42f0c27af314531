"""Delivering one outbox message: claim it, record the attempt, send, record the outcome.

SMTP is not transactional, so "exactly once" is built from three short transactions
around the send:

1. claim: lock the row (skip_locked, so two workers never take the same message),
   record an attempt as *started* and mark the message *sending* with a lease;
2. send, outside any transaction, with the message's fixed Message-ID;
3. record: *sent* (and drop the sealed payload) or *failed* with the next attempt time.

A worker that dies in step 2 leaves the message *sending* with a started attempt. When
the lease has run out, the next claim marks that attempt *interrupted* and sends again
with the same Message-ID. A mail server closes its transaction only when it answers the
final "250" after DATA: a worker killed before that answer has handed over nothing, and
the message arrives once, after the restart. Killed in the instant between the server's
"250" and step 3, the repeat carries the same Message-ID, so it is recognisable as the
same message rather than a new one (mail clients and most servers drop it).

Other channels (webhooks) plug in a sender with `outbox_sender_register` from their
AppConfig.ready(): the outbox sits below them and imports none of them. A sender returns
what the other side answered (a `Receipt`) or raises `SendFailed`; the claim, lease,
attempts, back-off and giving up are the same for every channel.
"""

import datetime as dt
import json
import logging
import smtplib
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from legion.outbox.models import OutboxAttempt, OutboxMessage

logger = logging.getLogger(__name__)

MAILER = "default"


@dataclass(frozen=True)
class Delivery:
    """What one call of outbox_message_deliver did, and when to try again if at all."""

    outcome: str  # "sent", "failed", "retry", "busy", "nothing"
    retry_at: dt.datetime | None = None


@dataclass(frozen=True)
class Receipt:
    """What the receiving system answered to a delivered message (recorded on the attempt)."""

    response_status: int | None = None
    response_body: str = ""


class SendFailed(Exception):
    """A sender's refusal with what the other side answered. `permanent`: retrying cannot
    help (the subscription is gone or no longer sees the case), so give up now."""

    def __init__(
        self,
        error: str,
        *,
        response_status: int | None = None,
        response_body: str = "",
        permanent: bool = False,
    ) -> None:
        super().__init__(error)
        self.error = error[:200]
        self.response_status = response_status
        self.response_body = response_body[:500]
        self.permanent = permanent


Sender = Callable[[OutboxMessage], Receipt]
_senders: dict[str, Sender] = {}


def outbox_sender_register(channel: str, sender: Sender) -> None:
    """Let `sender` deliver the messages of `channel` (call from AppConfig.ready)."""
    _senders[channel] = sender


def _send_email(message: OutboxMessage) -> Receipt:
    email_from_payload(message).send(using=MAILER)
    return Receipt()


_senders[OutboxMessage.Channel.EMAIL] = _send_email


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after `attempts` failed tries: base, 2x, 4x ..., capped."""
    base = settings.LEGION_OUTBOX_RETRY_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.LEGION_OUTBOX_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=seconds)


def email_from_payload(message: OutboxMessage) -> EmailMultiAlternatives:
    """The e-mail sealed in the message's payload, with its fixed Message-ID."""
    data = json.loads(message.payload)
    email = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data.get("from") or None,
        to=data["to"],
        reply_to=data.get("reply_to") or None,
        headers={**data.get("headers", {}), "Message-ID": message.message_id},
    )
    for content, mimetype in data.get("alternatives", []):
        email.attach_alternative(content, mimetype)
    for filename, content, mimetype in data.get("attachments", []):
        email.attach(filename, b64decode(content), mimetype)
    return email


def _error_text(exc: BaseException) -> str:
    """What went wrong, without the addresses some SMTP errors quote."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "SMTPRecipientsRefused: the mail server refused the address"
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]


def _claim(message_id: int) -> tuple[OutboxMessage, OutboxAttempt] | Delivery:
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING],
            )
            .first()
        )
        if message is None:
            # Sent, given up, or locked by a worker claiming it this very moment.
            return Delivery("nothing")
        if message.status == OutboxMessage.Status.SENDING:
            if message.claimed_until and message.claimed_until > now:
                # Another worker is on it; look again when its lease ends.
                return Delivery("busy", retry_at=message.claimed_until)
            # The worker that claimed it died during its attempt.
            message.tries.filter(outcome=OutboxAttempt.Outcome.STARTED).update(
                outcome=OutboxAttempt.Outcome.INTERRUPTED, finished_at=now
            )
        elif message.next_attempt_at > now:
            return Delivery("busy", retry_at=message.next_attempt_at)
        message.attempts += 1
        message.status = OutboxMessage.Status.SENDING
        message.claimed_until = now + dt.timedelta(seconds=settings.LEGION_OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["attempts", "status", "claimed_until"])
        attempt = OutboxAttempt.objects.create(
            message=message, number=message.attempts, started_at=now
        )
    return message, attempt


def outbox_message_deliver(*, message_id: int) -> Delivery:
    """Try once to deliver the outbox message `message_id` (see the module docstring).

    Returns what happened; on a failure below the attempt limit, when to retry."""
    claimed = _claim(message_id)
    if isinstance(claimed, Delivery):
        return claimed
    message, attempt = claimed
    try:
        sender = _senders.get(message.channel)
        if sender is None:
            raise SendFailed(f"No sender for channel {message.channel!r}", permanent=True)
        receipt = sender(message)
    except Exception as exc:
        now = timezone.now()
        failed = exc if isinstance(exc, SendFailed) else SendFailed(_error_text(exc))
        error = failed.error
        logger.warning("Outbox message %s attempt %s failed: %s", message.pk, attempt.number, error)
        give_up = failed.permanent or message.attempts >= settings.LEGION_OUTBOX_MAX_ATTEMPTS
        with transaction.atomic():
            OutboxAttempt.objects.filter(pk=attempt.pk).update(
                outcome=OutboxAttempt.Outcome.FAILED,
                finished_at=now,
                error=error,
                response_status=failed.response_status,
                response_body=failed.response_body,
            )
            message.status = (
                OutboxMessage.Status.FAILED if give_up else OutboxMessage.Status.PENDING
            )
            message.next_attempt_at = now + retry_delay(message.attempts)
            message.claimed_until = None
            message.last_error = error
            message.save(update_fields=["status", "next_attempt_at", "claimed_until", "last_error"])
        if give_up:
            return Delivery("failed")
        return Delivery("retry", retry_at=message.next_attempt_at)
    now = timezone.now()
    with transaction.atomic():
        OutboxAttempt.objects.filter(pk=attempt.pk).update(
            outcome=OutboxAttempt.Outcome.SENT,
            finished_at=now,
            response_status=receipt.response_status,
            response_body=receipt.response_body[:500],
        )
        # The payload (addresses, text, one-time links) is not kept once delivered.
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.SENT,
            sent_at=now,
            claimed_until=None,
            last_error="",
            payload="",
        )
    return Delivery("sent")
