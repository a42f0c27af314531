"""Internal notes: staff of the mission write and read them on the case page, with
author and time; sealed at rest, audited, erased; never reach the applicant."""

import pytest
from django.db import connection
from django.urls import reverse

from legion.audit.models import AuditEntry
from legion.cases.services import CaseError
from legion.cases.states import CaseState as S
from legion.conversation.models import CaseNote
from legion.conversation.services import case_note_add, case_notes_read
from legion.dataprotection.erasure import case_erase
from legion.missions.actors import Actor
from legion.portal.tests.conftest import sign_in
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

NOTE = "Applicant sounded unsure about the dates on the service record; ask the attaché."


@pytest.fixture
def reviewed(case):
    return set_state(case, S.IN_REVIEW)


def test_officer_adds_a_note_on_the_case_page_with_author_and_time(client_of, officer, reviewed):
    client = client_of(officer)
    url = reverse("workspace:case_note_add", args=[reviewed.reference])
    response = client.post(url, {"body": NOTE}, follow=True)
    assert response.status_code == 200
    section = response.text.split('id="notes"')[1].split("</section>")[0]
    assert NOTE in section and "officer" in section and " UTC" in section
    (note,) = CaseNote.objects.filter(case=reviewed)
    assert note.author == officer and note.author_label == "officer"


def test_empty_note_is_refused_with_a_message(client_of, officer, reviewed):
    response = client_of(officer).post(
        reverse("workspace:case_note_add", args=[reviewed.reference]), {"body": "  "}, follow=True
    )
    assert "Please write the note." in response.text
    assert not CaseNote.objects.exists()


def test_attache_of_the_mission_reads_the_notes_too(attache, officer, reviewed):
    case_note_add(reference=reviewed.reference, actor=Actor.staff(officer), body=NOTE)
    assert [n.body for n in case_notes_read(case=reviewed, actor=Actor.staff(attache))] == [NOTE]


def test_note_is_sealed_at_rest(officer, reviewed):
    note = case_note_add(reference=reviewed.reference, actor=Actor.staff(officer), body=NOTE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM conversation_casenote WHERE id = %s", [note.pk])
        assert b"service record" not in bytes(cursor.fetchone()[0])


def test_staff_of_another_mission_can_neither_write_nor_read(outsider, officer, reviewed):
    with pytest.raises(CaseError) as refused:
        case_note_add(reference=reviewed.reference, actor=Actor.staff(outsider), body=NOTE)
    assert refused.value.code == "not_found"
    case_note_add(reference=reviewed.reference, actor=Actor.staff(officer), body=NOTE)
    assert case_notes_read(case=reviewed, actor=Actor.staff(outsider)) is None


def test_applicant_never_sees_a_note(client, officer, reviewed):
    case_note_add(reference=reviewed.reference, actor=Actor.staff(officer), body=NOTE)
    applicant = Actor.applicant(reviewed.pk)
    assert case_notes_read(case=reviewed, actor=applicant) is None
    with pytest.raises(CaseError):
        case_note_add(reference=reviewed.reference, actor=applicant, body="Hello")
    sign_in(client, reviewed)
    for url in ("/my-application/", "/my-application/withdraw/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "service record" not in response.text and "attaché." not in response.text


def test_writing_and_reading_notes_is_audited(officer, reviewed):
    actor = Actor.staff(officer)
    note = case_note_add(reference=reviewed.reference, actor=actor, body=NOTE)
    case_notes_read(case=reviewed, actor=actor)
    entries = AuditEntry.objects.filter(case_id=reviewed.pk, action__startswith="case.note")
    assert [(e.action, e.data) for e in entries.order_by("pk")] == [
        ("case.note_add", {"note": note.pk}),
        ("case.notes_read", {"notes": 1}),
    ]
    assert all(NOTE not in str(e.data) for e in entries)


def test_erasure_removes_the_notes(officer, reviewed):
    case_note_add(reference=reviewed.reference, actor=Actor.staff(officer), body=NOTE)
    set_state(reviewed, S.WITHDRAWN)
    case_erase(reference=reviewed.reference, actor=Actor.staff(officer), reason="Asked")
    assert not CaseNote.objects.exists()
