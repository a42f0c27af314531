"""Booking interviews and signing assessments; each goes through the case workflow."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from legion.cases.models import Case, CaseEvent
from legion.cases.services import (
    TransitionRefused,
    case_apply,
    case_check,
    case_lock,
    record_event,
)
from legion.cases.states import CaseState
from legion.interviews.invitations import interview_cancellation_queue, interview_invitation_queue
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.interviews.selectors import current_interview, open_slots
from legion.missions.actors import Actor
from legion.missions.models import Mission, Role


def interview_book(*, reference: str, slot_id: int, actor: Actor, language: str = "") -> Interview:
    """Book a slot for the case (applicant or consular officer) and schedule the interview."""
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        # Lock the slot row too, so two bookings cannot both take its last place.
        slot = (
            InterviewSlot.objects.select_for_update()
            .filter(pk=slot_id, mission_id=case.mission_id)
            .first()
        )
        if slot is None or not open_slots(mission_id=case.mission_id).filter(pk=slot.pk).exists():
            raise TransitionRefused(
                _("That interview time is no longer available. Please choose another."),
                code="slot_unavailable",
            )
        case_check(case=case, action="schedule_interview", actor=actor)
        interview = Interview.objects.create(
            case=case, slot=slot, language=language or case.language
        )
        case_apply(case=case, action="schedule_interview", actor=actor, data={"slot": slot.pk})
        interview_invitation_queue(interview=interview)
    return interview


def interview_cancel(*, reference: str, actor: Actor, reason: str) -> Case:
    """Cancel the booked interview; the case goes back to review and can book again."""
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action="cancel_interview", actor=actor, reason=reason)
        booked = case.interviews.filter(status=Interview.Status.BOOKED)
        cancelled = list(booked.values_list("pk", flat=True))
        booked.update(status=Interview.Status.CANCELLED, cancelled_at=timezone.now())
        case_apply(case=case, action="cancel_interview", actor=actor, reason=reason)
        for interview in Interview.objects.filter(pk__in=cancelled).select_related(
            "case__applicant", "case__mission", "slot"
        ):
            interview_cancellation_queue(interview=interview)
    return case


ASSESSMENT_ROLE = {
    Assessment.Kind.MILITARY: Role.DEFENCE_ATTACHE,
    Assessment.Kind.CONSULAR: Role.CONSUL,
}


@dataclass(frozen=True)
class AssessmentOffer:
    """An assessment form offered to an actor: `unmet` says why it cannot be signed yet
    (the interview has not begun); empty when it can be signed now."""

    kind: str
    label: str
    unmet: tuple[str, ...]


def assessment_refusal(*, case: Case, actor: Actor, kind: str) -> TransitionRefused | None:
    """Why `actor` cannot sign the `kind` assessment of this case now, or None if they can.

    Only the holder of the form's role at the case's mission signs it, only while the
    case's booked interview awaits it, and only once that interview has begun (its slot
    has started): an assessment is what the interviewer saw in the interview."""
    role = ASSESSMENT_ROLE.get(kind)
    if role is None:
        return TransitionRefused(_("Unknown assessment kind."), code="invalid")
    if not actor.has_role(role, case.mission_id):
        return TransitionRefused(
            _("Only the %(role)s of this mission can sign this assessment.")
            % {"role": Role(role).label},
            code="forbidden",
        )
    interview = current_interview(case=case)
    if interview is None or case.state != CaseState.INTERVIEW_SCHEDULED:
        return TransitionRefused(
            _("There is no scheduled interview to assess."), code="wrong_state"
        )
    if interview.assessments.filter(kind=kind).exists():
        return TransitionRefused(_("This assessment is already signed."), code="duplicate")
    if interview.slot.starts_at > timezone.now():
        starts = timezone.localtime(interview.slot.starts_at, ZoneInfo(case.mission.timezone))
        return TransitionRefused(
            _(
                "The interview begins at %(time)s (mission time); its assessments can be "
                "signed from then on."
            )
            % {"time": starts.strftime("%Y-%m-%d %H:%M")},
            code="interview_not_begun",
        )
    return None


def assessments_offered(*, case: Case, actor: Actor) -> list[AssessmentOffer]:
    """The assessment forms to offer this actor on this case (the case page, the API and
    the CLI show exactly these): a form only to the role that signs it, while the booked
    interview awaits it; before the interview begins it is offered with the reason it
    cannot be signed yet."""
    offers = []
    for kind in ASSESSMENT_ROLE:
        refusal = assessment_refusal(case=case, actor=actor, kind=kind)
        if refusal is None or refusal.code == "interview_not_begun":
            offers.append(
                AssessmentOffer(
                    kind=kind,
                    label=str(Assessment.Kind(kind).label),
                    unmet=(refusal.message,) if refusal else (),
                )
            )
    return offers


def assessment_sign(
    *,
    reference: str,
    actor: Actor,
    kind: str,
    favourable: bool,
    notes: str = "",
    suitability: str = "",
    recommended_role: str = "",
    identity_confirmed: bool | None = None,
    language_ok: bool | None = None,
) -> Assessment:
    """Sign the attaché's (military) or the consul's (consular) assessment.

    Only the holder of that role at the case's mission may sign it, once the booked
    interview has begun (`assessment_refusal`). When the second
    assessment is signed the case becomes `interviewed`; if either is unfavourable it
    is then rejected, with the assessments' notes as the reason.
    """
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        refusal = assessment_refusal(case=case, actor=actor, kind=kind)
        if refusal is not None:
            raise refusal
        interview = current_interview(case=case)
        if kind == Assessment.Kind.MILITARY and not suitability:
            raise TransitionRefused(_("Please choose a suitability."), code="invalid")
        if kind == Assessment.Kind.CONSULAR and identity_confirmed is None:
            raise TransitionRefused(
                _("Please say whether the identity was confirmed."), code="invalid"
            )
        assessment = Assessment.objects.create(
            interview=interview,
            kind=kind,
            favourable=favourable,
            suitability=suitability,
            recommended_role=recommended_role,
            identity_confirmed=identity_confirmed,
            language_ok=language_ok,
            notes=notes,
            signed_by=actor.user,
            signed_by_name=actor.user.get_full_name() or actor.label,
        )
        record_event(
            case=case,
            kind=CaseEvent.Kind.INTERVIEW,
            action=f"sign_{kind}_assessment",
            actor=actor,
            data={"favourable": favourable},
        )
        signed = list(interview.assessments.all())
        if len(signed) == 2:
            Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.HELD)
            case_apply(case=case, action="complete_interview", actor=actor)
            unfavourable = [a for a in signed if not a.favourable]
            if unfavourable:
                reason = "; ".join(
                    f"{a.get_kind_display()}: {a.notes or _('unfavourable')}" for a in unfavourable
                )
                case_apply(case=case, action="reject_after_interview", actor=actor, reason=reason)
    return assessment


def _location_translations(mission: Mission, location: str) -> dict[str, str]:
    """The translations the mission's slots already have for this English location,
    so that a new series reads in the applicant's language like the last one."""
    known = (
        InterviewSlot.objects.filter(mission=mission, location_en=location)
        .order_by("-starts_at")
        .first()
    )
    columns = [build_localized_fieldname("location", code) for code, _name in settings.LANGUAGES]
    return {c: getattr(known, c) for c in columns if known and getattr(known, c)}


