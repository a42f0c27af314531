"""Administrators manage subscriptions and read the delivery log in the admin; an
endpoint must be HTTPS; a delivery can be replayed from the log."""

import pytest

from legion.api.tokens import api_token_create
from legion.cases.services import case_submit
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.auth import StaffClient
from legion.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    client = StaffClient()
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def form(token, url, mission):
    return {
        "name": "London case feed",
        "mission": mission.pk,
        "token": token.pk,
        "url": url,
        "events": ["case.transition", "case.transfer"],
        "is_active": "on",
    }


def test_an_administrator_registers_an_https_endpoint_with_its_own_secret(root, officer, london):
    token, _ = api_token_create(username=officer.username, name="feed")
    add = "/admin/webhooks/webhooksubscription/add/"
    refused = root.post(add, form(token, "http://feed.example/hook", london))
    assert refused.status_code == 200 and "must use https://" in refused.content.decode()
    assert root.post(add, form(token, "https://feed.example/hook", london)).status_code == 302
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["case.transition", "case.transfer"]
    assert subscription.secret.startswith("whsec_")
    page = root.get(f"/admin/webhooks/webhooksubscription/{subscription.pk}/change/")
    assert subscription.secret in page.content.decode()
    other = WebhookSubscription.objects.create(name="b", token=token, url="https://b.example/")
    assert other.secret != subscription.secret


def test_the_delivery_log_lists_attempts_and_replays(root, officer, london, case):
    token, _ = api_token_create(username=officer.username, name="feed")
    WebhookSubscription.objects.create(
        name="feed", mission=london, token=token, url="https://feed.example/hook"
    )
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    delivery = WebhookDelivery.objects.get()
    assert root.get("/admin/webhooks/webhookdelivery/").status_code == 200
    page = root.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and delivery.webhook_id in page.content.decode()
    answer = root.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert answer.status_code == 302
    replay = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert replay.replay_of == delivery and replay.webhook_id == delivery.webhook_id
