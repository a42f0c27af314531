"""Missions, their interview slots, and aggregate statistics for HQ."""

import datetime as dt

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from legion.api.schemas import Error, MissionOut, SlotOut, StatisticsOut, ValidationErrorOut
from legion.cases.policy import SEE_SLOTS, mission_for
from legion.dashboard.access import statistics_scope
from legion.dashboard.privacy import Figure
from legion.dashboard.selectors import StatisticsFilter, by_mission, by_nationality, by_state
from legion.interviews.models import InterviewSlot
from legion.interviews.selectors import LIVE, open_slots
from legion.missions.actors import Actor
from legion.missions.models import Mission

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


# 409: the mission's slots are not for this role (the policy's refusal).
@router.get(
    "missions/{code}/slots",
    response={200: list[SlotOut], 409: Error, **ERRORS},
    tags=["missions"],
)
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


def tallies(rows: list[Figure]) -> list[dict]:
    return [
        {
            "key": t.key,
            "label": t.label,
            "count": t.value,
            "incomplete": t.incomplete,
            "shown": t.shown,
        }
        for t in rows
    ]


@router.get("statistics", response={200: StatisticsOut, **ERRORS}, tags=["statistics"])
def statistics(request: HttpRequest):
    """Applications by state, mission and nationality since the first one, for HQ.

    Never a personal field. Every count is a sum of groups of at least five people
    (legion.dashboard.privacy): groups under five are left out of every count and
    total, and `incomplete` says a count left some out, so no difference of counts
    gives a small group away."""
    actor = Actor.staff(request.auth)
    scope = statistics_scope(actor)
    if scope is None or not scope.all_missions:
        raise HttpError(403, "Statistics are for HQ analysts, security and administrators.")
    filters = StatisticsFilter(
        date_from=dt.date(2000, 1, 1),
        date_to=timezone.now().astimezone(dt.UTC).date(),
        threshold=scope.threshold(None),
    )
    states = by_state(filters)
    return {
        "total": sum(t.value for t in states),
        "total_incomplete": any(t.incomplete for t in states),
        "by_state": tallies(states),
        "by_mission": tallies(by_mission(filters)),
        "by_nationality": tallies(by_nationality(filters)[:30]),
    }
