"""Messages between the applicant (status page, no script) and the mission (case page):
sealed, audited, erased; the e-mail says only that there is a message."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from legion.audit.models import AuditEntry
from legion.cases.models import Document
from legion.cases.services import CaseError
from legion.cases.states import CaseState as S
from legion.conversation.models import CaseMessage
from legion.conversation.services import case_message_send, case_messages_read
from legion.dataprotection.erasure import case_erase
from legion.missions.actors import Actor
from legion.portal.tests.conftest import sign_in
from legion.testing import files
from legion.testing.factories import set_state
from legion.testing.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

QUESTION = "Can I bring my own body armour to the interview?"
ANSWER = "Please do not bring equipment to the embassy; bring your passport only."


@pytest.fixture
def reviewed(case):
    return set_state(case, S.IN_REVIEW)


def test_applicant_writes_from_the_portal_with_a_document_without_javascript(client, reviewed):
    sign_in(client, reviewed)
    upload = files.pdf("service-record.pdf")
    response = client.post("/my-application/messages/", {"body": QUESTION, "file": upload})
    assert response.status_code == 302 and response.url == "/my-application/messages/"
    page = client.get("/my-application/messages/").content.decode()
    assert QUESTION in page and "service-record.pdf" in page
    (message,) = CaseMessage.objects.filter(case=reviewed)
    assert message.sender == "applicant" and message.document.kind == Document.Kind.OTHER


def test_a_file_that_fails_the_upload_checks_is_refused_and_nothing_is_kept(client, reviewed):
    sign_in(client, reviewed)
    documents = reviewed.documents.count()
    fake = SimpleUploadedFile("record.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post("/my-application/messages/", {"body": QUESTION, "file": fake})
    assert response.status_code == 400
    assert not CaseMessage.objects.exists() and reviewed.documents.count() == documents


def test_empty_message_is_refused_in_the_applicants_language(client, reviewed):
    reviewed.language = "uk"
    reviewed.save(update_fields=["language"])
    sign_in(client, reviewed)
    client.cookies["django_language"] = "uk"
    response = client.post("/my-application/messages/", {"body": "  "})
    assert response.status_code == 400
    assert "Напишіть своє повідомлення." in response.content.decode()


def test_mission_answers_from_the_case_page_and_the_email_does_not_contain_it(
    client_of, officer, reviewed
):
    case_message_send(
        reference=reviewed.reference, actor=Actor.applicant(reviewed.pk), body=QUESTION
    )
    deliver_outbox()
    mail.outbox.clear()
    page = client_of(officer).get(reverse("workspace:case", args=[reviewed.reference])).text
    assert QUESTION in page.split('id="conversation"')[1] and "not answered" in page
    client_of(officer).post(
        reverse("workspace:case_message_send", args=[reviewed.reference]), {"body": ANSWER}
    )
    deliver_outbox()
    (notice,) = mail.outbox
    assert notice.to == [reviewed.applicant.email]
    assert "/my-application/messages/" in notice.body
    assert ANSWER not in notice.body and "body armour" not in notice.body
    assert CaseMessage.objects.get(body__isnull=False, sender="applicant").handled_at is not None


def test_messages_are_sealed_audited_and_erased(officer, reviewed):
    message = case_message_send(
        reference=reviewed.reference, actor=Actor.applicant(reviewed.pk), body=QUESTION
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM conversation_casemessage WHERE id = %s", [message.pk])
        assert b"body armour" not in bytes(cursor.fetchone()[0])
    case_messages_read(case=reviewed, actor=Actor.staff(officer))
    actions = list(
        AuditEntry.objects.filter(case_id=reviewed.pk, action__startswith="case.message")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["case.message_send", "case.messages_read"]
    set_state(reviewed, S.WITHDRAWN)
    case_erase(reference=reviewed.reference, actor=Actor.staff(officer), reason="Asked")
    assert not CaseMessage.objects.exists()


def test_other_missions_and_other_applicants_cannot_read_or_write(outsider, reviewed, london):
    from legion.testing import factories as f

    case_message_send(
        reference=reviewed.reference, actor=Actor.applicant(reviewed.pk), body=QUESTION
    )
    other = set_state(f.CaseFactory(mission=london), S.IN_REVIEW)
    for actor in (Actor.staff(outsider), Actor.applicant(other.pk)):
        assert case_messages_read(case=reviewed, actor=actor) is None
        with pytest.raises(CaseError):
            case_message_send(reference=reviewed.reference, actor=actor, body="Hi")
