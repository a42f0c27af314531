"""What brings a case back to the officer: the applicant's reply or upload, the queue's
"waiting for the applicant" and "applicant replied", reminders on the task worker; and
the attachments both sides can open."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from legion.audit.models import AuditEntry
from legion.cases.states import CaseState as S
from legion.conversation.models import CaseMessage
from legion.conversation.services import (
    case_message_send,
    information_request_ask,
    information_requests_open,
)
from legion.conversation.tasks import reminders_ensure_scheduled
from legion.missions.actors import Actor
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing import files
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

ASK = "Please send your criminal record certificate."


@pytest.fixture
def reviewed(case):
    return set_state(case, S.IN_REVIEW)


def ask(case, officer, kind="criminal_record"):
    return information_request_ask(
        reference=case.reference,
        actor=Actor.staff(officer),
        question=ASK,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        document_kind=kind,
    )


def queue(client, mission, conversation):
    url = reverse("workspace:queue", args=[mission.code])
    return client.get(url, {"conversation": conversation}).content.decode()


def test_asking_for_information_leaves_the_applicants_earlier_message_unanswered(officer, reviewed):
    case_message_send(
        reference=reviewed.reference, actor=Actor.applicant(reviewed.pk), body="When is my turn?"
    )
    ask(reviewed, officer)
    earlier = CaseMessage.objects.get(case=reviewed, sender="applicant")
    assert earlier.handled_at is None


def test_case_page_names_the_requested_document_in_words(client_of, officer, reviewed):
    ask(reviewed, officer)
    page = client_of(officer).get(reverse("workspace:case", args=[reviewed.reference]))
    text = page.content.decode()
    assert "document: Criminal record certificate" in text
    assert "document: criminal_record" not in text


def test_upload_from_the_documents_page_closes_the_request_and_the_queue_shows_a_reply(
    client, client_of, officer, reviewed, london
):
    ask(reviewed, officer)
    staff = client_of(officer)
    assert reviewed.reference in queue(staff, london, "waiting")
    assert reviewed.reference not in queue(staff, london, "replied")
    sign_in(client, reviewed)
    response = client.post(
        "/my-application/documents/",
        {"kind": "criminal_record", "file": files.pdf("certificate.pdf")},
    )
    assert response.status_code == 302
    assert information_requests_open(case=reviewed) == []
    assert reviewed.reference not in queue(staff, london, "waiting")
    assert reviewed.reference in queue(staff, london, "replied")
    # Both sides see the upload in the conversation, in words.
    portal = client.get("/my-application/messages/").content.decode()
    assert "Uploaded in answer to the request: Criminal record certificate" in portal
    # The mission's answer takes it off the "replied" list.
    case_message_send(reference=reviewed.reference, actor=Actor.staff(officer), body="Thanks")
    assert reviewed.reference not in queue(staff, london, "replied")


def test_an_upload_of_another_kind_leaves_the_request_open(client, officer, reviewed):
    ask(reviewed, officer)
    sign_in(client, reviewed)
    client.post("/my-application/documents/", {"kind": "photo", "file": files.png()})
    assert len(information_requests_open(case=reviewed)) == 1
    assert not CaseMessage.objects.filter(case=reviewed, sender="applicant").exists()


def test_a_file_sent_with_a_reply_is_filed_as_the_document_asked_for(officer, reviewed):
    ask(reviewed, officer)
    message = case_message_send(
        reference=reviewed.reference,
        actor=Actor.applicant(reviewed.pk),
        body="Here it is",
        uploaded_file=files.pdf("certificate.pdf"),
    )
    assert message.document.kind == "criminal_record"
    # One message, not a second "uploaded" one.
    assert CaseMessage.objects.filter(case=reviewed, sender="applicant").count() == 1


def test_queue_filter_ignores_other_missions_cases(client_of, officer, outsider, ottawa, london):
    other = set_state(f.CaseFactory(mission=ottawa), S.IN_REVIEW)
    ask(other, outsider)
    assert other.reference not in queue(client_of(officer), london, "waiting")


def test_applicant_downloads_the_missions_attachment_and_nobody_else_does(
    client, officer, reviewed, london
):
    message = case_message_send(
        reference=reviewed.reference,
        actor=Actor.staff(officer),
        body="Your invitation letter is attached.",
        uploaded_file=files.pdf("letter.pdf"),
    )
    sign_in(client, reviewed)
    page = client.get("/my-application/messages/").content.decode()
    url = f"/my-application/messages/{message.pk}/document/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="case.message_attachment_read").exists()
    other = set_state(f.CaseFactory(mission=london), S.IN_REVIEW)
    client.cookies.clear()
    sign_in(client, other)
    assert client.get(url).status_code == 404


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_books_one_daily_reminder_run():
    from django_tasks_db.models import DBTaskResult

    assert reminders_ensure_scheduled() is True
    assert reminders_ensure_scheduled() is False
    (booked,) = DBTaskResult.objects.all()
    assert booked.task_path.endswith("remind_information_requests")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_reminder_run_books_the_next_one_a_day_later():
    from django_tasks_db.models import DBTaskResult

    from legion.conversation.tasks import remind_information_requests

    remind_information_requests.call()
    (booked,) = DBTaskResult.objects.all()
    assert booked.run_after > timezone.now() + dt.timedelta(hours=23)