def slot_series_create(
    *,
    mission_id: int,
    first_day: dt.date,
    last_day: dt.date,
    day_starts: dt.time,
    day_ends: dt.time,
    minutes: int,
    location: str,
    weekdays: frozenset[int] = frozenset(range(5)),
    capacity: int = 1,
    languages: list[str] | None = None,
) -> list[InterviewSlot]:
    """Create a series of slots at once, e.g. weekdays 09:00–17:00 every 45 minutes for two
    weeks. Times are in the mission's time zone; a slot must end by `day_ends`. Slots that
    would start at the same moment as an existing slot of the mission are skipped."""
    if minutes < 5:
        raise ValueError(_("A slot must last at least 5 minutes."))
    if last_day < first_day:
        raise ValueError(_("The last day must not be before the first day."))
    if day_ends <= day_starts:
        raise ValueError(_("The day must end after it starts."))
    if (last_day - first_day).days > 366:
        raise ValueError(_("A series can cover at most one year."))
    mission = Mission.objects.get(pk=mission_id)
    zone = ZoneInfo(mission.timezone)
    length = dt.timedelta(minutes=minutes)
    wanted = []
    day = first_day
    while day <= last_day:
        if day.weekday() in weekdays:
            start = dt.datetime.combine(day, day_starts, tzinfo=zone)
            end_of_day = dt.datetime.combine(day, day_ends, tzinfo=zone)
            while start + length <= end_of_day:
                wanted.append(start)
                start += length
        day += dt.timedelta(days=1)
    taken = set(
        InterviewSlot.objects.filter(mission=mission, starts_at__in=wanted).values_list(
            "starts_at", flat=True
        )
    )
    translations = _location_translations(mission, location)
    # The location is typed in English, whatever language the admin pages are in.
    with translation.override(settings.LANGUAGE_CODE):
        slots = [
            InterviewSlot(
                mission=mission,
                starts_at=start,
                ends_at=start + length,
                location=location,
                **translations,
                capacity=capacity,
                languages=list(languages or []),
            )
            for start in wanted
            if start not in taken
        ]
    return InterviewSlot.objects.bulk_create(slots)
