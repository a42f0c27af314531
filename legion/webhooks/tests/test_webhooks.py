"""Webhooks: a case event becomes a signed POST to each subscriber that may read the
case, through the outbox (written with the event, delivered by the worker with back-off),
logged with the endpoint's answers, and replayable. Delivered to a real HTTP receiver
on loopback."""

import datetime as dt
import json
import time

import pytest
from django.db import transaction
from django.utils import timezone

from legion.api.tokens import api_token_create, api_token_revoke
from legion.cases.services import case_submit
from legion.missions.actors import Actor
from legion.outbox.models import OutboxAttempt, OutboxMessage
from legion.testing.outbox import deliver_outbox
from legion.webhooks.models import WebhookDelivery, WebhookSubscription
from legion.webhooks.services import WebhookError, webhook_delivery_replay
from legion.webhooks.signing import SignatureInvalid, webhook_verify
from legion.webhooks.tests.receiver import start_receiver
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.LEGION_WEBHOOK_ALLOW_HTTP = True  # the receiver is plain HTTP on loopback
    settings.LEGION_WEBHOOK_TIMEOUT_SECONDS = 5
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def subscribe(user, url, *, mission=None, events=(), name="case feed") -> WebhookSubscription:
    token, _raw = api_token_create(username=user.username, name="webhooks")
    return WebhookSubscription.objects.create(
        name=name, mission=mission, token=token, url=url, events=list(events)
    )


def submit(case):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))


def test_a_state_change_reaches_the_missions_endpoint_signed(receiver, officer, london, case):
    subscription = subscribe(officer, receiver.url, mission=london)
    submit(case)
    assert deliver_outbox() == ["sent"]
    (request,) = receiver.requests
    webhook_verify(secret=subscription.secret, headers=request.headers, body=request.body)
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert body["type"] == "case.transition"
    assert body["data"]["case"] == {
        "reference": case.reference,
        "mission": "lon",
        "state": "submitted",
    }
    assert body["data"]["event"]["from_state"] == "draft"
    assert body["data"]["event"]["to_state"] == "submitted"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["webhook-id"] == delivery.webhook_id
    (attempt,) = delivery.message.tries.all()
    assert (attempt.outcome, attempt.response_status, attempt.response_body) == ("sent", 200, "ok")


def test_the_payload_holds_no_personal_data(receiver, officer, london, case):
    subscribe(officer, receiver.url, mission=london)
    submit(case)
    deliver_outbox()
    applicant = case.applicant
    text = receiver.requests[0].body.decode()
    for personal in (applicant.given_name, applicant.surname, applicant.email, "applicant"):
        assert personal not in text


def test_a_wrong_secret_a_changed_body_or_an_old_timestamp_fails_verification(
    receiver, officer, london, case
):
    subscription = subscribe(officer, receiver.url, mission=london)
    submit(case)
    deliver_outbox()
    (request,) = receiver.requests
    other = subscribe(officer, receiver.url, name="other")
    with pytest.raises(SignatureInvalid):
        webhook_verify(secret=other.secret, headers=request.headers, body=request.body)
    with pytest.raises(SignatureInvalid):
        webhook_verify(
            secret=subscription.secret, headers=request.headers, body=request.body + b" "
        )
    with pytest.raises(SignatureInvalid):
        webhook_verify(
            secret=subscription.secret,
            headers=request.headers,
            body=request.body,
            now=time.time() + 600,
        )


def test_no_delivery_exists_unless_the_event_commits(receiver, officer, london, case):
    subscribe(officer, receiver.url, mission=london)
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(case)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the change fails")
    assert not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(channel="webhook").exists()


def test_a_failing_endpoint_is_retried_with_back_off_and_its_answers_logged(
    receiver, officer, london, case
):
    subscribe(officer, receiver.url, mission=london)
    receiver.answers = [(503, "down for maintenance"), (500, "oops")]
    submit(case)
    before = timezone.now()
    assert deliver_outbox() == ["retry"]
    message = OutboxMessage.objects.get(channel="webhook")
    assert message.next_attempt_at >= before + dt.timedelta(seconds=59)
    assert deliver_outbox() == ["retry"]
    message.refresh_from_db()
    assert message.next_attempt_at >= timezone.now() + dt.timedelta(seconds=110)  # doubled
    assert deliver_outbox() == ["sent"]
    answers = [(t.outcome, t.response_status, t.response_body) for t in message.tries.all()]
    assert answers == [
        ("failed", 503, "down for maintenance"),
        ("failed", 500, "oops"),
        ("sent", 200, "ok"),
    ]
    # Every attempt is the same message (one webhook-id), signed anew.
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert len(receiver.requests) == 3


