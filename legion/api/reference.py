"""Missions, their interview slots, and aggregate statistics for HQ."""

import datetime as dt

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from legion.api.schemas import Error, MissionOut, SlotOut, StatisticsOut, ValidationErrorOut
from legion.cases.policy import SEE_SLOTS, StaffAccess, mission_for
from legion.interviews.models import InterviewSlot
from legion.interviews.selectors import LIVE, open_slots
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.reports.services import (
    Tally,
    applications,
    stats_by_mission,
    stats_by_nationality,
    stats_by_state,
)

router = Router()
ERRORS = {401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}


@router.get("missions", response={200: list[MissionOut], **ERRORS}, tags=["missions"])
def missions(request: HttpRequest):
    """Active missions (public information)."""
    return [
        {
            "code": m.code,
            "name": m.name,
            "kind": m.kind,
            "country": m.country.code,
            "city": m.city,
            "timezone": m.timezone,
            "interview_languages": m.interview_languages or [],
        }
        for m in Mission.objects.filter(is_active=True)
    ]


@router.get("missions/{code}/slots", response={200: list[SlotOut], **ERRORS}, tags=["missions"])
def mission_slots(
    request: HttpRequest,
    code: str,
    available: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
):
    """Interview slots of a mission from `start` (default today) to `end`, with how many
    places are booked; `available=true` lists only future slots with room. For staff of
    that mission and HQ."""
    mission = mission_for(Actor.staff(request.auth), code, action=SEE_SLOTS)
    if available:
        slots = open_slots(mission_id=mission.pk)
    else:
        slots = InterviewSlot.objects.filter(mission=mission).annotate(
            booked=Count("interviews", filter=Q(interviews__status__in=LIVE))
        )
    first = start or timezone.localdate()
    slots = slots.filter(starts_at__date__gte=first)
    if end:
        slots = slots.filter(starts_at__date__lte=end)
    return [slot_out(s, mission) for s in slots.order_by("starts_at")[:1000]]


def slot_out(slot, mission) -> dict:
    """A slot as the API shows it (`booked` annotated by the query)."""
    return {
        "id": slot.pk,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "location": slot.location,
        "capacity": slot.capacity,
        "booked": slot.booked,
        "languages": slot.languages or mission.interview_languages or [],
        "is_cancelled": slot.is_cancelled,
    }


def tallies(rows: list[Tally]) -> list[dict]:
    return [
        {
            "key": t.key,
            "label": t.label,
            "count": None if t.suppressed else t.value,
            "shown": t.shown,
        }
        for t in rows
    ]


@router.get("statistics", response={200: StatisticsOut, **ERRORS}, tags=["statistics"])
def statistics(request: HttpRequest):
    """Counts of applications by state, mission and nationality, for HQ. Never a
    personal field; small counts are suppressed."""
    if not StaffAccess.of(Actor.staff(request.auth)).sees_all_statistics:
        raise HttpError(403, "Statistics are for HQ analysts, security and administrators.")
    return {
        "total": applications().count(),
        "by_state": tallies(stats_by_state()),
        "by_mission": tallies(stats_by_mission()),
        "by_nationality": tallies(stats_by_nationality(top=30)),
    }
