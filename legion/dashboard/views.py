"""The statistics dashboard for HQ and mission staff: filters in, charts and tables out.

Thin: the scope comes from `access`, the figures from `selectors` (which read only
the counter tables), the geometry from `charts`. Nothing here is a name, a reference
or any other personal field.
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from legion.accounts.decorators import require_recent_auth
from legion.audit.services import audit_export
from legion.dashboard import charts
from legion.dashboard.access import StatisticsScope, statistics_scope
from legion.dashboard.forms import DashboardFilterForm
from legion.dashboard.privacy import SMALL_COUNT, Figure, incomplete_note
from legion.dashboard.selectors import Statistics, StatisticsFilter, statistics_read
from legion.dashboard.service_levels import DUE_SOON, OVERDUE, breaches_by_mission
from legion.workspace.access import staff_view

KPI_STATES = ("in_review", "interview_scheduled", "arrived", "rejected", "on_hold")


def _form(request: HttpRequest) -> tuple[DashboardFilterForm | None, HttpResponse | None]:
    scope = statistics_scope(request.actor)
    if scope is None or not scope.missions:
        return None, render(request, "workspace/no_role.html", status=403)
    return DashboardFilterForm(request.GET, scope=scope), None


def _days(value: float | None, *, open_: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:.1f}"
    return _("more than %(days)s") % {"days": text} if open_ else text


def chart_tables(s: Statistics) -> dict[str, tuple[str, list[Figure]]]:
    """Every chart's figures by its id, as the table views and CSV files show them."""
    return {
        "per_day": (_("Applications per day"), s.per_day),
        "per_week": (_("Applications per week"), s.per_week),
        "nationality": (_("Applications by nationality"), s.by_nationality),
        "mission": (_("Applications by mission"), s.by_mission),
        "state": (_("Where the applications are now"), s.by_state),
        "outcomes": (_("Rejections and referrals"), s.outcomes),
        "holds": (_("Holds placed (screening hits)"), s.holds),
        "experience": (_("Service records by kind"), s.experience),
        "specialties": (_("Most frequent specialties"), s.specialties),
        "stages": (_("Stage visits timed"), [d.sample for d in s.stage_durations]),
    }


@require_GET
@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    form, refusal = _form(request)
    if refusal:
        return refusal
    if not form.is_valid():
        return render(request, "dashboard/dashboard.html", {"form": form}, status=400)
    filters = form.statistics_filter()
    s = statistics_read(filters)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "s": s,
        "query": query,
        "exact": filters.threshold < SMALL_COUNT,
        "note": incomplete_note(),
        "total": charts.shown(s.total),
        "kpis": [
            {"label": f.label, "figure": f, "shown": charts.shown(f)}
            for f in s.by_state
            if f.key in KPI_STATES
        ],
        "per_day": charts.column_chart(s.per_day),
        "per_week": charts.column_chart(s.per_week),
        "map": charts.world_map(s.by_nationality),
        "nationality": charts.bar_chart(s.by_nationality[:20]),
        "mission": charts.bar_chart(s.by_mission) if filters.mission_ids is None else None,
        "state": charts.bar_chart(s.by_state),
        "outcomes": charts.bar_chart(s.outcomes, label_width=250),
        "holds": charts.bar_chart(s.holds, label_width=250),
        "experience": charts.bar_chart(s.experience, label_width=250),
        "specialties": charts.bar_chart(s.specialties),
        "stages": [
            {
                "label": d.label,
                "sample": charts.shown(d.sample),
                "median": _days(d.median_days),
                "p90": _days(d.p90_days, open_=d.p90_open),
                "median_value": d.median_days,
                "p90_value": d.p90_days,
            }
            for d in s.stage_durations
        ],
        "stage_chart": _stage_chart(s),
        "tables": chart_tables(s),
        "breaches": breach_rows(form.scope, filters),
    }
    return render(request, "dashboard/dashboard.html", context)


def breach_rows(scope: StatisticsScope, filters: StatisticsFilter) -> list[dict]:
    """Open cases late against their stage's target now, per mission in view. Not
    cells of the statistics tables: a count under five is shown as "<5"."""
    missions = [
        m for m in scope.missions if filters.mission_ids is None or m.pk in filters.mission_ids
    ]
    counts = breaches_by_mission(mission_ids=[m.pk for m in missions])
    exact = filters.threshold < SMALL_COUNT

    def shown(n: int) -> str:
        return str(n) if exact or n == 0 or n >= SMALL_COUNT else f"<{SMALL_COUNT}"

    return [
        {
            "mission": m,
            "overdue": shown(counts[m.pk][OVERDUE]),
            "soon": shown(counts[m.pk][DUE_SOON]),
        }
        for m in missions
    ]


def _stage_chart(s: Statistics) -> dict:
    """Median and 90th percentile per stage as pairs of horizontal bars (days)."""
    rows = s.stage_durations
    top = max((d.p90_days or 0 for d in rows), default=0) or 1
    ticks = charts.nice_ticks(int(top + 0.999))
    width, label_w, row = 520, 190, 26
    plot = width - label_w - 70
    scale = plot / ticks[-1]
    return {
        "width": width,
        "height": row * len(rows) + 20,
        "label_w": label_w,
        "rows": [
            {
                "y": i * row,
                "label": d.label,
                "median_w": round((d.median_days or 0) * scale, 1),
                "p90_w": round((d.p90_days or 0) * scale, 1),
                "text": (
                    f"{_days(d.median_days)} / {_days(d.p90_days, open_=d.p90_open)}"
                    if d.median_days is not None
                    else "—"
                ),
            }
            for i, d in enumerate(rows)
        ],
        "ticks": [{"x": round(label_w + t * scale, 1), "text": str(t)} for t in ticks],
        "axis_y": row * len(rows),
    }


@require_GET
@staff_view
@require_recent_auth
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """One chart's figures as CSV (or all of them): published figures only."""
    form, refusal = _form(request)
    if refusal:
        return refusal
    if not form.is_valid():
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.statistics_filter()
    tables = chart_tables(statistics_read(filters))
    if chart != "all" and chart not in tables:
        raise Http404
    chosen = tables if chart == "all" else {chart: tables[chart]}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="legion-statistics-{chart}-'
        f'{filters.date_from}-{filters.date_to}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["chart", "key", "label", "value", "incomplete"])
    count = 0
    for name, (_title, figures) in chosen.items():
        for figure in figures:
            writer.writerow(
                [name, figure.key, figure.label, figure.value, "yes" if figure.incomplete else ""]
            )
            count += 1
    audit_export(
        actor=request.actor,
        what=f"statistics:{chart}",
        count=count,
        request=request,
        filters={k: v for k, v in request.GET.items()},
    )
    return response
