"""Take a test case along the workflow through the real services, step by step.

Each step first takes the steps before it that the case has not taken yet."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from legion.cases.documents import case_documents_verify
from legion.cases.models import Case, Document
from legion.cases.services import case_submit, case_transition
from legion.cases.states import OPEN_STATES, CaseState
from legion.cases.travel import instructions_issue, visa_issue
from legion.identity.models import DuplicateCandidate
from legion.interviews.models import Interview
from legion.interviews.services import assessment_sign, interview_book
from legion.missions.actors import Actor
from legion.testing import factories as f

# The forward path, draft to instructions_issued.
ORDER = list(OPEN_STATES)


def fresh(case: Case) -> Case:
    return Case.objects.select_related("applicant", "mission").get(pk=case.pk)


def before(case: Case, state: str) -> bool:
    """True while the case has not reached `state` on the way forward."""
    return ORDER.index(fresh(case).state) < ORDER.index(state)


def submitted(case: Case) -> Case:
    if before(case, CaseState.SUBMITTED):
        case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
        # The factories' applicants look alike, so intake screening (tested in
        # legion/identity) pairs them as duplicates; these steps walk one case, not a
        # duplicate review, so the review items screening opened are dropped.
        DuplicateCandidate.objects.filter(Q(case=case) | Q(other_case=case)).delete()
    return fresh(case)


def in_review(case: Case, officer) -> Case:
    submitted(case)
    if before(case, CaseState.IN_REVIEW):
        case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
    return fresh(case)


def verified(case: Case, officer) -> Case:
    in_review(case, officer)
    if case.documents.filter(status=Document.Status.PENDING).exists():
        case_documents_verify(reference=case.reference, actor=Actor.staff(officer))
    return fresh(case)


def scheduled(case: Case, officer, slot=None) -> Interview:
    verified(case, officer)
    slot = slot or f.SlotFactory(mission=case.mission)
    return interview_book(reference=case.reference, slot_id=slot.pk, actor=Actor.staff(officer))


def interview_started(case: Case, officer) -> Interview:
    """Booked, and the interview has begun: its assessments can be signed."""
    interview = scheduled(case, officer)
    f.interview_begins(case)
    return interview


def sign_military(case: Case, attache, *, favourable: bool = True) -> None:
    f.interview_begins(case)
    assessment_sign(
        reference=case.reference,
        actor=Actor.staff(attache),
        kind="military",
        favourable=favourable,
        suitability="suitable" if favourable else "not_suitable",
        notes="" if favourable else "Could not describe any of the claimed deployments.",
    )


def sign_consular(case: Case, consul, *, favourable: bool = True) -> None:
    f.interview_begins(case)
    assessment_sign(
        reference=case.reference,
        actor=Actor.staff(consul),
        kind="consular",
        favourable=favourable,
        identity_confirmed=favourable,
        language_ok=True,
    )


def interviewed(case: Case, officer, attache, consul) -> Case:
    if before(case, CaseState.INTERVIEWED):
        scheduled(case, officer)
        sign_military(case, attache)
        sign_consular(case, consul)
    return fresh(case)


def visa_pending(case: Case, officer, attache, consul) -> Case:
    interviewed(case, officer, attache, consul)
    if before(case, CaseState.VISA_PENDING):
        case_transition(reference=case.reference, action="open_visa", actor=Actor.staff(consul))
    return fresh(case)


def visa_issued(case: Case, officer, attache, consul) -> Case:
    visa_pending(case, officer, attache, consul)
    if before(case, CaseState.VISA_ISSUED):
        today = timezone.localdate()
        visa_issue(
            reference=case.reference,
            actor=Actor.staff(consul),
            visa_type="D (long stay)",
            visa_number="UA7654321",
            valid_from=today,
            valid_until=today + dt.timedelta(days=90),
        )
    return fresh(case)


def instructions_issued(case: Case, officer, attache, consul, **overrides):
    visa_issued(case, officer, attache, consul)
    values = {
        "entry_point": "Krakovets border crossing (Poland–Ukraine)",
        "assembly_point": "Lviv, railway station, hall 2",
        "report_by": timezone.localdate() + dt.timedelta(days=10),
        "documents_to_bring": ["passport", "service_record"],
        "equipment": ["helmet", "body_armour", "boots"],
        "contacts": "+380 44 000 0000",
        **overrides,
    }
    return instructions_issue(reference=case.reference, actor=Actor.staff(officer), **values)
