"""Turning case events into webhook deliveries, and replaying a delivery.

`webhooks_case_event` is registered on the case lifecycle's fan-out point: it runs in
the transaction that records the event and writes one delivery (and its outbox
message) per subscription that wants the event and may read the case. The worker
delivers them later (delivery.py); nothing is sent from the request.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from legion.cases.policy import cases_for
from legion.missions.actors import Actor
from legion.outbox.models import OutboxMessage
from legion.outbox.services import outbox_message_add
from legion.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from legion.cases.models import Case, CaseEvent


class WebhookError(Exception):
    pass


def subscription_sees_case(*, subscription: WebhookSubscription, case: Case) -> bool:
    """Whether the subscription may hear of this case now: switched on, its mission's
    case (HQ subscriptions: any mission), and readable with its token by the one access
    policy. A revoked or expired token, or an inactive user, sees nothing."""
    token = subscription.token
    if not subscription.is_active or token is None or token.status != "live":
        return False
    if subscription.mission_id is not None and subscription.mission_id != case.mission_id:
        return False
    return cases_for(Actor.staff(token.user)).filter(pk=case.pk).exists()


def webhook_body(*, event_type: str, case: Case, event: CaseEvent) -> str:
    """The payload, in the Standard Webhooks shape (type, timestamp, data). Only what
    every staff role of the case's mission reads in the API's case list: reference,
    mission and state, and what happened (action and states). No names, no reasons
    (free text), no staff names; a subscriber reads more with its token, through the
    API's own field rules."""
    return json.dumps(
        {
            "type": event_type,
            "timestamp": event.created_at.isoformat(),
            "data": {
                "case": {
                    "reference": case.reference,
                    "mission": case.mission.code,
                    "state": case.state,
                },
                "event": {
                    "kind": event.kind,
                    "action": event.action,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "at": event.created_at.isoformat(),
                },
            },
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def _delivery_add(
    *,
    subscription: WebhookSubscription,
    case_id: int,
    event_type: str,
    webhook_id: str,
    body: str,
    replay_of: WebhookDelivery | None = None,
    requested_by: AbstractBaseUser | None = None,
) -> WebhookDelivery:
    message = outbox_message_add(
        channel=OutboxMessage.Channel.WEBHOOK,
        kind=f"webhook {event_type} to {subscription.name}",
        case_id=case_id,
        message_id=f"webhook.{uuid.uuid4().hex}",
    )
    return WebhookDelivery.objects.create(
        subscription=subscription,
        case_id=case_id,
        event_type=event_type,
        webhook_id=webhook_id,
        body=body,
        message=message,
        replay_of=replay_of,
        requested_by=requested_by,
    )


def webhooks_case_event(*, case: Case, event: CaseEvent) -> None:
    """The reaction to every case event: a delivery for each subscription that wants
    this kind of event and may read the case (runs in the event's transaction)."""
    event_type = f"case.{event.kind}"
    if event_type not in WebhookEvent.values:
        return
    subscriptions = WebhookSubscription.objects.filter(
        Q(mission__isnull=True) | Q(mission_id=case.mission_id), is_active=True
    ).select_related("token__user")
    body = None
    for subscription in subscriptions:
        if not subscription.wants(event_type):
            continue
        if not subscription_sees_case(subscription=subscription, case=case):
            continue
        body = body or webhook_body(event_type=event_type, case=case, event=event)
        _delivery_add(
            subscription=subscription,
            case_id=case.pk,
            event_type=event_type,
            webhook_id=f"msg_{uuid.uuid4().hex}",
            body=body,
        )


def webhook_delivery_replay(*, delivery_id: int, user: AbstractBaseUser) -> WebhookDelivery:
    """Send a delivery again (the receiver lost it, or was down past the last retry):
    the same body and webhook-id, signed anew, through the outbox like the first. Only
    while the subscription still sees the case."""
    with transaction.atomic():
        original = (
            WebhookDelivery.objects.select_related("subscription__token__user", "case")
            .filter(pk=delivery_id)
            .first()
        )
        if original is None:
            raise WebhookError("No such delivery.")
        if not subscription_sees_case(subscription=original.subscription, case=original.case):
            raise WebhookError(
                "The subscription is switched off or may no longer read this case "
                "(token revoked or expired, or the case moved): nothing was sent."
            )
        return _delivery_add(
            subscription=original.subscription,
            case_id=original.case_id,
            event_type=original.event_type,
            webhook_id=original.webhook_id,
            body=original.body,
            replay_of=original,
            requested_by=user,
        )


def webhook_secret_rotate(*, subscription_id: int) -> str:
    """A new signing secret for the subscription; deliveries from now on use it."""
    from legion.webhooks.signing import webhook_secret_generate

    secret = webhook_secret_generate()
    updated = WebhookSubscription.objects.filter(pk=subscription_id).update(secret=secret)
    if not updated:
        raise WebhookError("No such subscription.")
    return secret
