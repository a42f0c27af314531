"""The workspace's decisions through the API: booking and cancelling the interview, both
assessments, the visa and its refusal, the travel instructions, the transfer. Each is the
same service as the form; refusals come back as 409/403/401 with their reason."""

import datetime as dt

import pytest
from django.utils import timezone

from legion.cases.models import Case, TravelInstructions, VisaDecision
from legion.cases.states import CaseState as S
from legion.interviews.models import Interview
from legion.testing import factories as f
from legion.testing.api import api, post
from legion.testing.auth import staff_device, totp_code
from legion.workspace.tests import steps

pytestmark = pytest.mark.django_db


def slot_begun(case):
    """The booked interview's time has come (assessments follow the interview)."""
    interview = Interview.objects.get(case=case, status=Interview.Status.BOOKED)
    start = timezone.now() - dt.timedelta(minutes=5)
    interview.slot.starts_at, interview.slot.ends_at = start, start + dt.timedelta(minutes=45)
    interview.slot.save()


def test_the_whole_interview_and_visa_path_through_the_api(officer, attache, consul, case):
    steps.verified(case, officer)
    slot = f.SlotFactory(mission=case.mission)
    url = f"/api/v1/cases/{case.reference}"
    booked = post(api(officer), f"{url}/interview", {"slot_id": slot.pk})
    assert booked.status_code == 200, booked.json()
    assert booked.json()["state"] == S.INTERVIEW_SCHEDULED
    slot_begun(case)
    military = {"favourable": True, "suitability": "suitable", "notes": "Paratrooper."}
    assert post(api(attache), f"{url}/assessments/military", military).status_code == 200
    consular = {"favourable": True, "identity_confirmed": True, "language_ok": True}
    signed = post(api(consul), f"{url}/assessments/consular", consular)
    assert signed.status_code == 200 and signed.json()["state"] == S.INTERVIEWED
    consul_api = api(consul)
    post(consul_api, f"{url}/transitions", {"action": "open_visa"})
    visa = {
        "visa_type": "D",
        "visa_number": "UA-1",
        "valid_from": "2026-01-01",
        "valid_until": "2026-07-01",
    }
    # The visa decision asks for a current code from the consul's authenticator.
    assert post(consul_api, f"{url}/visa", visa).status_code == 401
    code = totp_code(staff_device(consul))
    issued = post(consul_api, f"{url}/visa", visa, **{"X-Legion-OTP": code})
    assert issued.status_code == 200 and issued.json()["state"] == S.VISA_ISSUED
    assert VisaDecision.objects.get(case=case).visa_number == "UA-1"
    instructions = {
        "entry_point": "Krakovets", "assembly_point": "Lviv, hall 2", "report_by": "2026-02-01",
        "contacts": "+380 44 000 0000", "notes": "Met on the Polish side.",
    }  # fmt: skip
    done = post(api(officer), f"{url}/instructions", instructions)
    assert done.status_code == 200 and done.json()["state"] == S.INSTRUCTIONS_ISSUED
    assert TravelInstructions.objects.get(case=case).notes == "Met on the Polish side."


def test_only_the_attache_signs_the_military_assessment(officer, consul, case):
    steps.scheduled(case, officer)
    slot_begun(case)
    response = post(
        api(consul),
        f"/api/v1/cases/{case.reference}/assessments/military",
        {"favourable": True, "suitability": "suitable"},
    )
    assert response.status_code in (403, 409)
    assert response.json()["code"] == "forbidden"


def test_a_cancelled_interview_sends_the_case_back_to_review(officer, case):
    steps.scheduled(case, officer)
    url = f"/api/v1/cases/{case.reference}/interview/cancellation"
    assert post(api(officer), url, {"reason": ""}).status_code == 422  # a reason is required
    cancelled = post(api(officer), url, {"reason": "The applicant is ill."})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == S.IN_REVIEW


def test_the_visa_refusal_needs_a_code_and_a_reason(officer, attache, consul, case):
    steps.interviewed(case, officer, attache, consul)
    consul_api = api(consul)
    post(consul_api, f"/api/v1/cases/{case.reference}/transitions", {"action": "open_visa"})
    code = {"X-Legion-OTP": totp_code(staff_device(consul))}
    url = f"/api/v1/cases/{case.reference}/visa/refusal"
    assert post(consul_api, url, {"reason": ""}, **code).status_code == 422
    refused = post(consul_api, url, {"reason": "Forged passport."}, **code)
    assert refused.status_code == 200 and refused.json()["state"] == S.REJECTED


def test_a_transfer_answers_where_the_case_went(officer, ottawa, case):
    steps.in_review(case, officer)
    moved = post(
        api(officer),
        f"/api/v1/cases/{case.reference}/transfer",
        {"mission": "ott", "reason": "The applicant moved to Canada."},
    )
    assert moved.status_code == 200
    assert moved.json() == {"reference": case.reference, "mission": "ott"}
    assert Case.objects.get(pk=case.pk).mission == ottawa


def test_booking_a_cancelled_slot_is_refused_with_its_reason(officer, case):
    steps.verified(case, officer)
    slot = f.SlotFactory(mission=case.mission, is_cancelled=True)
    response = post(api(officer), f"/api/v1/cases/{case.reference}/interview", {"slot_id": slot.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
