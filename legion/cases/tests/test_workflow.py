"""The transition table: every allowed transition, and refusals for role, mission and guards."""

import datetime as dt

import pytest
from django.utils import timezone

from legion.cases.models import Case, CaseEvent, Document
from legion.cases.services import (
    CaseError,
    TransitionRefused,
    case_apply,
    case_assign,
    case_available_actions,
    case_submit,
    case_transfer,
    case_transition,
    cases_bulk_transition,
)
from legion.cases.states import CaseState as S
from legion.cases.travel import instructions_issue, visa_issue, visa_refuse
from legion.identity.models import DuplicateCandidate, ReviewStatus
from legion.interviews.services import assessment_sign, interview_book, interview_cancel
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


def staff(user):
    return Actor.staff(user)


def applicant(case):
    return Actor.applicant(case.pk)


def verify_all(case):
    case.documents.update(status=Document.Status.VERIFIED)


def submitted(case):
    return case_submit(reference=case.reference, actor=applicant(case))


def in_review(case, officer):
    submitted(case)
    return case_transition(reference=case.reference, action="start_review", actor=staff(officer))


def scheduled(case, officer):
    in_review(case, officer)
    verify_all(case)
    slot = f.SlotFactory(mission=case.mission)
    interview_book(reference=case.reference, slot_id=slot.pk, actor=applicant(case))
    f.interview_begins(case)  # so that the tests can sign its assessments
    return Case.objects.get(pk=case.pk)


def sign_both(case, attache, consul, *, military=True, consular=True):
    f.interview_begins(case)
    assessment_sign(
        reference=case.reference,
        actor=staff(attache),
        kind="military",
        favourable=military,
        suitability="suitable" if military else "not_suitable",
        notes="" if military else "No combat experience verifiable",
    )
    assessment_sign(
        reference=case.reference,
        actor=staff(consul),
        kind="consular",
        favourable=consular,
        identity_confirmed=consular,
    )
    return Case.objects.get(pk=case.pk)


def issue_visa(case, consul):
    today = timezone.localdate()
    visa_issue(
        reference=case.reference,
        actor=staff(consul),
        visa_type="D (long stay)",
        visa_number="UA1234567",
        valid_from=today,
        valid_until=today + dt.timedelta(days=90),
    )


def test_submit_sets_submitted_at_and_records_an_event(case):
    result = submitted(case)
    assert result.state == S.SUBMITTED
    assert result.submitted_at is not None
    event = CaseEvent.objects.get(case=case, action="submit")
    assert (event.from_state, event.to_state, event.actor_label) == (
        "draft",
        "submitted",
        "applicant",
    )


def test_full_path_to_arrived_writes_one_event_per_transition(case, officer, attache, consul):
    scheduled(case, officer)
    assert sign_both(case, attache, consul).state == S.INTERVIEWED
    case_transition(reference=case.reference, action="open_visa", actor=staff(consul))
    issue_visa(case, consul)
    instructions_issue(
        reference=case.reference,
        actor=staff(officer),
        entry_point="Krakovets",
        assembly_point="Lviv, hall 2",
        report_by=timezone.localdate() + dt.timedelta(days=10),
        documents_to_bring=["passport"],
        equipment=["helmet"],
        contacts="+380 44 000 0000",
    )
    f.instructions_issued_yesterday(case)
    result = case_transition(
        reference=case.reference, action="record_arrival", actor=staff(officer)
    )
    assert result.state == S.ARRIVED
    assert result.closed_at is not None
    path = list(
        CaseEvent.objects.filter(case=case, kind="transition").values_list("to_state", flat=True)
    )
    assert path == [
        "submitted",
        "in_review",
        "interview_scheduled",
        "interviewed",
        "visa_pending",
        "visa_issued",
        "instructions_issued",
        "arrived",
    ]


@pytest.mark.parametrize("action,target", [("refer", S.REFERRED), ("reject", S.REJECTED)])
def test_officer_refers_or_rejects_in_review_with_reason(case, officer, action, target):
    in_review(case, officer)
    result = case_transition(
        reference=case.reference, action=action, actor=staff(officer), reason="No experience"
    )
    assert result.state == target
    assert CaseEvent.objects.get(case=case, action=action).reason == "No experience"


def test_reject_without_reason_is_refused(case, officer):
    in_review(case, officer)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(reference=case.reference, action="reject", actor=staff(officer))
    assert exc.value.code == "reason_required"
    assert Case.objects.get(pk=case.pk).state == S.IN_REVIEW


def test_unfavourable_attache_assessment_rejects_after_interview(case, officer, attache, consul):
    scheduled(case, officer)
    result = sign_both(case, attache, consul, military=False)
    assert result.state == S.REJECTED
    event = CaseEvent.objects.get(case=case, action="reject_after_interview")
    assert "No combat experience verifiable" in event.reason


