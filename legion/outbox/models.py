"""The outbox: every message Legion sends to a person or a system, as a row written in
the same transaction as the change that causes it, and each attempt to deliver it.

The payload (addresses, subject, body, attachments) is sealed at rest and dropped once
the message is delivered; what stays is what staff need to see on the case page: kind,
status, attempts, times and the Message-ID.
"""

from django.db import models

from legion.crypto import EncryptedTextField


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "e-mail"
        # A signed HTTP POST to a subscriber's endpoint (legion/webhooks sends it).
        WEBHOOK = "webhook", "webhook"

    class Status(models.TextChoices):
        PENDING = "pending", "waiting to be sent"
        SENDING = "sending", "being sent"
        SENT = "sent", "sent"
        FAILED = "failed", "given up"
        # Taken back before delivery: what it said no longer holds (a case put on hold
        # must not receive its travel instructions).
        WITHDRAWN = "withdrawn", "withdrawn before sending"

    channel = models.CharField(max_length=16, choices=Channel, default=Channel.EMAIL)
    # What the message is, in words staff read on the case page ("interview invitation").
    kind = models.CharField(max_length=80)
    # Referenced by key only: the outbox sits below the case apps and knows no case rules.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    # The RFC 5322 Message-ID, the same on every attempt: a receiving server or mail
    # client can tell a repeated delivery from a new message.
    message_id = models.CharField(max_length=200, unique=True)
    payload = EncryptedTextField(blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    # While an attempt runs, no other worker takes the message before this time; a
    # message still "sending" after it belonged to a worker that died mid-attempt.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"


class OutboxAttempt(models.Model):
    """One try to hand a message over (to the mail server, to a webhook endpoint),
    recorded before the try starts."""

    class Outcome(models.TextChoices):
        STARTED = "started", "started"
        SENT = "sent", "accepted by the mail server"
        FAILED = "failed", "failed"
        # The worker died during the attempt: the server may or may not have the message.
        INTERRUPTED = "interrupted", "interrupted"

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome, default=Outcome.STARTED)
    error = models.CharField(max_length=200, blank=True)
    # What the receiving system answered, for channels that answer (a webhook's HTTP
    # status and the start of its body): the delivery log staff read.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="outbox_attempt_number"),
        ]
        ordering = ["message", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.get_outcome_display()}"
