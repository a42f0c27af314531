"""The outbox loses nothing and sends nothing twice: written with the change that
causes it, sealed at rest, delivered by the worker with retries and back-off."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from legion.cases.access import access_email_send
from legion.outbox.delivery import outbox_message_deliver, retry_delay
from legion.outbox.models import OutboxAttempt, OutboxMessage
from legion.outbox.services import outbox_email_add, outbox_recover
from legion.testing import factories as f
from legion.testing.outbox import DOWN_BACKEND, deliver_outbox

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _email(to="kenji.sato@example.jp", body="Your interview is on 8 December."):
    return EmailMessage(subject="Interview", body=body, to=[to])


def test_message_exists_only_if_its_change_commits():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_email_add(email=_email(), kind="test")
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()
    outbox_email_add(email=_email(), kind="test")
    assert OutboxMessage.objects.count() == 1


def test_payload_is_sealed_at_rest_and_dropped_once_delivered():
    message = outbox_email_add(email=_email(), kind="test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM outbox_outboxmessage WHERE id = %s", [message.pk])
        raw = bytes(cursor.fetchone()[0])
    assert b"kenji.sato" not in raw and b"8 December" not in raw and b"Interview" not in raw
    assert deliver_outbox() == ["sent"]
    (sent,) = mail.outbox
    assert sent.to == ["kenji.sato@example.jp"] and sent.body == "Your interview is on 8 December."
    assert sent.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT and message.payload == ""
    assert [t.outcome for t in message.tries.all()] == [OutboxAttempt.Outcome.SENT]


def test_failed_delivery_is_retried_with_exponential_back_off_then_given_up(settings):
    settings.MAILERS = {"default": {"BACKEND": DOWN_BACKEND}}
    settings.LEGION_OUTBOX_MAX_ATTEMPTS = 4
    message = outbox_email_add(email=_email(), kind="test")
    waits = []
    for _ in range(3):
        before = timezone.now()
        delivery = outbox_message_deliver(message_id=message.pk)
        assert delivery.outcome == "retry"
        waits.append(round((delivery.retry_at - before).total_seconds()))
        # Not due yet: a delivery before the back-off has passed does nothing.
        assert outbox_message_deliver(message_id=message.pk).outcome == "busy"
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert waits == [60, 120, 240]
    assert outbox_message_deliver(message_id=message.pk).outcome == "failed"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED and message.attempts == 4
    assert message.last_error == "SMTPConnectError 421"
    assert list(message.tries.values_list("outcome", flat=True)) == ["failed"] * 4
    assert mail.outbox == []


def test_back_off_is_capped(settings):
    settings.LEGION_OUTBOX_RETRY_MAX_SECONDS = 3600
    assert retry_delay(1) == dt.timedelta(seconds=60)
    assert retry_delay(20) == dt.timedelta(hours=1)


def test_message_being_sent_by_a_live_worker_is_not_taken_by_another():
    message = outbox_email_add(email=_email(), kind="test")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert outbox_message_deliver(message_id=message.pk).outcome == "busy"
    assert mail.outbox == []


def test_message_left_sending_by_a_dead_worker_is_sent_again_with_the_same_message_id():
    message = outbox_email_add(email=_email(), kind="test")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        attempts=1,
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
    )
    OutboxAttempt.objects.create(message=message, number=1, started_at=timezone.now())
    assert outbox_message_deliver(message_id=message.pk).outcome == "sent"
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert list(message.tries.values_list("outcome", flat=True)) == ["interrupted", "sent"]


def test_sent_message_is_never_sent_again():
    message = outbox_email_add(email=_email(), kind="test")
    assert deliver_outbox() == ["sent"]
    assert outbox_message_deliver(message_id=message.pk).outcome == "nothing"
    assert outbox_recover() == 0
    assert len(mail.outbox) == 1


def test_recovery_queues_what_a_worker_left(settings, django_capture_on_commit_callbacks):
    outbox_email_add(email=_email(), kind="test")
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_recover() == 1
    assert len(mail.outbox) == 1


def test_access_email_goes_through_the_outbox_of_its_case(london):
    case = f.CaseFactory(mission=london)
    access_email_send(case=case, purpose="resume")
    (message,) = OutboxMessage.objects.filter(case=case)
    assert message.kind == "access link (resume)"
    assert mail.outbox == []  # nothing is sent from the request
    deliver_outbox()
    assert case.reference in mail.outbox[0].subject
