"""Webhook subscriptions (an endpoint that wants chosen case events) and the log of
what was delivered to each.

A subscription belongs to a mission (or to HQ: no mission) and acts with an API token:
it receives an event only for a case that token may read (the same access policy as
the API), and never more of the case than the payload's few fields. Administrators
manage subscriptions in the admin; the secret signs every delivery (see signing.py).
"""

from django.conf import settings
from django.db import models

from legion.crypto import EncryptedTextField
from legion.webhooks.signing import webhook_secret_generate


class WebhookEvent(models.TextChoices):
    """The case events a subscription can choose (one per kind of case event; internal
    notes are not among them)."""

    TRANSITION = "case.transition", "a case changed state"
    ASSIGNMENT = "case.assignment", "a case was assigned or unassigned"
    TRANSFER = "case.transfer", "a case moved to another mission"
    DOCUMENT = "case.document", "a document was uploaded, verified or rejected"
    INTERVIEW = "case.interview", "an interview was booked, cancelled or assessed"


class WebhookSubscription(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it and why.")
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        help_text="Only this mission's cases; empty for HQ (every case the token may read).",
    )
    token = models.ForeignKey(
        "api.ApiToken",
        null=True,
        on_delete=models.SET_NULL,
        related_name="webhook_subscriptions",
        help_text="The subscriber's API token: deliveries cover only cases it may read. "
        "A revoked or expired token stops the deliveries.",
    )
    url = models.URLField(max_length=500, help_text="The HTTPS endpoint that receives POSTs.")
    events = models.JSONField(
        default=list, help_text="The case events to send (see WebhookEvent); empty for all."
    )
    # Sealed at rest: the secret must be readable to sign, so it cannot be hashed.
    secret = EncryptedTextField(default=webhook_secret_generate)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["is_active", "mission"], name="webhook_sub_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.mission.code if self.mission_id else 'HQ'})"

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription; the outbox message carries
    it, and its attempts record each HTTP answer. A replay is a new delivery of the
    same body under the same `webhook_id`."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event_type = models.CharField(max_length=40, choices=WebhookEvent)
    # The Standard Webhooks message id: the same on every attempt and on replays, so a
    # receiver can drop what it has already processed.
    webhook_id = models.CharField(max_length=60, db_index=True)
    # The JSON body exactly as signed and sent: reference, mission, state and what
    # happened; no personal data, so it can be kept for replays.
    body = models.TextField()
    # Null once erasure has removed the case's outbox messages (the body stays: it
    # holds nothing erasure removes).
    message = models.OneToOneField(
        "outbox.OutboxMessage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="webhook_delivery",
    )
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription.name}"
