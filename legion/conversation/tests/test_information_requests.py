"""Requests for information: asked on the case page, a to-do on the status page, closed
by the applicant's reply, reminded before the due date."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from legion.cases.services import CaseError
from legion.cases.states import CaseState as S
from legion.conversation.services import (
    case_message_send,
    information_request_ask,
    information_requests_open,
    information_requests_remind,
)
from legion.missions.actors import Actor
from legion.portal.tests.conftest import sign_in
from legion.testing import files
from legion.testing.factories import set_state
from legion.testing.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

ASK = "Please send your criminal record certificate from the Japanese police."


@pytest.fixture
def reviewed(case):
    return set_state(case, S.IN_REVIEW)


def soon(days=5):
    return timezone.localdate() + dt.timedelta(days=days)


def test_officer_asks_and_the_status_page_shows_a_to_do_with_its_date(
    client_of, client, officer, reviewed
):
    response = client_of(officer).post(
        reverse("workspace:information_request", args=[reviewed.reference]),
        {"question": ASK, "document_kind": "criminal_record", "due_on": soon().isoformat()},
    )
    assert response.status_code == 302
    (request,) = information_requests_open(case=reviewed)
    assert request.document_kind == "criminal_record"
    page = sign_in(client, reviewed).get("/my-application/").content.decode()
    assert ASK in page and "The embassy or consulate is waiting for you" in page
    deliver_outbox()
    assert any("new message" in m.subject for m in mail.outbox)
    assert all(ASK not in m.body for m in mail.outbox)


def test_reply_with_the_document_closes_the_request(officer, reviewed):
    information_request_ask(
        reference=reviewed.reference,
        actor=Actor.staff(officer),
        question=ASK,
        due_on=soon(),
        document_kind="criminal_record",
    )
    applicant = Actor.applicant(reviewed.pk)
    case_message_send(reference=reviewed.reference, actor=applicant, body="Without the file")
    assert len(information_requests_open(case=reviewed)) == 1
    case_message_send(
        reference=reviewed.reference,
        actor=applicant,
        body="Here it is",
        uploaded_file=files.pdf("certificate.pdf"),
    )
    assert information_requests_open(case=reviewed) == []


def test_due_date_must_be_in_the_future_and_only_officers_ask(officer, consul, reviewed):
    with pytest.raises(CaseError, match="after today"):
        information_request_ask(
            reference=reviewed.reference,
            actor=Actor.staff(officer),
            question=ASK,
            due_on=timezone.localdate(),
        )
    with pytest.raises(CaseError) as refused:
        information_request_ask(
            reference=reviewed.reference, actor=Actor.staff(consul), question=ASK, due_on=soon()
        )
    assert refused.value.code == "forbidden"


def test_reminder_goes_out_once_before_the_due_date(officer, reviewed):
    information_request_ask(
        reference=reviewed.reference, actor=Actor.staff(officer), question=ASK, due_on=soon(2)
    )
    deliver_outbox()
    mail.outbox.clear()
    assert (
        information_requests_remind(today=soon(-5) + dt.timedelta(days=5) - dt.timedelta(days=3))
        == 0
    )
    assert information_requests_remind() == 1
    assert information_requests_remind() == 0
    deliver_outbox()
    (reminder,) = mail.outbox
    assert "Reminder" in reminder.subject and ASK not in reminder.body
