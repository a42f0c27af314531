"""The statistics dashboard: aggregates for HQ (all missions) and for mission staff
(their own missions). Never a name, a reference or any other personal field."""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from legion.accounts.decorators import require_recent_auth
from legion.audit.services import audit_export
from legion.cases.policy import StaffAccess, missions_for
from legion.cases.states import CaseState
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.reports import services
from legion.workspace.access import staff_view


def missions_in_view(actor: Actor) -> list[Mission]:
    """HQ sees every mission's figures; mission staff only their own missions' (the
    access policy says which)."""
    if StaffAccess.of(actor).sees_all_statistics:
        return list(Mission.objects.filter(is_active=True).order_by("name"))
    return missions_for(actor)


def _selected(request: HttpRequest) -> tuple[list[Mission], Mission | None, bool]:
    """The missions the user may see, the one chosen (or none = all), and whether
    "all missions" is allowed for this user."""
    actor = request.actor
    missions = missions_in_view(actor)
    is_hq = StaffAccess.of(actor).sees_all_statistics
    chosen = next((m for m in missions if m.code == request.GET.get("mission")), None)
    if chosen is None and not is_hq and missions:
        chosen = missions[0]
    return missions, chosen, is_hq


def _bars(tallies: list[services.Tally]) -> list[dict]:
    """Tallies with a bar length in percent of the largest (suppressed ones drawn small)."""
    top = max((t.value for t in tallies), default=0) or 1
    return [
        {"tally": t, "percent": 2 if t.suppressed else round(100 * t.value / top, 1)}
        for t in tallies
    ]


def _columns(tallies: list[services.Tally], *, height: int = 60, width: int = 10) -> list[dict]:
    """Geometry of a column chart drawn as SVG rects (no inline style: CSP forbids it)."""
    top = max((t.value for t in tallies), default=0) or 1
    columns = []
    for i, t in enumerate(tallies):
        h = round(height * t.value / top, 1) if not t.suppressed else 2
        columns.append({"tally": t, "x": i * width, "y": height - h, "height": h})
    return columns


def _waits(mission: Mission) -> list[dict]:
    return [
        {
            "step": f"{CaseState(w.from_state).label} → {CaseState(w.to_state).label}",
            "median": services.humanise_duration(w.median) if w.median else "",
            "sample": w.sample,
        }
        for w in services.waiting_times(mission_id=mission.pk)
    ]


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    missions, chosen, is_hq = _selected(request)
    if not missions:
        return render(request, "workspace/no_role.html", status=403)
    mission_id = chosen.pk if chosen else None
    per_day = services.stats_per_day(days=30, mission_id=mission_id)
    return render(
        request,
        "reports/dashboard.html",
        {
            "missions": missions,
            "chosen": chosen,
            "all_allowed": is_hq,
            "total": services.applications(mission_id=mission_id).count(),
            "last_7_days": sum(t.value for t in per_day[-7:]),
            "per_day": _columns(per_day),
            "by_state": _bars(services.stats_by_state(mission_id=mission_id)),
            "by_mission": _bars(services.stats_by_mission()) if chosen is None else [],
            "by_nationality": _bars(services.stats_by_nationality(mission_id=mission_id)),
            "waits": _waits(chosen) if chosen else [],
            "small_count": services.SMALL_COUNT,
        },
    )


@staff_view
@require_recent_auth
def export_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as CSV (aggregates only, small counts suppressed)."""
    missions, chosen, _ = _selected(request)
    if not missions:
        return render(request, "workspace/no_role.html", status=403)
    mission_id = chosen.pk if chosen else None
    sections = [
        ("state", services.stats_by_state(mission_id=mission_id)),
        ("nationality", services.stats_by_nationality(top=60, mission_id=mission_id)),
        ("day", services.stats_per_day(days=90, mission_id=mission_id)),
    ]
    if chosen is None:
        sections.insert(1, ("mission", services.stats_by_mission()))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"legion-statistics-{chosen.code if chosen else 'all'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["dimension", "key", "label", "applications"])
    rows = 0
    for dimension, tallies in sections:
        for t in tallies:
            writer.writerow([dimension, t.key, t.label, t.shown])
            rows += 1
    audit_export(
        actor=request.actor,
        what="statistics",
        count=rows,
        request=request,
        filters={"mission": chosen.code if chosen else "all"},
    )
    return response