def test_interviewed_needs_both_assessments(case, officer, attache):
    scheduled(case, officer)
    assessment_sign(
        reference=case.reference,
        actor=staff(attache),
        kind="military",
        favourable=True,
        suitability="suitable",
    )
    assert Case.objects.get(pk=case.pk).state == S.INTERVIEW_SCHEDULED
    with pytest.raises(TransitionRefused) as exc:
        case_transition(reference=case.reference, action="complete_interview", actor=staff(attache))
    assert exc.value.code == "use_service"
    # Even the services' own path refuses it while one assessment is missing.
    locked = Case.objects.get(pk=case.pk)
    with pytest.raises(TransitionRefused) as exc:
        case_apply(case=locked, action="complete_interview", actor=staff(attache))
    assert "Both the defence attaché and the consul" in exc.value.message


def test_consul_cannot_sign_attache_assessment(case, officer, consul):
    scheduled(case, officer)
    with pytest.raises(TransitionRefused) as exc:
        assessment_sign(
            reference=case.reference,
            actor=staff(consul),
            kind="military",
            favourable=True,
            suitability="suitable",
        )
    assert exc.value.code == "forbidden"


def test_attache_cannot_sign_consular_assessment(case, officer, attache):
    scheduled(case, officer)
    with pytest.raises(TransitionRefused):
        assessment_sign(
            reference=case.reference,
            actor=staff(attache),
            kind="consular",
            favourable=True,
            identity_confirmed=True,
        )


def test_visa_refused_rejects(case, officer, attache, consul):
    scheduled(case, officer)
    sign_both(case, attache, consul)
    case_transition(reference=case.reference, action="open_visa", actor=staff(consul))
    visa_refuse(reference=case.reference, actor=staff(consul), reason="Forged entry stamp")
    assert Case.objects.get(pk=case.pk).state == S.REJECTED
    assert case.visa.decision == "refused"


def test_officer_cannot_issue_visa(case, officer, attache, consul):
    scheduled(case, officer)
    sign_both(case, attache, consul)
    case_transition(reference=case.reference, action="open_visa", actor=staff(consul))
    with pytest.raises(TransitionRefused) as exc:
        issue_visa(case, officer)
    assert exc.value.code == "forbidden"
    assert not hasattr(Case.objects.get(pk=case.pk), "visa")


@pytest.mark.parametrize(
    "state",
    [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INTERVIEW_SCHEDULED, S.VISA_ISSUED, S.ON_HOLD],
)
def test_applicant_can_withdraw_from_any_open_state(case, state):
    case = set_state(case, state)
    result = case_transition(reference=case.reference, action="withdraw", actor=applicant(case))
    assert result.state == S.WITHDRAWN


@pytest.mark.parametrize("state", [S.ARRIVED, S.REJECTED, S.REFERRED, S.WITHDRAWN])
def test_final_states_cannot_be_withdrawn(case, state):
    case = set_state(case, state)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(reference=case.reference, action="withdraw", actor=applicant(case))
    assert exc.value.code == "wrong_state"


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.INTERVIEW_SCHEDULED, S.VISA_PENDING])
def test_hold_returns_to_the_state_it_left(case, security, state):
    DuplicateCandidate.objects.create(case=case, other_case=f.CaseFactory(), score=0.9)
    case = set_state(case, state)
    held = case_transition(
        reference=case.reference, action="hold", actor=staff(security), reason="Check"
    )
    assert (held.state, held.held_from_state) == (S.ON_HOLD, state)
    released = case_transition(
        reference=case.reference, action="release", actor=staff(security), reason="Cleared"
    )
    assert (released.state, released.held_from_state) == (state, "")


def test_system_can_hold_for_watch_list_hit(case):
    case = set_state(case, S.SUBMITTED)
    held = case_transition(
        reference=case.reference, action="hold", actor=Actor.system(), reason="Watch-list hit"
    )
    assert held.state == S.ON_HOLD


def test_security_rejects_held_case(case, security):
    DuplicateCandidate.objects.create(case=case, other_case=f.CaseFactory(), score=0.9)
    case = set_state(case, S.ON_HOLD)
    result = case_transition(
        reference=case.reference,
        action="reject_on_security_grounds",
        actor=staff(security),
        reason="Confirmed watch-list match",
    )
    assert result.state == S.REJECTED


def test_officer_cannot_lift_a_hold(case, officer):
    case = set_state(case, S.ON_HOLD)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(
            reference=case.reference, action="release", actor=staff(officer), reason="x"
        )
    assert exc.value.code == "forbidden"


def test_officer_of_another_mission_cannot_see_the_case(case, outsider):
    submitted(case)
    with pytest.raises(CaseError) as exc:
        case_transition(reference=case.reference, action="start_review", actor=staff(outsider))
    assert exc.value.code == "not_found"
    assert Case.objects.get(pk=case.pk).state == S.SUBMITTED


def test_consul_cannot_start_review(case, consul):
    submitted(case)
    with pytest.raises(TransitionRefused) as exc:
        case_transition(reference=case.reference, action="start_review", actor=staff(consul))
    assert exc.value.code == "forbidden"


def test_analyst_and_administrator_see_no_cases(case, analyst, admin_user):
    from legion.cases.policy import cases_for

    assert not cases_for(staff(analyst)).exists()
    assert not cases_for(staff(admin_user)).exists()


