"""The mission's interview calendar: creating and cancelling slots, and booking the next
free slots for many cases at once from the queue."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.policy import MANAGE_SLOTS, CaseNotFound, MissionAccess, case_for
from legion.cases.services import CaseError, TransitionRefused
from legion.interviews.models import Interview, InterviewSlot
from legion.interviews.selectors import open_slots
from legion.missions.actors import Actor
from legion.missions.models import Mission


def _check_manager(actor: Actor, mission: Mission) -> None:
    if not MissionAccess.of(actor, mission).may(MANAGE_SLOTS):
        raise TransitionRefused(
            _("Only consular officers and the consul of this mission manage interview slots."),
            code="forbidden",
        )


def slot_create(
    *,
    mission: Mission,
    actor: Actor,
    starts_at: dt.datetime,
    minutes: int,
    location: str,
    capacity: int = 1,
    languages: list[str] | None = None,
) -> InterviewSlot:
    """Open one interview slot at the mission; it must be in the future and must not
    overlap another slot at the same location."""
    _check_manager(actor, mission)
    location = location.strip()
    if not location:
        raise TransitionRefused(_("Please give the room or place."), code="invalid")
    if not 5 <= minutes <= 8 * 60:
        raise TransitionRefused(
            _("An interview lasts between 5 minutes and 8 hours."), code="invalid"
        )
    if not 1 <= capacity <= 50:
        raise TransitionRefused(_("Capacity must be between 1 and 50."), code="invalid")
    if starts_at <= timezone.now():
        raise TransitionRefused(_("A new slot must start in the future."), code="invalid")
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    with transaction.atomic():
        overlapping = InterviewSlot.objects.filter(
            mission=mission,
            location__iexact=location,
            is_cancelled=False,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        if overlapping.exists():
            raise TransitionRefused(
                _("Another slot at %(location)s overlaps this time.") % {"location": location},
                code="overlap",
            )
        return InterviewSlot.objects.create(
            mission=mission,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            capacity=capacity,
            languages=list(languages or []),
        )


def slot_series_open(
    *, mission: Mission, actor: Actor, first_day: dt.date, location: str, **series: Any
) -> list[InterviewSlot]:
    """Open back-to-back slots on weekdays, as `slot_series_create` does (same further
    arguments: last_day, day_starts, day_ends, minutes, capacity, languages), after
    checking that the actor manages this mission's slots; starts already taken are
    skipped."""
    from zoneinfo import ZoneInfo

    from legion.interviews.services import slot_series_create

    _check_manager(actor, mission)
    location = location.strip()
    if not location:
        raise TransitionRefused(_("Please give the room or place."), code="invalid")
    if first_day < timezone.now().astimezone(ZoneInfo(mission.timezone)).date():
        raise TransitionRefused(_("A new slot must start in the future."), code="invalid")
    try:
        return slot_series_create(
            mission_id=mission.pk, first_day=first_day, location=location, **series
        )
    except ValueError as exc:
        raise TransitionRefused(str(exc), code="invalid") from exc


def slot_cancel(*, slot_id: int, mission: Mission, actor: Actor, reason: str) -> InterviewSlot:
    """Cancel a slot. Interviews booked in it are cancelled too (their cases go back to
    review and the applicants get a cancellation notice), all in one transaction."""
    from legion.interviews.services import interview_cancel

    _check_manager(actor, mission)
    reason = reason.strip()
    if not reason:
        raise TransitionRefused(_("Please give a reason."), code="reason_required")
    with transaction.atomic():
        slot = InterviewSlot.objects.select_for_update().filter(pk=slot_id, mission=mission).first()
        if slot is None:
            raise CaseError(_("No such slot."), code="not_found")
        if slot.is_cancelled:
            raise TransitionRefused(_("This slot is already cancelled."), code="unchanged")
        if slot.interviews.filter(status=Interview.Status.HELD).exists():
            raise TransitionRefused(
                _("An interview in this slot has already been held."), code="wrong_state"
            )
        for interview in slot.interviews.filter(status=Interview.Status.BOOKED).select_related(
            "case"
        ):
            interview_cancel(reference=interview.case.reference, actor=actor, reason=reason)
        slot.is_cancelled = True
        slot.save(update_fields=["is_cancelled"])
    return slot


def interviews_bulk_book(*, references: list[str], actor: Actor) -> dict[str, str]:
    """Book each case into the earliest open slot of its mission, in the order given;
    a result per reference ("ok" with the time, or the refusal message)."""
    from legion.interviews.services import interview_book

    results: dict[str, str] = {}
    for reference in references:
        try:
            case = case_for(actor, reference)
        except CaseNotFound:
            results[reference] = _("No such case.")
            continue
        slot = open_slots(mission_id=case.mission_id).first()
        if slot is None:
            results[reference] = _("No open interview slot is left at this mission.")
            continue
        try:
            interview_book(reference=reference, slot_id=slot.pk, actor=actor)
        except CaseError as exc:
            results[reference] = exc.message
        else:
            results[reference] = "ok"
    return results
