"""Appeals: once, within the period and with a reason; decided by someone other than
the person who made the decision, within a service level; the outcome and its reason
reach the applicant; the table declares the transitions."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from legion.cases.appeals import appeal_deadline, appeal_decide, appeal_lodge, appeal_overdue
from legion.cases.models import Appeal, Case, CaseEvent
from legion.cases.services import CaseError, case_transition
from legion.cases.states import CaseState as S
from legion.cases.workflow import TRANSITION_NAMES
from legion.missions.actors import Actor
from legion.portal.tests.conftest import sign_in
from legion.testing import factories as f
from legion.testing.factories import set_state
from legion.testing.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

WHY = "My service record from the Parachute Regiment was not taken into account."


@pytest.fixture
def second_officer(london):
    return f.MembershipFactory(
        user__username="second.officer", role="consular_officer", mission=london
    ).user


@pytest.fixture
def rejected(case, officer):
    set_state(case, S.IN_REVIEW)
    case_transition(
        reference=case.reference, action="reject", actor=Actor.staff(officer), reason="No record"
    )
    return Case.objects.get(pk=case.pk)


def lodge(case):
    return appeal_lodge(reference=case.reference, actor=Actor.applicant(case.pk), reason=WHY)


def test_the_table_declares_the_appeal_transitions():
    assert {"appeal", "allow_appeal", "dismiss_appeal"} <= set(TRANSITION_NAMES)


def test_applicant_appeals_from_the_status_page_without_javascript(client, rejected):
    sign_in(client, rejected)
    status = client.get("/my-application/").content.decode()
    assert "Ask for the decision to be reconsidered" in status
    response = client.post("/my-application/appeal/", {"reason": WHY})
    assert response.status_code == 302
    case = Case.objects.get(pk=rejected.pk)
    assert case.state == S.UNDER_APPEAL
    appeal = Appeal.objects.get(case=case)
    assert appeal.appealed_state == S.REJECTED and appeal.decision_by_label == "officer"
    page = client.get("/my-application/").content.decode()
    assert "Appeal being considered" in page and "A decision is due by" in page


def test_an_appeal_needs_a_reason(client, rejected):
    sign_in(client, rejected)
    response = client.post("/my-application/appeal/", {"reason": "  "})
    assert response.status_code == 400
    assert Case.objects.get(pk=rejected.pk).state == S.REJECTED


def test_the_person_who_decided_cannot_decide_the_appeal(rejected, officer):
    lodge(rejected)
    with pytest.raises(CaseError) as refused:
        appeal_decide(
            reference=rejected.reference, actor=Actor.staff(officer), allow=True, reason="Fine"
        )
    assert refused.value.code == "own_decision"
    assert Case.objects.get(pk=rejected.pk).state == S.UNDER_APPEAL


def test_a_dismissed_appeal_restores_the_decision_and_tells_the_applicant_why(
    rejected, second_officer
):
    lodge(rejected)
    appeal_decide(
        reference=rejected.reference,
        actor=Actor.staff(second_officer),
        allow=False,
        reason="The certificate shows no military service.",
    )
    case = Case.objects.get(pk=rejected.pk)
    assert case.state == S.REJECTED and case.closed_at is not None
    deliver_outbox()
    (notice,) = [m for m in mail.outbox if "decision stands" in m.subject]
    assert "The certificate shows no military service." in notice.body
    event = case.events.filter(action="dismiss_appeal").get()
    assert event.actor == second_officer and event.to_state == S.REJECTED


def test_an_allowed_appeal_goes_back_to_review_once(rejected, second_officer, officer):
    lodge(rejected)
    appeal_decide(
        reference=rejected.reference,
        actor=Actor.staff(second_officer),
        allow=True,
        reason="Your service record has been verified.",
    )
    assert Case.objects.get(pk=rejected.pk).state == S.IN_REVIEW
    case_transition(
        reference=rejected.reference, action="reject", actor=Actor.staff(officer), reason="Again"
    )
    again = Case.objects.get(pk=rejected.pk)
    assert appeal_deadline(again) is None
    with pytest.raises(CaseError):
        lodge(again)


def test_a_referral_can_be_appealed_and_a_dismissal_refers_it_again(case, officer, second_officer):
    set_state(case, S.IN_REVIEW)
    case_transition(
        reference=case.reference, action="refer", actor=Actor.staff(officer), reason="No service"
    )
    lodge(Case.objects.get(pk=case.pk))
    appeal_decide(
        reference=case.reference, actor=Actor.staff(second_officer), allow=False, reason="Same"
    )
    assert Case.objects.get(pk=case.pk).state == S.REFERRED


def test_no_appeal_after_the_period(rejected, settings):
    CaseEvent.objects.filter(case=rejected, action="reject").update(
        created_at=timezone.now() - dt.timedelta(days=settings.LEGION_APPEAL_DAYS + 1)
    )
    with pytest.raises(CaseError) as refused:
        lodge(rejected)
    assert refused.value.code == "appeal_not_possible"


def test_security_rejections_are_not_appealed_here(case):
    rejected = set_state(case, S.REJECTED)
    CaseEvent.objects.create(
        case=rejected,
        kind=CaseEvent.Kind.TRANSITION,
        action="reject_on_security_grounds",
        from_state=S.ON_HOLD,
        to_state=S.REJECTED,
        actor_label="security",
    )
    assert appeal_deadline(rejected) is None


def test_only_the_applicant_appeals(rejected, second_officer):
    with pytest.raises(CaseError):
        appeal_lodge(reference=rejected.reference, actor=Actor.staff(second_officer), reason=WHY)


def test_the_case_page_shows_the_appeal_its_service_level_and_the_decision_form(
    client_of, rejected, second_officer, officer
):
    appeal = lodge(rejected)
    page = client_of(second_officer).get(reverse("workspace:case", args=[rejected.reference]))
    text = page.content.decode()
    assert WHY in text and "Decide the appeal" in text
    own = client_of(officer).get(reverse("workspace:case", args=[rejected.reference]))
    assert "someone else at the mission must decide" in own.content.decode()
    response = client_of(second_officer).post(
        reverse("workspace:appeal_decide", args=[rejected.reference]),
        {"outcome": "allow", "reason": "Record verified."},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=rejected.pk).state == S.IN_REVIEW
    appeal.refresh_from_db()
    assert not appeal_overdue(appeal, today=appeal.decide_by + dt.timedelta(days=30))


def test_an_undecided_appeal_past_its_service_level_is_overdue(rejected):
    appeal = lodge(rejected)
    assert not appeal_overdue(appeal, today=appeal.decide_by)
    assert appeal_overdue(appeal, today=appeal.decide_by + dt.timedelta(days=1))


def test_a_bare_transition_cannot_decide_an_appeal(rejected, second_officer):
    lodge(rejected)
    with pytest.raises(CaseError) as refused:
        case_transition(
            reference=rejected.reference,
            action="allow_appeal",
            actor=Actor.staff(second_officer),
            reason="Without a record",
        )
    assert refused.value.code == "use_service"
    assert Case.objects.get(pk=rejected.pk).state == S.UNDER_APPEAL