def test_an_unreachable_endpoint_is_a_failure_to_retry(settings, officer, london, case):
    settings.LEGION_WEBHOOK_ALLOW_HTTP = True
    subscribe(officer, "http://127.0.0.1:9/nothing-listens-here", mission=london)
    submit(case)
    assert deliver_outbox() == ["retry"]
    (attempt,) = OutboxAttempt.objects.all()
    assert attempt.outcome == "failed" and "Could not reach" in attempt.error


def test_a_redirect_is_not_followed(receiver, officer, london, case):
    subscribe(officer, receiver.url, mission=london)
    receiver.redirect_to = "http://127.0.0.1:9/elsewhere"
    submit(case)
    assert deliver_outbox() == ["retry"]
    (attempt,) = OutboxAttempt.objects.all()
    assert attempt.response_status == 307
    assert len(receiver.requests) == 1


def test_a_subscription_never_hears_of_cases_outside_its_scope(
    receiver, officer, outsider, analyst, security, london, ottawa, case
):
    ours = subscribe(officer, receiver.url + "/ours", mission=london)
    subscribe(outsider, receiver.url + "/ottawa", mission=ottawa)
    # An Ottawa officer's token on a subscription that names London: still Ottawa's scope.
    subscribe(outsider, receiver.url + "/outsider-as-london", mission=london)
    subscribe(analyst, receiver.url + "/analyst")  # HQ analysts see aggregates only
    subscribe(security, receiver.url + "/security")  # no review item on this case
    submit(case)
    deliver_outbox()
    assert [r.path for r in receiver.requests] == ["/hooks/legion/ours"]
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [ours.pk]


def test_only_the_chosen_events_are_sent(receiver, officer, london, case):
    subscribe(officer, receiver.url, mission=london, events=["case.transfer"])
    submit(case)
    assert not WebhookDelivery.objects.exists()


def test_a_revoked_token_stops_a_waiting_delivery(receiver, officer, london, case):
    subscription = subscribe(officer, receiver.url, mission=london)
    submit(case)
    api_token_revoke(prefix=subscription.token.prefix)
    assert deliver_outbox() == ["failed"]  # given up at once: retrying cannot help
    assert receiver.requests == []
    (attempt,) = OutboxAttempt.objects.all()
    assert "may no longer read" in attempt.error


def test_a_switched_off_subscription_gets_nothing_new(receiver, officer, london, case):
    subscription = subscribe(officer, receiver.url, mission=london)
    subscription.is_active = False
    subscription.save()
    submit(case)
    assert not WebhookDelivery.objects.exists()


def test_a_replay_sends_the_same_body_and_webhook_id_signed_anew(
    receiver, officer, london, case, admin_user
):
    subscription = subscribe(officer, receiver.url, mission=london)
    submit(case)
    deliver_outbox()
    first = WebhookDelivery.objects.get()
    replay = webhook_delivery_replay(delivery_id=first.pk, user=admin_user)
    assert deliver_outbox() == ["sent"]
    one, two = receiver.requests
    assert one.body == two.body and one.headers["webhook-id"] == two.headers["webhook-id"]
    webhook_verify(secret=subscription.secret, headers=two.headers, body=two.body)
    assert replay.replay_of == first and replay.requested_by == admin_user


def test_no_replay_once_the_subscription_may_not_read_the_case(
    receiver, officer, london, case, admin_user
):
    subscription = subscribe(officer, receiver.url, mission=london)
    submit(case)
    deliver_outbox()
    api_token_revoke(prefix=subscription.token.prefix)
    with pytest.raises(WebhookError, match="may no longer read"):
        webhook_delivery_replay(delivery_id=WebhookDelivery.objects.get().pk, user=admin_user)


def test_plain_http_endpoints_are_refused_unless_allowed(settings, officer, london, case):
    settings.LEGION_WEBHOOK_ALLOW_HTTP = False
    subscribe(officer, "http://127.0.0.1:9/hook", mission=london)
    submit(case)
    assert deliver_outbox() == ["failed"]
    assert "not HTTPS" in OutboxAttempt.objects.get().error


def test_a_review_moves_the_case_and_each_step_is_one_delivery(receiver, officer, london, case):
    subscribe(officer, receiver.url, mission=london, events=["case.transition"])
    steps.in_review(case, officer)
    deliver_outbox()
    states = [json.loads(r.body)["data"]["case"]["state"] for r in receiver.requests]
    assert states[-1] == "in_review" and len(states) == WebhookDelivery.objects.count()
