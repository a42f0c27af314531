"""Test helpers for the outbox: deliver what is waiting, as the worker would, and a
mail server that is down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from legion.outbox.delivery import outbox_message_deliver
from legion.outbox.models import OutboxMessage

DOWN_BACKEND = "legion.testing.outbox.MailServerDown"


class MailServerDown(BaseEmailBackend):
    """A mailer whose server refuses every connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


def deliver_outbox() -> list[str]:
    """Try every waiting message once, as the task worker would once their back-off has
    passed; the outcomes."""
    waiting = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
    ).order_by("pk")
    waiting.filter(status=OutboxMessage.Status.PENDING).update(next_attempt_at=timezone.now())
    return [
        outbox_message_deliver(message_id=pk).outcome for pk in waiting.values_list("pk", flat=True)
    ]
