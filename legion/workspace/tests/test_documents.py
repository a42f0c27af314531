"""Document preview (served only after the scope check) and review."""

import pytest
from django.urls import reverse

from legion.cases.models import CaseEvent, Document
from legion.testing import files
from legion.testing.factories import MINIMAL_PDF
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def doc(case, kind):
    return case.documents.get(kind=kind)


def file_url(case, document):
    return reverse("workspace:document_file", args=[case.reference, document.pk])


def test_officer_previews_a_pdf_inline_and_uncached(client_of, officer, case):
    steps.submitted(case)
    passport = doc(case, "passport")
    response = client_of(officer).get(file_url(case, passport))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="passport.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(MINIMAL_PDF)


def test_image_is_shown_in_the_page_and_other_types_only_downloaded(client_of, officer, case):
    steps.submitted(case)
    photo = doc(case, "passport")
    photo.content_type = "image/png"
    photo.save()
    client = client_of(officer)
    detail = client.get(reverse("workspace:document", args=[case.reference, photo.pk]))
    assert f'<img src="{file_url(case, photo)}"' in detail.text
    photo.content_type = "text/html"
    photo.save()
    response = client.get(file_url(case, photo))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_document_of_another_mission_is_404(client_of, outsider, case):
    steps.submitted(case)
    assert client_of(outsider).get(file_url(case, doc(case, "passport"))).status_code == 404


def test_document_id_of_another_case_is_404(client_of, officer, case, london):
    from legion.testing import factories as f

    steps.submitted(case)
    other = f.set_state(f.CaseFactory(mission=london), "submitted")
    foreign = f.DocumentFactory(case=other, kind="passport")
    assert client_of(officer).get(file_url(case, foreign)).status_code == 404


def test_attache_sees_proof_of_service_but_not_the_passport(client_of, officer, attache, case):
    steps.scheduled(case, officer)
    client = client_of(attache)
    assert client.get(file_url(case, doc(case, "passport"))).status_code == 404
    assert client.get(file_url(case, doc(case, "service_record"))).status_code == 200


def test_anonymous_cannot_fetch_a_document(client, case):
    steps.submitted(case)
    response = client.get(file_url(case, doc(case, "passport")))
    assert response.status_code == 302


def test_each_file_view_is_audited(client_of, officer, case):
    from legion.audit.models import AuditEntry

    steps.submitted(case)
    passport = doc(case, "passport")
    client_of(officer).get(file_url(case, passport))
    entry = AuditEntry.objects.filter(action="case.view").latest("seq")
    assert entry.data["what"] == f"document {passport.pk} (passport)"


def test_htmx_preview_returns_only_the_panel(client_of, officer, case):
    steps.submitted(case)
    response = client_of(officer).get(
        reverse("workspace:document", args=[case.reference, doc(case, "passport").pk]),
        headers={"HX-Request": "true", "HX-Target": "document-preview"},
    )
    assert "<html" not in response.text
    assert "<iframe" in response.text


def review(client, case, document, verb, **data):
    return client.post(
        reverse(f"workspace:document_{verb}", args=[case.reference, document.pk]),
        data,
        follow=True,
    )


def test_verify_moves_on_to_the_next_waiting_document(client_of, officer, case):
    steps.in_review(case, officer)
    client = client_of(officer)
    response = review(client, case, doc(case, "passport"), "verify")
    assert "Passport: verified." in response.text
    assert response.context["document"] == doc(case, "criminal_record")
    passport = doc(case, "passport")
    assert (passport.status, passport.reviewed_by) == ("verified", officer)
    assert CaseEvent.objects.filter(case=case, action="verify_document").count() == 1


def test_reject_needs_a_reason_the_applicant_will_read(client_of, officer, case):
    steps.in_review(case, officer)
    client = client_of(officer)
    passport = doc(case, "passport")
    response = review(client, case, passport, "reject", reason="  ")
    assert "Please give a reason." in response.text
    assert doc(case, "passport").status == Document.Status.PENDING
    review(client, case, passport, "reject", reason="Scan cut off at the bottom")
    passport = doc(case, "passport")
    assert (passport.status, passport.rejection_reason) == (
        "rejected",
        "Scan cut off at the bottom",
    )
    assert (
        "Scan cut off at the bottom"
        in client.get(reverse("workspace:case", args=[case.reference])).text
    )


def test_consul_may_look_but_not_review(client_of, officer, consul, case):
    steps.in_review(case, officer)
    response = review(client_of(consul), case, doc(case, "passport"), "verify")
    assert "Only consular officers of this mission review documents." in response.text
    assert doc(case, "passport").status == Document.Status.PENDING


def test_documents_are_not_reviewed_after_the_interview_is_booked(client_of, officer, case):
    steps.scheduled(case, officer)
    response = review(client_of(officer), case, doc(case, "passport"), "reject", reason="late")
    assert "Documents are reviewed while a case is submitted or in review" in response.text
    assert doc(case, "passport").status == Document.Status.VERIFIED


def test_uploaded_jpeg_is_previewed_as_an_image(client_of, officer, case):
    from legion.cases.documents import document_upload
    from legion.missions.actors import Actor

    document = document_upload(
        reference=case.reference,
        actor=Actor.applicant(case.pk),
        kind="photo",
        uploaded_file=files.jpeg(),
    )
    steps.submitted(case)
    response = client_of(officer).get(file_url(case, document))
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_rejected_document_is_e_mailed_to_the_applicant_in_their_language(
    client_of, officer, case, mailoutbox, django_capture_on_commit_callbacks
):
    steps.in_review(case, officer)
    type(case).objects.filter(pk=case.pk).update(language="es")
    with django_capture_on_commit_callbacks(execute=True):
        review(client_of(officer), case, doc(case, "passport"), "reject", reason="Escaneo cortado")
    [message] = mailoutbox
    assert message.to == [case.applicant.email]
    assert case.reference in message.subject
    assert "Pasaporte" in message.body and "Escaneo cortado" in message.body
    assert "suba uno nuevo" in message.body
