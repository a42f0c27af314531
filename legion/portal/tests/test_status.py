"""After sending: the status page, booking and cancelling the interview, withdrawing,
and the travel instructions, which never show the assembly point before the visa."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from legion.cases.models import Case, CaseEvent, Document, TravelInstructions, VisaDecision
from legion.cases.states import CaseState
from legion.identity.models import DuplicateCandidate
from legion.interviews.models import Interview
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db

ASSEMBLY_POINT = "Lviv railway station, hall 2"


@pytest.fixture
def reviewed(london, risk_notice, client):
    """A case in review whose documents are verified: the applicant may book."""
    from legion.advisories.services import case_acknowledge_advisories

    london.timezone = "Asia/Tokyo"
    london.interview_languages = ["en", "ja"]
    london.save()
    case = f.CaseFactory(
        mission=london,
        applicant__languages=[
            {"code": "ja", "level": "native"},
            {"code": "en", "level": "good"},
        ],
    )
    f.ServiceRecordFactory(case=case)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case, kind=kind, status=Document.Status.VERIFIED)
    f.AdvisoryFactory(nationality="GB")
    case_acknowledge_advisories(case=case)
    case = set_state(case, CaseState.IN_REVIEW)
    sign_in(client, case)
    return case


def text(response) -> str:
    return response.content.decode()


def test_status_page_explains_the_state_in_plain_words(client, reviewed):
    page = text(client.get("/my-application/"))
    assert "Being checked" in page
    assert "What happens next" in page
    assert reviewed.reference in page


def test_status_page_speaks_spanish(client, reviewed):
    client.cookies["django_language"] = "es"
    page = text(client.get("/my-application/"))
    assert "En revisión" in page and "Qué pasa ahora" in page


def test_security_hold_looks_like_an_ordinary_review(client, reviewed, security):
    DuplicateCandidate.objects.create(case=reviewed, other_case=f.CaseFactory(), score=0.9)
    held = set_state(reviewed, CaseState.ON_HOLD)
    page = text(client.get("/my-application/"))
    assert "Being checked" in page
    for hint in ("hold", "Hold", "watch", "security review", "duplicate"):
        assert hint not in page.split("<main")[1].split("</main>")[0], hint
    assert held.state == CaseState.ON_HOLD


def test_open_identity_review_blocks_booking_without_saying_why(client, reviewed):
    DuplicateCandidate.objects.create(case=reviewed, other_case=f.CaseFactory(), score=0.9)
    page = text(client.get("/my-application/interview/"))
    assert "You cannot book an interview yet" in page
    assert "watch" not in page.lower()


def test_booking_shows_times_in_the_missions_time_zone(client, reviewed):
    start = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )  # 01:00 UTC is 10:00 in Tokyo
    f.SlotFactory(mission=reviewed.mission, starts_at=start, location="Room 3")
    page = text(client.get("/my-application/interview/"))
    assert "10:00–10:45" in page
    assert "Room 3" in page


def test_applicant_books_an_interview_in_japanese(client, reviewed):
    slot = f.SlotFactory(mission=reviewed.mission)
    response = client.post("/my-application/interview/", {"slot": slot.pk, "language": "ja"})
    assert response.status_code == 302
    interview = Interview.objects.get(case=reviewed)
    assert (interview.slot, interview.language) == (slot, "ja")
    assert Case.objects.get(pk=reviewed.pk).state == CaseState.INTERVIEW_SCHEDULED
    page = text(client.get("/my-application/"))
    assert "Interview booked" in page and "Japanese" in page


def test_slot_of_another_mission_cannot_be_booked(client, reviewed, ottawa):
    theirs = f.SlotFactory(mission=ottawa)
    response = client.post("/my-application/interview/", {"slot": theirs.pk, "language": "en"})
    assert response.status_code == 400
    assert "That interview time is no longer available" in text(response)
    assert not Interview.objects.exists()


def test_slot_taken_meanwhile_is_refused_with_a_clear_message(client, reviewed, london):
    slot = f.SlotFactory(mission=reviewed.mission)
    other = f.CaseFactory(mission=london)
    Interview.objects.create(case=other, slot=slot)
    response = client.post("/my-application/interview/", {"slot": slot.pk, "language": "en"})
    assert response.status_code == 400
    assert "That interview time is no longer available" in text(response)


def test_cancelling_needs_a_reason_and_frees_the_case_to_book_again(client, reviewed):
    slot = f.SlotFactory(mission=reviewed.mission)
    client.post("/my-application/interview/", {"slot": slot.pk, "language": "en"})
    empty = client.post("/my-application/interview/cancel/", {"reason": " "})
    assert empty.status_code == 400 and "Tell us why you are cancelling." in text(empty)
    client.post("/my-application/interview/cancel/", {"reason": "My flight was cancelled"})
    assert Case.objects.get(pk=reviewed.pk).state == CaseState.IN_REVIEW
    assert Interview.objects.get().status == Interview.Status.CANCELLED
    assert "Book your interview" in text(client.get("/my-application/"))


def test_withdrawal_asks_for_confirmation_then_withdraws_once(client, reviewed):
    page = text(client.get("/my-application/withdraw/"))
    assert "Are you sure you want to withdraw your application?" in page
    client.post("/my-application/withdraw/", {"reason": "Family reasons"})
    client.post("/my-application/withdraw/", {"reason": "Family reasons"})
    assert Case.objects.get(pk=reviewed.pk).state == CaseState.WITHDRAWN
    assert CaseEvent.objects.filter(case=reviewed, action="withdraw").count() == 1
    assert "Withdrawn" in text(client.get("/my-application/"))


def test_referred_applicant_is_shown_other_ways_to_help(client, reviewed):
    reviewed.service_records.all().delete()
    set_state(reviewed, CaseState.REFERRED)
    page = text(client.get("/my-application/"))
    assert "You can still help" in page
    assert "there is no time for basic training" in page


def test_excluded_nationality_sees_the_reason_in_their_language(client, reviewed):
    reviewed.applicant.nationality = "RU"
    reviewed.applicant.save()
    set_state(reviewed, CaseState.REJECTED)
    client.cookies["django_language"] = "uk"
    page = text(client.get("/my-application/"))
    assert "Згідно з чинною політикою легіон не може приймати громадян" in page


def instructions_for(case):
    return TravelInstructions.objects.create(
        case=case,
        entry_point="Krakovets border crossing",
        assembly_point=ASSEMBLY_POINT,
        report_by=timezone.localdate() + dt.timedelta(days=7),
        documents_to_bring=["passport"],
        equipment=["helmet", "body_armour"],
        contacts="+380 44 000 0000",
        language=case.language,
    )


def issue_visa(case):
    today = timezone.localdate()
    VisaDecision.objects.create(
        case=case,
        decision="issued",
        visa_type="D",
        visa_number="UA1234567",
        valid_from=today,
        valid_until=today + dt.timedelta(days=90),
    )


ALL_PAGES = (
    "/my-application/",
    "/my-application/travel-instructions/",
    "/my-application/documents/",
    "/my-application/interview/",
)


@pytest.mark.parametrize(
    "state",
    [
        CaseState.SUBMITTED,
        CaseState.IN_REVIEW,
        CaseState.INTERVIEW_SCHEDULED,
        CaseState.INTERVIEWED,
        CaseState.VISA_PENDING,
        CaseState.REJECTED,
        CaseState.WITHDRAWN,
    ],
)
def test_assembly_point_is_never_shown_before_the_visa(client, reviewed, state):
    instructions_for(reviewed)  # even if instructions somehow exist early
    set_state(reviewed, state)
    for url in ALL_PAGES:
        response = client.get(url, follow=True)
        assert ASSEMBLY_POINT not in text(response), (state, url)
    pdf = client.get("/my-application/travel-instructions.pdf")
    assert pdf.status_code == 302 and pdf.url == "/my-application/"


def test_assembly_point_is_hidden_again_while_on_hold(client, reviewed):
    issue_visa(reviewed)
    instructions_for(reviewed)
    set_state(reviewed, CaseState.ON_HOLD)
    for url in ALL_PAGES:
        assert ASSEMBLY_POINT not in text(client.get(url, follow=True)), url


def test_instructions_page_and_pdf_once_issued(client, reviewed):
    issue_visa(reviewed)
    instructions_for(reviewed)
    set_state(reviewed, CaseState.INSTRUCTIONS_ISSUED)
    status = text(client.get("/my-application/"))
    assert "Read your travel instructions" in status
    page = client.get("/my-application/travel-instructions/")
    assert ASSEMBLY_POINT in text(page)
    assert page["Cache-Control"] == "no-store"
    assert "Body armour (plate carrier with plates)" in text(page)
    pdf = client.get("/my-application/travel-instructions.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert reviewed.reference in pdf["Content-Disposition"]


def test_instructions_follow_the_page_language(client, reviewed):
    issue_visa(reviewed)
    instructions_for(reviewed)
    set_state(reviewed, CaseState.INSTRUCTIONS_ISSUED)
    client.cookies["django_language"] = "es"
    page = text(client.get("/my-application/travel-instructions/"))
    assert "Chaleco antibalas" in page
    assert re.search(r'<section class="instructions" lang="es">', page)


def test_applicant_only_ever_sees_their_own_case(client, reviewed, london):
    other = f.CaseFactory(mission=london, applicant__given_name="Someone")
    issue_visa(other)
    instructions_for(other)
    set_state(other, CaseState.INSTRUCTIONS_ISSUED)
    for url in ALL_PAGES:
        page = text(client.get(url, follow=True))
        assert other.reference not in page and ASSEMBLY_POINT not in page


def test_nobody_signed_in_is_sent_to_the_return_page(client, london):
    for url in (*ALL_PAGES, "/apply/name/", "/my-application/withdraw/"):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, "/return/"), url


def test_booking_without_choosing_a_time_is_refused(client, reviewed):
    f.SlotFactory(mission=reviewed.mission)
    response = client.post("/my-application/interview/", {})
    page = text(response)
    assert response.status_code == 400
    assert '<a href="#id_slot_0">Select an interview time.</a>' in page
    assert not Interview.objects.exists()


def test_status_page_gives_the_missions_typical_wait_from_real_cases(client, reviewed):
    from legion.cases.models import CaseEvent

    submitted = set_state(reviewed, CaseState.SUBMITTED)
    now = timezone.now()
    for _ in range(5):
        other = f.CaseFactory(mission=submitted.mission)
        for days_ago, to_state in ((10, "submitted"), (7, "in_review")):
            event = CaseEvent.objects.create(
                case=other, kind="transition", action="x", to_state=to_state,
                from_state="draft" if to_state == "submitted" else "submitted", actor_label="t",
            )  # fmt: skip
            CaseEvent.objects.filter(pk=event.pk).update(
                created_at=now - dt.timedelta(days=days_ago)
            )
    page = text(client.get("/my-application/"))
    assert "this step usually takes about 3 days" in page
    client.cookies["django_language"] = "uk"
    assert "3 дні" in text(client.get("/my-application/"))


def test_no_typical_wait_is_claimed_from_too_few_cases(client, reviewed):
    set_state(reviewed, CaseState.SUBMITTED)
    assert "usually takes" not in text(client.get("/my-application/"))


def test_many_interview_times_are_chosen_day_first(client, reviewed):
    start = (timezone.now() + dt.timedelta(days=3)).replace(hour=1, minute=0, second=0)
    slots = [
        f.SlotFactory(mission=reviewed.mission, starts_at=start + dt.timedelta(days=d, hours=h))
        for d in range(3)
        for h in range(4)
    ]
    days_page = text(client.get("/my-application/interview/"))
    assert "Which day suits you for your interview?" in days_page
    assert days_page.count('name="day"') == 3 and "4 free times" in days_page
    day = slots[4].starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).date().isoformat()
    times_page = text(client.get(f"/my-application/interview/?day={day}"))
    assert times_page.count('name="slot"') == 4
    response = client.post(
        "/my-application/interview/", {"day": day, "slot": slots[5].pk, "language": "en"}
    )
    assert response.status_code == 302
    assert Interview.objects.get().slot == slots[5]


def test_a_day_without_free_times_is_refused(client, reviewed):
    for d in range(2):
        f.SlotFactory(mission=reviewed.mission, starts_at=timezone.now() + dt.timedelta(days=d + 2))
    response = client.get("/my-application/interview/?day=2001-01-01")
    assert response.status_code == 400
    assert "There are no free times on that day any more." in text(response)
