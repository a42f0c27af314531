"""The mission's interview calendar: a week of slots with their bookings."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from legion.cases.policy import MissionAccess, mission_for
from legion.cases.services import CaseError
from legion.interviews.models import InterviewSlot
from legion.interviews.slots import slot_cancel, slot_create, slot_series_open
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.workspace.access import staff_view
from legion.workspace.forms import SlotForm
from legion.workspace.selectors import mission_week
from legion.workspace.views.common import render_at


def _monday(value: str | None, zone: ZoneInfo) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        day = None
    day = day or timezone.now().astimezone(zone).date()
    return day - dt.timedelta(days=day.weekday())


def _week_url(mission: Mission, monday: dt.date) -> str:
    return f"{reverse('workspace:calendar', args=[mission.code])}?week={monday.isoformat()}"


def _languages(mission: Mission) -> list[str]:
    return list(mission.interview_languages or ["en"])


@require_http_methods(["GET", "POST"])
@staff_view
def calendar(request: HttpRequest, mission: str) -> HttpResponse:
    """GET shows the week; POST creates a slot (consular officers and the consul)."""
    actor: Actor = request.actor
    mission_obj = mission_for(actor, mission)
    zone = ZoneInfo(mission_obj.timezone)
    monday = _monday(request.GET.get("week"), zone)
    can_manage = MissionAccess.of(actor, mission_obj).manages_slots
    last = InterviewSlot.objects.filter(mission=mission_obj).order_by("-pk").first()
    form = SlotForm(
        request.POST or None,
        languages=_languages(mission_obj),
        initial={
            "day": max(monday, timezone.now().astimezone(zone).date()),
            "start": "09:00",
            **({"location": last.location} if last else {}),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = dt.datetime.combine(data["day"], data["start"], tzinfo=zone)
        common = {
            "mission": mission_obj,
            "actor": actor,
            "minutes": data["minutes"],
            "location": data["location"],
            "capacity": data["capacity"],
            "languages": data["languages"],
        }
        try:
            if form.is_series:
                length = dt.timedelta(minutes=data["minutes"])
                opened = slot_series_open(
                    first_day=data["day"],
                    last_day=data["repeat_until"] or data["day"],
                    day_starts=data["start"],
                    day_ends=data["day_ends"] or (starts_at + length).timetz().replace(tzinfo=None),
                    **common,
                )
                done = f"{len(opened)} slot{'s' if len(opened) != 1 else ''} opened."
            else:
                slot = slot_create(starts_at=starts_at, **common)
                done = f"Slot opened on {starts_at:%a %d %b %Y at %H:%M} ({slot.location})."
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(_week_url(mission_obj, _monday(data["day"].isoformat(), zone)))
    today = timezone.now().astimezone(zone).date()
    return render_at(
        request,
        mission_obj,
        "workspace/calendar.html",
        {
            "days": mission_week(mission=mission_obj, monday=monday),
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous_week": _week_url(mission_obj, monday - dt.timedelta(days=7)),
            "next_week": _week_url(mission_obj, monday + dt.timedelta(days=7)),
            "this_week": _week_url(mission_obj, _monday(None, zone)),
            "today": today,
            "now": timezone.now(),
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view
def calendar_slot_cancel(request: HttpRequest, mission: str, slot_id: int) -> HttpResponse:
    actor: Actor = request.actor
    mission_obj = mission_for(actor, mission)
    zone = ZoneInfo(mission_obj.timezone)
    back = _week_url(mission_obj, _monday(request.POST.get("week"), zone))
    try:
        slot = slot_cancel(
            slot_id=slot_id,
            mission=mission_obj,
            actor=actor,
            reason=request.POST.get("reason", ""),
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        local = slot.starts_at.astimezone(zone)
        messages.success(request, f"Slot of {local:%a %d %b %H:%M} cancelled.")
    return redirect(back)
