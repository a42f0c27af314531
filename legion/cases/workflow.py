"""The case lifecycle: one declared transition table (django-fsm-2) for UI, API and CLI.

Each transition method below declares its source states, target, who may take it
(`permission=allowed(...)`) and its guards (`conditions=[...]`). The methods only
move the state; services.py wraps each one in a transaction, checks scope and
writes the event. The state field is protected, so nothing else can change it.

A transition whose state means a record (a booked interview, two signed assessments,
the visa decision, the travel instructions) names the service that writes that record
(`info(..., service=...)`): a bare call through `case_transition` (the API's, the
CLI's and the case page's generic transition) is refused, and a record guard
(`guard(..., record=True)`) keeps the state unreachable without its record even from
inside the services.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

from legion.cases.lifecycle import case_guard_check, case_guard_declare
from legion.cases.states import OPEN_STATES, CaseState
from legion.missions.actors import Actor
from legion.missions.models import Role

APPLICANT = "applicant"
SYSTEM = "system"

S = CaseState


def allowed(*roles: str) -> Callable[[Any, Actor], bool]:
    """Permission check: the actor holds one of `roles` at the case's mission.

    "applicant" means the applicant of this very case; "system" a task or import.
    HQ roles are not tied to a mission.
    """

    def check(case: Any, actor: Actor) -> bool:
        for role in roles:
            if role == APPLICANT and actor.applicant_case_id == case.pk:
                return True
            if role == SYSTEM and actor.is_system:
                return True
            if actor.is_staff and actor.has_role(role, case.mission_id):
                return True
        return False

    check.roles = roles  # type: ignore[attr-defined]
    return check


def guard(
    message: str, *, record: bool = False
) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Mark a condition with the message shown when it is not met.

    `record=True`: the condition is the record the target state means, written by the
    transition's own service just before it applies the transition; it is checked on
    every apply but never listed as a reason an action is blocked (the service's form
    or endpoint is how the record comes to exist)."""

    def decorate(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        func.message = message  # type: ignore[attr-defined]
        func.record = record  # type: ignore[attr-defined]
        return func

    return decorate


def provided(name: str, message: str, *, record: bool = False) -> Callable[[Any], bool]:
    """A guard whose check another app provides (it holds the records the check reads):
    the table declares it here, with its message; the app registers the check at the
    fan-out point (lifecycle.case_guard_provide) from its AppConfig.ready()."""
    case_guard_declare(name)

    def check(case: Any) -> bool:
        return case_guard_check(name, case)

    check.__name__ = check.__qualname__ = name
    return guard(message, record=record)(check)


# Provided by legion.advisories.
advisory_acknowledged = provided(
    "advisory_acknowledged",
    _("The legal advisory and the risk notice have not been acknowledged."),
)


@guard(_("A passport scan must be uploaded before submitting."))
def passport_uploaded(case: Any) -> bool:
    from legion.cases.models import Document

    return (
        case.documents.filter(kind=Document.Kind.PASSPORT)
        .exclude(status=Document.Status.REJECTED)
        .exists()
    )


@guard(_("Not all required documents have been verified."))
def documents_verified(case: Any) -> bool:
    from legion.cases.selectors import case_documents_complete

    return case_documents_complete(case=case)


@guard(_("The eligibility check has not passed."))
def eligibility_passed(case: Any) -> bool:
    from legion.cases.eligibility import evaluate_case

    return evaluate_case(case).passed


# Provided by legion.identity.
no_open_identity_review = provided(
    "no_open_identity_review",
    _("A duplicate or watch-list review is still open for this case."),
)

# Provided by legion.interviews.
interview_booked = provided(
    "interview_booked", _("An interview slot must be booked for the case."), record=True
)
no_interview_booked = provided(
    "no_interview_booked", _("The booked interview must be cancelled first."), record=True
)
# Not hidden as a record guard: the page lists who still has to sign.
both_assessments_signed = provided(
    "both_assessments_signed",
    _("Both the defence attaché and the consul must sign their assessments."),
)
both_assessments_favourable = provided(
    "both_assessments_favourable", _("Both interview assessments must be favourable.")
)
an_assessment_unfavourable = provided(
    "an_assessment_unfavourable", _("No interview assessment is unfavourable.")
)


@guard(_("The visa (type, number, validity) must be recorded."), record=True)
def visa_recorded(case: Any) -> bool:
    from legion.cases.models import VisaDecision

    return VisaDecision.objects.filter(case=case, decision=VisaDecision.Decision.ISSUED).exists()


@guard(_("The visa refusal must be recorded with its reason."), record=True)
def visa_refusal_recorded(case: Any) -> bool:
    from legion.cases.models import VisaDecision

    return (
        VisaDecision.objects.filter(case=case, decision=VisaDecision.Decision.REFUSED)
        .exclude(reason="")
        .exists()
    )


@guard(_("The travel instructions must be written."), record=True)
def instructions_recorded(case: Any) -> bool:
    from legion.cases.models import TravelInstructions

    return TravelInstructions.objects.filter(case=case).exists()


@guard(_("An arrival can be recorded from the day after the travel instructions were issued."))
def travelled_since_instructions(case: Any) -> bool:
    """The applicant has to travel to the border after receiving the instructions: an
    arrival on the day they were issued (in the mission's time zone) is a slip."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from legion.cases.models import TravelInstructions

    instructions = TravelInstructions.objects.filter(case=case).only("issued_at").first()
    if instructions is None:
        return False
    zone = ZoneInfo(case.mission.timezone)
    return timezone.localdate(timezone=zone) > timezone.localdate(instructions.issued_at, zone)


# Labels, whether a reason is required and which service alone takes the transition,
# read by every front end.
def info(
    label: str, *, reason: bool = False, danger: bool = False, service: str = ""
) -> dict[str, Any]:
    """`service`: the service that writes the record the target state means and takes
    the transition itself; a bare `case_transition` of it is refused (`use_service`)."""
    return {"label": label, "reason_required": reason, "danger": danger, "service": service}


class CaseWorkflow:
    """Mixed into Case: the lifecycle of DESIGN.md, transition by transition."""

    @transition(
        field="state",
        source=S.DRAFT,
        target=S.SUBMITTED,
        # A consular officer submits the applications they take down (assisted intake).
        permission=allowed(APPLICANT, Role.CONSULAR_OFFICER),
        conditions=[passport_uploaded, advisory_acknowledged],
        # Identity screening runs in the submission's transaction.
        custom=info(_("Submit application"), service="case_submit"),
    )
    def submit(self) -> None:
        pass

    @transition(
        field="state",
        source=S.SUBMITTED,
        target=S.IN_REVIEW,
        permission=allowed(Role.CONSULAR_OFFICER),
        custom=info(_("Start review")),
    )
    def start_review(self) -> None:
        pass

    @transition(
        field="state",
        source=S.IN_REVIEW,
        target=S.REFERRED,
        permission=allowed(Role.CONSULAR_OFFICER),
        custom=info(_("Refer to humanitarian channels"), reason=True),
    )
    def refer(self) -> None:
        pass

    @transition(
        field="state",
        source=S.IN_REVIEW,
        target=S.REJECTED,
        permission=allowed(Role.CONSULAR_OFFICER),
        custom=info(_("Reject"), reason=True, danger=True),
    )
    def reject(self) -> None:
        pass

    @transition(
        field="state",
        source=S.IN_REVIEW,
        target=S.INTERVIEW_SCHEDULED,
        permission=allowed(Role.CONSULAR_OFFICER, APPLICANT),
        conditions=[
            documents_verified,
            eligibility_passed,
            advisory_acknowledged,
            no_open_identity_review,
            interview_booked,
        ],
        custom=info(_("Schedule interview"), service="interview_book"),
    )
    def schedule_interview(self) -> None:
        pass

    @transition(
        field="state",
        source=S.INTERVIEW_SCHEDULED,
        target=S.IN_REVIEW,
        permission=allowed(Role.CONSULAR_OFFICER, APPLICANT),
        conditions=[no_interview_booked],
        custom=info(_("Cancel interview"), reason=True, service="interview_cancel"),
    )
    def cancel_interview(self) -> None:
        pass

    @transition(
        field="state",
        source=S.INTERVIEW_SCHEDULED,
        target=S.INTERVIEWED,
        permission=allowed(Role.DEFENCE_ATTACHE, Role.CONSUL),
        conditions=[both_assessments_signed],
        custom=info(_("Complete interview"), service="assessment_sign"),
    )
    def complete_interview(self) -> None:
        pass

    @transition(
        field="state",
        source=S.INTERVIEWED,
        target=S.REJECTED,
        permission=allowed(Role.DEFENCE_ATTACHE, Role.CONSUL),
        conditions=[an_assessment_unfavourable],
        custom=info(
            _("Reject after interview"), reason=True, danger=True, service="assessment_sign"
        ),
    )
    def reject_after_interview(self) -> None:
        pass

    @transition(
        field="state",
        source=S.INTERVIEWED,
        target=S.VISA_PENDING,
        permission=allowed(Role.CONSUL),
        conditions=[both_assessments_favourable],
        custom=info(_("Open visa procedure")),
    )
    def open_visa(self) -> None:
        pass

    @transition(
        field="state",
        source=S.VISA_PENDING,
        target=S.VISA_ISSUED,
        permission=allowed(Role.CONSUL),
        conditions=[visa_recorded],
        custom=info(_("Issue visa"), service="visa_issue"),
    )
    def issue_visa(self) -> None:
        pass

    @transition(
        field="state",
        source=S.VISA_PENDING,
        target=S.REJECTED,
        permission=allowed(Role.CONSUL),
        conditions=[visa_refusal_recorded],
        custom=info(_("Refuse visa"), reason=True, danger=True, service="visa_refuse"),
    )
    def refuse_visa(self) -> None:
        pass

    @transition(
        field="state",
        source=S.VISA_ISSUED,
        target=S.INSTRUCTIONS_ISSUED,
        permission=allowed(Role.CONSULAR_OFFICER),
        conditions=[visa_recorded, instructions_recorded],
        custom=info(_("Issue travel instructions"), service="instructions_issue"),
    )
    def issue_instructions(self) -> None:
        pass

    @transition(
        field="state",
        source=S.INSTRUCTIONS_ISSUED,
        target=S.ARRIVED,
        permission=allowed(Role.CONSULAR_OFFICER),
        conditions=[instructions_recorded, travelled_since_instructions],
        custom=info(_("Record arrival")),
    )
    def record_arrival(self) -> None:
        pass

    @transition(
        field="state",
        source=[*OPEN_STATES, S.ON_HOLD],
        target=S.WITHDRAWN,
        permission=allowed(APPLICANT),
        custom=info(_("Withdraw application"), danger=True),
    )
    def withdraw(self) -> None:
        pass

    @transition(
        field="state",
        source=[s for s in OPEN_STATES if s != S.DRAFT],
        target=S.ON_HOLD,
        permission=allowed(Role.HQ_SECURITY, SYSTEM),
        custom=info(_("Place on hold"), reason=True, danger=True),
    )
    def hold(self) -> None:
        self.held_from_state = self.state

    @transition(
        field="state",
        source=S.ON_HOLD,
        target=RETURN_VALUE(*OPEN_STATES),
        permission=allowed(Role.HQ_SECURITY),
        custom=info(_("Lift hold"), reason=True),
    )
    def release(self) -> str:
        previous, self.held_from_state = self.held_from_state, ""
        return previous

    @transition(
        field="state",
        source=[*(s for s in OPEN_STATES if s != S.DRAFT), S.ON_HOLD],
        target=S.REJECTED,
        permission=allowed(Role.HQ_SECURITY),
        custom=info(_("Reject on security grounds"), reason=True, danger=True),
    )
    def reject_on_security_grounds(self) -> None:
        self.held_from_state = ""


TRANSITION_NAMES = tuple(
    name
    for name, value in vars(CaseWorkflow).items()
    if callable(value) and hasattr(value, "_django_fsm")
)
