"""Assessment, visa and travel-instruction forms: each signable or issuable only by its role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legion.cases.models import Case, TravelInstructions, VisaDecision
from legion.cases.states import CaseState as S
from legion.interviews.models import Assessment
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db

MILITARY = {"suitability": "suitable", "favourable": "yes", "recommended_role": "Rifleman"}
CONSULAR = {"identity_confirmed": "yes", "language_ok": "yes", "favourable": "yes"}


def sign(client, case, kind, data):
    return client.post(reverse("workspace:assessment", args=[case.reference, kind]), data)


def test_attache_signs_the_military_assessment(client_of, officer, attache, case):
    steps.interview_started(case, officer)
    client = client_of(attache)
    form = client.get(reverse("workspace:assessment", args=[case.reference, "military"]))
    assert "Military suitability (defence attaché)" in form.text
    response = sign(client, case, "military", MILITARY)
    assert response.status_code == 302
    signed = Assessment.objects.get(kind="military")
    assert (signed.signed_by, signed.favourable, signed.recommended_role) == (
        attache,
        True,
        "Rifleman",
    )
    assert Case.objects.get(pk=case.pk).state == S.INTERVIEW_SCHEDULED  # one of two


def test_consul_cannot_sign_the_attaches_assessment(client_of, officer, consul, case):
    steps.interview_started(case, officer)
    response = sign(client_of(consul), case, "military", MILITARY)
    assert response.status_code == 400
    assert "Only the Defence attaché of this mission can sign this assessment." in response.text
    assert not Assessment.objects.exists()


def test_attache_cannot_sign_the_consuls_assessment(client_of, officer, attache, case):
    steps.interview_started(case, officer)
    response = sign(client_of(attache), case, "consular", CONSULAR)
    assert "Only the Consul of this mission can sign this assessment." in response.text
    assert not Assessment.objects.exists()


def test_interviewed_needs_both_signatures(client_of, officer, attache, consul, case):
    steps.interview_started(case, officer)
    sign(client_of(attache), case, "military", MILITARY)
    assert Case.objects.get(pk=case.pk).state == S.INTERVIEW_SCHEDULED
    response = client_of(consul).post(
        reverse("workspace:assessment", args=[case.reference, "consular"]), CONSULAR, follow=True
    )
    assert "The case is “Interviewed”" in response.text
    assert Case.objects.get(pk=case.pk).state == S.INTERVIEWED


def test_unfavourable_assessment_needs_notes_and_then_rejects(
    client_of, officer, attache, consul, case
):
    steps.interview_started(case, officer)
    client = client_of(attache)
    response = sign(client, case, "military", {"suitability": "not_suitable", "favourable": "no"})
    assert response.status_code == 400
    assert "Explain an unfavourable assessment" in response.text
    assert not Assessment.objects.exists()
    sign(
        client,
        case,
        "military",
        {"suitability": "not_suitable", "favourable": "no", "notes": "No verifiable service"},
    )
    steps.sign_consular(case, consul)
    assert Case.objects.get(pk=case.pk).state == S.REJECTED


def test_assessment_before_the_interview_is_refused(client_of, officer, attache, case):
    steps.in_review(case, officer)
    response = sign(client_of(attache), case, "military", MILITARY)
    # The attaché does not see a case before its interview at all.
    assert response.status_code == 404


def test_second_signature_of_the_same_kind_is_refused(client_of, officer, attache, case):
    steps.interview_started(case, officer)
    client = client_of(attache)
    sign(client, case, "military", MILITARY)
    response = sign(client, case, "military", MILITARY)
    assert "This assessment is already signed." in response.text
    assert Assessment.objects.count() == 1


def visa_post(client, case, **data):
    return client.post(reverse("workspace:visa", args=[case.reference]), data, follow=True)


def valid_visa():
    today = timezone.localdate()
    return {
        "decision": "issue",
        "visa_type": "D (long stay)",
        "visa_number": "UA1234567",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=90)).isoformat(),
    }


def test_consul_issues_the_visa(client_of, officer, attache, consul, case):
    steps.visa_pending(case, officer, attache, consul)
    response = visa_post(client_of(consul), case, **valid_visa())
    assert "Visa issued" in response.text
    visa = VisaDecision.objects.get(case=case)
    assert (visa.decision, visa.visa_number, visa.decided_by) == ("issued", "UA1234567", consul)
    assert Case.objects.get(pk=case.pk).state == S.VISA_ISSUED


def test_officer_cannot_issue_the_visa(client_of, officer, attache, consul, case):
    steps.visa_pending(case, officer, attache, consul)
    response = visa_post(client_of(officer), case, **valid_visa())
    assert response.status_code == 400
    assert "Your role does not allow “Issue visa” on this case." in response.text
    assert not VisaDecision.objects.exists()
    assert Case.objects.get(pk=case.pk).state == S.VISA_PENDING


def test_visa_dates_in_the_wrong_order_are_refused(client_of, officer, attache, consul, case):
    steps.visa_pending(case, officer, attache, consul)
    data = valid_visa() | {"valid_until": valid_visa()["valid_from"]}
    response = visa_post(client_of(consul), case, **data)
    assert "The visa must be valid until a date after it starts." in response.text
    assert not VisaDecision.objects.exists()


def test_visa_before_the_interview_is_refused(client_of, officer, attache, consul, case):
    steps.interviewed(case, officer, attache, consul)
    response = visa_post(client_of(consul), case, **valid_visa())
    assert "not possible from there" in response.text
    assert not VisaDecision.objects.exists()


def test_consul_refuses_the_visa_with_a_reason(client_of, officer, attache, consul, case):
    steps.visa_pending(case, officer, attache, consul)
    client = client_of(consul)
    response = visa_post(client, case, decision="refuse", reason="")
    assert "This field is required." in response.text
    visa_post(client, case, decision="refuse", reason="Passport reported stolen")
    assert VisaDecision.objects.get(case=case).reason == "Passport reported stolen"
    assert Case.objects.get(pk=case.pk).state == S.REJECTED


def instructions_post(client, case, **overrides):
    data = {
        "entry_point": "Krakovets border crossing",
        "assembly_point": "Lviv, railway station, hall 2",
        "report_by": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "documents_to_bring": ["passport", "service_record"],
        "equipment": ["helmet", "body_armour", "boots", "sleeping_bag"],
        "other_equipment": "Spare socks\n\nWater filter",
        "contacts": "+380 44 000 0000",
        "notes": "",
        **overrides,
    }
    return client.post(reverse("workspace:instructions", args=[case.reference]), data, follow=True)


def test_instructions_form_is_prefilled_from_the_missions_defaults(
    client_of, officer, attache, consul, case
):
    steps.visa_issued(case, officer, attache, consul)
    response = client_of(officer).get(reverse("workspace:instructions", args=[case.reference]))
    form = response.context["form"]
    assert form["entry_point"].value() == "Krakovets border crossing (Poland–Ukraine)"
    assert form["assembly_point"].value() == "Lviv, railway station, hall 2"
    assert "helmet" in form["equipment"].value() and "body_armour" in form["equipment"].value()
    for label in (
        "Military clothing",
        "Helmet",
        "Body armour",
        "boots",
        "first-aid kit",
        "Sleeping bag",
    ):
        assert label in response.text


def test_officer_issues_instructions_and_the_applicant_gets_them_with_the_pdf(
    client_of, officer, attache, consul, case, mailoutbox, django_capture_on_commit_callbacks
):
    steps.visa_issued(case, officer, attache, consul)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = instructions_post(client_of(officer), case)
    assert "Travel instructions issued" in response.text
    issued = TravelInstructions.objects.get(case=case)
    assert issued.equipment == [
        "helmet",
        "body_armour",
        "boots",
        "sleeping_bag",
        "Spare socks",
        "Water filter",
    ]
    assert Case.objects.get(pk=case.pk).state == S.INSTRUCTIONS_ISSUED
    (message,) = mailoutbox
    assert message.to == [case.applicant.email]
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (f"travel-instructions-{case.reference}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_consul_cannot_issue_instructions(client_of, officer, attache, consul, case):
    steps.visa_issued(case, officer, attache, consul)
    response = instructions_post(client_of(consul), case)
    assert "Your role does not allow “Issue travel instructions” on this case." in response.text
    assert not TravelInstructions.objects.exists()


def test_instructions_before_the_visa_are_refused(client_of, officer, attache, consul, case):
    steps.visa_pending(case, officer, attache, consul)
    response = instructions_post(client_of(officer), case)
    assert "not possible from there" in response.text
    assert not TravelInstructions.objects.exists()


def test_instructions_need_a_report_by_date_in_the_future(
    client_of, officer, attache, consul, case
):
    steps.visa_issued(case, officer, attache, consul)
    response = instructions_post(client_of(officer), case, report_by="2020-01-01")
    assert "The report-by date is in the past." in response.text
    assert not TravelInstructions.objects.exists()


def test_staff_download_the_pdf_the_applicant_receives(client_of, officer, attache, consul, case):
    steps.instructions_issued(case, officer, attache, consul)
    response = client_of(officer).get(reverse("workspace:instructions_pdf", args=[case.reference]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_case_page_shows_instructions_with_assembly_point_once_issued(
    client_of, officer, attache, consul, case
):
    steps.instructions_issued(case, officer, attache, consul)
    response = client_of(officer).get(reverse("workspace:case", args=[case.reference]))
    assert "Lviv, railway station, hall 2" in response.text
    assert "Helmet" in response.text
