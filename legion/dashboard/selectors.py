"""The one read of the statistics: filters in, published figures out.

Every query reads the counter tables (`legion.dashboard.models`), never the cases,
and every figure is a sum of whole cells of at least `threshold` people (see
`legion.dashboard.privacy`). A dashboard is about ten indexed aggregate queries
over the cells of the date range, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from legion.cases.models import ServiceRecord
from legion.cases.states import OPEN_STATES, CaseState
from legion.cldr import country_name
from legion.dashboard.figures import STAGE_BUCKET_HOURS
from legion.dashboard.models import CaseCount, HoldCount, ServiceCount, StageTime
from legion.dashboard.privacy import Figure, figures_total
from legion.missions.models import Mission

# The way forward, in order (drafts are not applications); then the ways out.
PIPELINE = (*(s for s in OPEN_STATES if s != CaseState.DRAFT), CaseState.ARRIVED)
EXITS = (CaseState.ON_HOLD, CaseState.WITHDRAWN, CaseState.REJECTED, CaseState.REFERRED)
# Stages whose duration is worth a target: the applicant waits for the mission.
TIMED_STAGES = (*(s for s in OPEN_STATES if s != CaseState.DRAFT), CaseState.ON_HOLD)


def outcome_labels() -> dict[str, str]:
    return {
        "reject": _("Rejected at review"),
        "reject_after_interview": _("Rejected after the interview"),
        "refuse_visa": _("Visa refused"),
        "reject_on_security_grounds": _("Rejected on security grounds"),
        "refer": _("Referred to humanitarian or non-combat channels"),
    }


def hold_labels() -> dict[str, str]:
    return {
        "screening": _("Watch-list screening at submission"),
        "security": _("Placed by HQ security"),
    }


@dataclass(frozen=True)
class StatisticsFilter:
    """What the figures are about: applications submitted in [date_from, date_to]
    (UTC days) at these missions (None: every mission), of one nationality or all."""

    date_from: dt.date
    date_to: dt.date
    mission_ids: tuple[int, ...] | None = None
    nationality: str = ""
    threshold: int = 5  # smallest cell that goes into a sum (privacy.SMALL_COUNT or EXACT)

    def cells(self, model: type) -> QuerySet:
        cells = model.objects.filter(submitted_on__range=(self.date_from, self.date_to))
        if self.mission_ids is not None:
            cells = cells.filter(mission_id__in=self.mission_ids)
        if self.nationality:
            cells = cells.filter(nationality=self.nationality)
        return cells


def _published(cells: QuerySet, dimension: str, threshold: int) -> dict[object, Figure]:
    """Per value of `dimension`: the sum of large cells and whether small ones exist."""
    rows = cells.values(dimension).annotate(
        value=Coalesce(Sum("n", filter=Q(n__gte=threshold)), 0),
        small=Count("pk", filter=Q(n__gt=0, n__lt=threshold)),
    )
    return {
        r[dimension]: Figure(str(r[dimension]), str(r[dimension]), r["value"], r["small"] > 0)
        for r in rows
        if r["value"] or r["small"]
    }


@dataclass(frozen=True)
class StageDuration:
    stage: str
    label: str
    sample: Figure  # stage visits the percentiles are computed from
    median_days: float | None
    p90_days: float | None
    p90_open: bool = False  # the 90th percentile is beyond the last bucket


@dataclass
class Statistics:
    filters: StatisticsFilter
    per_day: list[Figure]
    per_week: list[Figure]
    by_nationality: list[Figure]
    by_mission: list[Figure]
    by_state: list[Figure]
    outcomes: list[Figure]
    holds: list[Figure]
    experience: list[Figure]
    specialties: list[Figure]
    stage_durations: list[StageDuration]
    total: Figure = field(default_factory=lambda: Figure("total", "", 0))


def _days(filters: StatisticsFilter) -> list[dt.date]:
    span = (filters.date_to - filters.date_from).days
    return [filters.date_from + dt.timedelta(days=i) for i in range(span + 1)]


def per_day(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(CaseCount), "submitted_on", filters.threshold)
    return [
        found.get(day, Figure(day.isoformat(), "", 0)).with_label(day.isoformat())
        for day in _days(filters)
    ]


def per_week(days: list[Figure]) -> list[Figure]:
    """Days summed into ISO weeks (Monday first); a week cut by the range starts later."""
    weeks: dict[tuple[int, int], list[Figure]] = {}
    for day in days:
        iso = dt.date.fromisoformat(day.key).isocalendar()
        weeks.setdefault((iso.year, iso.week), []).append(day)
    return [
        figures_total(members, key=members[0].key, label=members[0].key)
        for members in weeks.values()
    ]


def by_nationality(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(CaseCount), "nationality", filters.threshold)
    figures = [
        f.with_label(country_name(code) if code else _("Not stated")) for code, f in found.items()
    ]
    return sorted(figures, key=lambda f: (-f.value, f.label))


def by_mission(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(CaseCount), "mission_id", filters.threshold)
    names = dict(Mission.objects.filter(pk__in=list(found)).values_list("pk", "name"))
    codes = dict(Mission.objects.filter(pk__in=list(found)).values_list("pk", "code"))
    figures = [
        Figure(codes.get(pk, str(pk)), names.get(pk, str(pk)), f.value, f.incomplete)
        for pk, f in found.items()
    ]
    return sorted(figures, key=lambda f: (-f.value, f.label))


def by_state(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(CaseCount), "state", filters.threshold)
    return [
        found.get(state.value, Figure(state.value, "", 0)).with_label(str(state.label))
        for state in (*PIPELINE, *EXITS)
    ]


def outcomes(filters: StatisticsFilter) -> list[Figure]:
    cells = filters.cells(CaseCount).filter(state__in=[CaseState.REJECTED, CaseState.REFERRED])
    found = _published(cells, "outcome", filters.threshold)
    labels = outcome_labels()
    return [
        found.get(key, Figure(key, "", 0)).with_label(label)
        for key, label in labels.items()
        if key in found or key != ""
    ]


def holds(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(HoldCount), "source", filters.threshold)
    return [
        found.get(key, Figure(key, "", 0)).with_label(label) for key, label in hold_labels().items()
    ]


def experience(filters: StatisticsFilter) -> list[Figure]:
    found = _published(filters.cells(ServiceCount), "kind", filters.threshold)
    return [
        found.get(kind.value, Figure(kind.value, "", 0)).with_label(str(kind.label))
        for kind in ServiceRecord.Kind
    ]


def specialties(filters: StatisticsFilter, *, top: int = 10) -> list[Figure]:
    cells = filters.cells(ServiceCount).exclude(specialty="")
    found = _published(cells, "specialty", filters.threshold)
    figures = sorted(found.values(), key=lambda f: (-f.value, f.label))
    return [f for f in figures if f.value][:top]


def _percentile(histogram: list[int], q: float) -> tuple[float | None, bool]:
    """The q-quantile in days from bucket counts, linear within a bucket; (value, open)
    where open means it lies in the last, unbounded bucket (value is its lower bound)."""
    total = sum(histogram)
    if not total:
        return None, False
    rank = q * total
    seen = 0
    bounds = (0, *STAGE_BUCKET_HOURS)
    for i, count in enumerate(histogram):
        if count and seen + count >= rank:
            if i >= len(STAGE_BUCKET_HOURS):
                return bounds[-1] / 24, True
            low, high = bounds[i], bounds[i + 1]
            return (low + (high - low) * (rank - seen) / count) / 24, False
        seen += count
    return bounds[-1] / 24, True


def stage_durations(filters: StatisticsFilter) -> list[StageDuration]:
    """Median and 90th percentile of the time spent in each stage.

    A cell here is the stage visits of one day, mission, nationality and stage (all
    its duration buckets together): only cells of at least `threshold` visits go into
    the histogram, so neither the percentiles nor the sample sizes rest on a small group.
    """
    quote = connection.ops.quote_name
    table = quote(StageTime._meta.db_table)
    where = ["submitted_on BETWEEN %s AND %s"]
    params: list[object] = [
        connection.ops.adapt_datefield_value(filters.date_from),
        connection.ops.adapt_datefield_value(filters.date_to),
    ]
    if filters.mission_ids is not None:
        if not filters.mission_ids:
            return []
        where.append(f"mission_id IN ({', '.join(['%s'] * len(filters.mission_ids))})")
        params.extend(filters.mission_ids)
    if filters.nationality:
        where.append("nationality = %s")
        params.append(filters.nationality)
    condition = " AND ".join(where)
    sql = (
        f"SELECT s.stage, s.bucket, SUM(s.n) FROM {table} s JOIN ("  # noqa: S608
        f"  SELECT submitted_on, mission_id, nationality, stage FROM {table}"
        f"  WHERE {condition} GROUP BY submitted_on, mission_id, nationality, stage"
        f"  HAVING SUM(n) >= %s"
        f") large USING (submitted_on, mission_id, nationality, stage) "
        f"WHERE {condition.replace('submitted_on', 's.submitted_on')} "
        f"GROUP BY s.stage, s.bucket"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, filters.threshold, *params])
        rows = cursor.fetchall()
    histograms: dict[str, list[int]] = {}
    for stage, bucket, n in rows:
        histograms.setdefault(stage, [0] * (len(STAGE_BUCKET_HOURS) + 1))[bucket] += int(n)
    # Whether some cells were left out: a cheap second look at the same cells.
    small = set(
        filters.cells(StageTime)
        .values("submitted_on", "mission_id", "nationality", "stage")
        .annotate(total=Sum("n"))
        .filter(total__gt=0, total__lt=filters.threshold)
        .values_list("stage", flat=True)
        .distinct()
    )
    result = []
    for stage in TIMED_STAGES:
        histogram = histograms.get(stage.value, [])
        median, _open = _percentile(histogram, 0.5)
        p90, p90_open = _percentile(histogram, 0.9)
        result.append(
            StageDuration(
                stage=stage.value,
                label=str(stage.label),
                sample=Figure(stage.value, str(stage.label), sum(histogram), stage in small),
                median_days=median,
                p90_days=p90,
                p90_open=p90_open,
            )
        )
    return result


def statistics_read(filters: StatisticsFilter) -> Statistics:
    """Everything the dashboard shows for these filters."""
    days = per_day(filters)
    states = by_state(filters)
    return Statistics(
        filters=filters,
        per_day=days,
        per_week=per_week(days),
        by_nationality=by_nationality(filters),
        by_mission=by_mission(filters),
        by_state=states,
        outcomes=outcomes(filters),
        holds=holds(filters),
        experience=experience(filters),
        specialties=specialties(filters),
        stage_durations=stage_durations(filters),
        total=figures_total(states, label=_("Applications")),
    )
