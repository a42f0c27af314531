"""After the interview: the visa decision and the travel instructions."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from legion.cases.instructions import instructions_email_queue
from legion.cases.letters import travel_letter_issue
from legion.cases.models import Case, TravelInstructions, VisaDecision, VisaType
from legion.cases.services import TransitionRefused, case_apply, case_check, case_lock
from legion.missions.actors import Actor


def visa_type_labels() -> list[str]:
    """The visa types staff pick from, by their English label (what the decision keeps)."""
    return list(VisaType.objects.filter(is_active=True).values_list("label_en", flat=True))


def visa_issue(
    *,
    reference: str,
    actor: Actor,
    visa_type: str,
    visa_number: str,
    valid_from: date,
    valid_until: date,
) -> VisaDecision:
    """Record the visa granted by the consul and move the case to `visa_issued`."""
    visa_type, visa_number = visa_type.strip(), visa_number.strip()
    if not visa_type or not visa_number:
        raise TransitionRefused(_("Visa type and number are required."), code="invalid")
    if valid_until <= valid_from:
        raise TransitionRefused(
            _("The visa must be valid until a date after it starts."), code="invalid"
        )
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action="issue_visa", actor=actor)
        VisaDecision.objects.filter(case=case).delete()
        visa = VisaDecision.objects.create(
            case=case,
            decision=VisaDecision.Decision.ISSUED,
            visa_type=visa_type,
            visa_number=visa_number,
            valid_from=valid_from,
            valid_until=valid_until,
            decided_by=actor.user,
        )
        case_apply(case=case, action="issue_visa", actor=actor, data={"visa_type": visa_type})
    return visa


def visa_refuse(*, reference: str, actor: Actor, reason: str) -> VisaDecision:
    """Record the consul's refusal; the case is rejected with the reason."""
    reason = reason.strip()
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action="refuse_visa", actor=actor, reason=reason)
        VisaDecision.objects.filter(case=case).delete()
        visa = VisaDecision.objects.create(
            case=case, decision=VisaDecision.Decision.REFUSED, reason=reason, decided_by=actor.user
        )
        case_apply(case=case, action="refuse_visa", actor=actor, reason=reason)
    return visa


def instructions_issue(
    *,
    reference: str,
    actor: Actor,
    entry_point: str,
    assembly_point: str,
    report_by: date,
    documents_to_bring: list[str],
    equipment: list[str],
    contacts: str,
    notes: str = "",
) -> TravelInstructions:
    """Write the travel instructions and move the case to `instructions_issued`."""
    entry_point, assembly_point, contacts = (
        entry_point.strip(),
        assembly_point.strip(),
        contacts.strip(),
    )
    if not entry_point or not assembly_point or not contacts:
        raise TransitionRefused(
            _("Entry point, assembly point and contacts are required."), code="invalid"
        )
    with transaction.atomic():
        case: Case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action="issue_instructions", actor=actor)
        instructions = TravelInstructions.objects.create(
            case=case,
            entry_point=entry_point,
            assembly_point=assembly_point,
            report_by=report_by,
            documents_to_bring=documents_to_bring,
            equipment=equipment,
            contacts=contacts,
            notes=notes,
            language=case.language,
            issued_by=actor.user,
        )
        case_apply(case=case, action="issue_instructions", actor=actor)
        travel_letter_issue(instructions=instructions)
        instructions_email_queue(instructions=instructions)
    return instructions