def test_scheduling_needs_verified_documents(case, officer):
    in_review(case, officer)
    slot = f.SlotFactory(mission=case.mission)
    with pytest.raises(TransitionRefused) as exc:
        interview_book(reference=case.reference, slot_id=slot.pk, actor=staff(officer))
    assert "documents" in exc.value.message
    assert not case.interviews.exists()


def test_scheduling_needs_eligibility(case, officer):
    in_review(case, officer)
    verify_all(case)
    case.service_records.all().delete()
    slot = f.SlotFactory(mission=case.mission)
    with pytest.raises(TransitionRefused) as exc:
        interview_book(reference=case.reference, slot_id=slot.pk, actor=staff(officer))
    assert "eligibility" in exc.value.message


def test_scheduling_blocked_by_open_duplicate_review(case, officer):
    in_review(case, officer)
    verify_all(case)
    DuplicateCandidate.objects.create(case=f.CaseFactory(), other_case=case, score=0.95)
    slot = f.SlotFactory(mission=case.mission)
    with pytest.raises(TransitionRefused) as exc:
        interview_book(reference=case.reference, slot_id=slot.pk, actor=staff(officer))
    assert "duplicate" in exc.value.message
    DuplicateCandidate.objects.update(status=ReviewStatus.DISMISSED)
    interview_book(reference=case.reference, slot_id=slot.pk, actor=staff(officer))


def test_full_slot_cannot_be_booked_twice(case, officer, london):
    slot = f.SlotFactory(mission=london)
    scheduled_case = scheduled(case, officer)
    other = f.CaseFactory(mission=london)
    f.ServiceRecordFactory(case=other)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=other, kind=kind, status="verified")
    from legion.advisories.services import case_acknowledge_advisories

    case_acknowledge_advisories(case=other)
    other = set_state(other, S.IN_REVIEW)
    booked_slot = scheduled_case.interviews.get().slot
    with pytest.raises(TransitionRefused) as exc:
        interview_book(reference=other.reference, slot_id=booked_slot.pk, actor=staff(officer))
    assert exc.value.code == "slot_unavailable"
    interview_book(reference=other.reference, slot_id=slot.pk, actor=staff(officer))


def test_cancelled_interview_returns_to_review_and_frees_the_slot(case, officer):
    scheduled(case, officer)
    interview_cancel(reference=case.reference, actor=applicant(case), reason="Flight changed")
    assert Case.objects.get(pk=case.pk).state == S.IN_REVIEW
    assert case.interviews.get().status == "cancelled"


def test_assignment_only_to_officers_of_the_mission(case, officer, outsider, attache):
    submitted(case)
    case_assign(reference=case.reference, actor=staff(officer), assignee_id=officer.pk)
    assert Case.objects.get(pk=case.pk).assigned_to == officer
    for other in (outsider, attache):
        with pytest.raises(TransitionRefused):
            case_assign(reference=case.reference, actor=staff(officer), assignee_id=other.pk)
    assert CaseEvent.objects.filter(case=case, kind="assignment").count() == 1


def test_transfer_moves_case_and_keeps_history(case, officer, ottawa, outsider):
    in_review(case, officer)
    case_transfer(
        reference=case.reference, actor=staff(officer), mission_code="ott", reason="Moved to Canada"
    )
    moved = Case.objects.get(pk=case.pk)
    assert moved.mission == ottawa
    assert moved.events.count() == 3  # submit, start_review, transfer
    # The new mission now works it; the old one no longer sees it.
    case_transition(reference=case.reference, action="reject", actor=staff(outsider), reason="x")
    with pytest.raises(CaseError):
        case_assign(reference=case.reference, actor=staff(officer), assignee_id=None)


def test_transfer_refused_after_interview_scheduled(case, officer, ottawa):
    scheduled(case, officer)
    with pytest.raises(TransitionRefused) as exc:
        case_transfer(
            reference=case.reference, actor=staff(officer), mission_code="ott", reason="x"
        )
    assert exc.value.code == "wrong_state"


def test_bulk_start_review_reports_each_case(case, officer, london):
    other = f.CaseFactory(mission=london)
    submitted(case)
    results = cases_bulk_transition(
        references=[case.reference, other.reference], action="start_review", actor=staff(officer)
    )
    assert results[case.reference] == "ok"
    assert "not possible" in results[other.reference]
    assert Case.objects.get(pk=case.pk).state == S.IN_REVIEW


def test_available_actions_follow_role_and_explain_blocked_guards(case, officer, attache):
    case = in_review(case, officer)
    officer_actions = {a.name: a for a in case_available_actions(case=case, actor=staff(officer))}
    assert set(officer_actions) == {"refer", "reject", "schedule_interview"}
    assert officer_actions["schedule_interview"].unmet  # documents not yet verified
    assert case_available_actions(case=case, actor=staff(attache)) == []


def test_events_are_append_only(case):
    submitted(case)
    event = CaseEvent.objects.get(case=case)
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_state_cannot_be_assigned_directly(case):
    with pytest.raises(AttributeError):
        case.state = S.ARRIVED
