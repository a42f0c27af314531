"""Documents and the conversation through the API: the same services as the workspace's
document page and case page, the same role rules (an attaché sees proof of experience
only), the same refusals as JSON, and audited reads."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from legion.audit.models import AuditEntry
from legion.cases.models import CaseEvent, Document
from legion.conversation.models import CaseMessage, CaseNote, InformationRequest
from legion.testing import files
from legion.testing.api import api, post
from legion.testing.outbox import deliver_outbox
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def url(case, tail=""):
    return f"/api/v1/cases/{case.reference}{tail}"


def test_each_role_lists_only_the_documents_it_may_see(case, officer, attache, outsider):
    steps.scheduled(case, officer)  # the attaché's cases are those with an interview
    kinds = {d["kind"] for d in api(officer).get(url(case, "/documents")).json()}
    assert kinds == {"passport", "criminal_record", "service_record"}
    listed = api(attache).get(url(case, "/documents")).json()
    assert [d["kind"] for d in listed] == ["service_record"]
    assert api(outsider).get(url(case, "/documents")).status_code == 404


def test_a_document_file_is_served_to_whom_may_see_it_and_the_read_is_audited(
    case, officer, attache
):
    steps.in_review(case, officer)
    passport = case.documents.get(kind="passport")
    response = api(officer).get(url(case, f"/documents/{passport.pk}/file"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == passport.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    views = AuditEntry.objects.filter(action="case.view", case_id=case.pk)
    assert f"api document {passport.pk} (passport)" in [e.data["what"] for e in views]
    refused = api(attache).get(url(case, f"/documents/{passport.pk}/file"))
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")


def test_an_officer_verifies_and_rejects_with_a_reason(case, officer):
    steps.in_review(case, officer)
    client = api(officer)
    passport, record = (
        case.documents.get(kind="passport"),
        case.documents.get(kind="service_record"),
    )
    verified = post(client, url(case, f"/documents/{passport.pk}/verification"), {})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    assert verified.has_header("ETag")
    no_reason = post(client, url(case, f"/documents/{record.pk}/rejection"), {"reason": ""})
    assert no_reason.status_code == 422
    rejected = post(
        client, url(case, f"/documents/{record.pk}/rejection"), {"reason": "Page 2 is missing."}
    )
    assert rejected.status_code == 200
    assert rejected.json()["rejection_reason"] == "Page 2 is missing."
    assert CaseEvent.objects.filter(case=case, action="reject_document").exists()
    again = post(client, url(case, f"/documents/{passport.pk}/verification"), {})
    assert (again.status_code, again.json()["code"]) == (409, "unchanged")


def test_only_officers_review_documents(case, officer, consul):
    steps.in_review(case, officer)
    record = case.documents.get(kind="service_record")
    response = post(api(consul), url(case, f"/documents/{record.pk}/verification"), {})
    assert (response.status_code, response.json()["code"]) == (409, "forbidden")
    assert Document.objects.get(pk=record.pk).status == "pending"


def test_a_stale_if_match_refuses_the_review(case, officer):
    steps.in_review(case, officer)
    client = api(officer)
    etag = client.get(url(case)).headers["ETag"]
    passport, record = (
        case.documents.get(kind="passport"),
        case.documents.get(kind="service_record"),
    )
    post(client, url(case, f"/documents/{passport.pk}/verification"), {}, **{"If-Match": etag})
    stale = post(
        client, url(case, f"/documents/{record.pk}/verification"), {}, **{"If-Match": etag}
    )
    assert stale.status_code == 412
    assert Document.objects.get(pk=record.pk).status == "pending"


def test_an_officer_uploads_a_document_through_the_same_checks(case, officer):
    steps.in_review(case, officer)
    client = api(officer)
    response = client.post(
        url(case, "/documents"), {"kind": "other", "file": files.pdf("letter.pdf", b"x")}
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "letter.pdf"
    fake = client.post(
        url(case, "/documents"),
        {"kind": "other", "file": files.SimpleUploadedFile("a.pdf", files.EXE_BYTES)},
    )
    assert fake.status_code == 409
    assert case.documents.count() == 4


def test_messages_go_both_ways_and_the_applicant_is_told_there_is_one(case, officer, outsider):
    steps.submitted(case)
    client = api(officer)
    sent = post(client, url(case, "/messages"), {"body": "Please bring your discharge papers."})
    assert sent.status_code == 201 and sent.json()["sender"] == "mission"
    deliver_outbox()
    (notice,) = mail.outbox
    assert notice.to == [case.applicant.email]
    assert "discharge papers" not in notice.body
    listed = client.get(url(case, "/messages")).json()
    assert [m["body"] for m in listed] == ["Please bring your discharge papers."]
    assert AuditEntry.objects.filter(action="case.messages_read", case_id=case.pk).exists()
    assert api(outsider).get(url(case, "/messages")).status_code == 404


def test_no_message_on_a_draft(case, officer):
    refused = post(api(officer), url(case, "/messages"), {"body": "Hello"})
    assert (refused.status_code, refused.json()["code"]) == (409, "forbidden")
    assert not CaseMessage.objects.exists()


def test_a_retried_message_with_the_same_key_is_sent_once(case, officer):
    steps.submitted(case)
    client = api(officer)
    first = post(client, url(case, "/messages"), {"body": "Hi"}, **{"Idempotency-Key": "k-1"})
    again = post(client, url(case, "/messages"), {"body": "Hi"}, **{"Idempotency-Key": "k-1"})
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert CaseMessage.objects.count() == 1


def test_notes_are_for_the_missions_staff_only(case, officer, consul, security):
    steps.submitted(case)
    added = post(api(consul), url(case, "/notes"), {"body": "Unit confirmed by phone."})
    assert added.status_code == 201
    assert [n["body"] for n in api(officer).get(url(case, "/notes")).json()] == [
        "Unit confirmed by phone."
    ]
    assert CaseNote.objects.count() == 1
    # HQ security does not see this case at all (no review item).
    assert api(security).get(url(case, "/notes")).status_code == 404


def test_an_officer_asks_for_a_document_by_a_date(case, officer, consul):
    steps.in_review(case, officer)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    body = {"question": "Please upload your discharge papers.", "due_on": due}
    asked = post(
        api(officer),
        url(case, "/information-requests"),
        {**body, "document_kind": "service_record"},
    )
    assert asked.status_code == 201 and asked.json()["answered_at"] is None
    listed = api(consul).get(url(case, "/information-requests")).json()
    assert [r["document_kind"] for r in listed] == ["service_record"]
    refused = post(api(consul), url(case, "/information-requests"), body)
    assert (refused.status_code, refused.json()["code"]) == (409, "forbidden")
    past = post(api(officer), url(case, "/information-requests"), {**body, "due_on": "2020-01-01"})
    assert (past.status_code, past.json()["code"]) == (409, "invalid")
    assert InformationRequest.objects.count() == 1


def test_documents_of_many_cases_are_verified_case_by_case(case, officer, outsider):
    steps.in_review(case, officer)
    client = api(officer)
    answer = post(
        client,
        "/api/v1/cases/bulk/document-verifications",
        {"references": [case.reference, "LGN-0000-0000"]},
    )
    assert answer.status_code == 200
    results = {r["reference"]: r["ok"] for r in answer.json()["results"]}
    assert results == {case.reference: True, "LGN-0000-0000": False}
    assert set(case.documents.values_list("status", flat=True)) == {"verified"}


def test_an_officer_submits_a_draft_taken_down_by_staff_with_screening(case, officer, outsider):
    refused = post(api(outsider), url(case, "/submission"), {})
    assert refused.status_code == 404
    sent = post(api(officer), url(case, "/submission"), {})
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "submitted"
    # The plain transition refuses it: submission goes through its screening service.
    again = post(api(officer), url(case, "/transitions"), {"action": "submit"})
    assert again.status_code == 409
