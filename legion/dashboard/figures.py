"""Keeping the statistics tables in step with the cases.

What a case contributes to the statistics is a pure function of its rows (the case,
its transition events, its service records): `contribution_of`. The reaction on the
case-event fan-out point computes the case's contribution again after each event and
moves the difference to the counters, in the event's transaction; the full recount
sums the same function over every case. So the two agree by construction, and the
test (`test_figures.py`) checks that they do after random transitions.

Counters change with `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`
(SQLite and PostgreSQL), one statement per table, cells in a fixed order, so two
transactions never wait for each other's rows in opposite orders and no increment
is lost to a read-modify-write race.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.db import connection, transaction

from legion.cases.models import Case, CaseEvent, ServiceRecord
from legion.cases.states import CaseState
from legion.dashboard.models import CaseCount, CaseFigures, HoldCount, ServiceCount, StageTime

# Upper bounds (in hours) of the stage-duration buckets; one more bucket for longer.
STAGE_BUCKET_HOURS = (1, 6, 12, 24, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1080, 1440, 2160)
DECIDED_STATES = (CaseState.REJECTED, CaseState.REFERRED)
HOLD_BY_SCREENING = "screening"
HOLD_BY_SECURITY = "security"

# Table tag -> (model, key fields after submitted_on, mission, nationality).
TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "case": (CaseCount, ("state", "outcome")),
    "hold": (HoldCount, ("source",)),
    "service": (ServiceCount, ("kind", "specialty")),
    "stage": (StageTime, ("stage", "bucket")),
}
BASE_FIELDS = ("submitted_on", "mission", "nationality")

Cell = tuple[Any, ...]  # (tag, submitted_on, mission_id, nationality, *key)


def stage_bucket(duration: dt.timedelta) -> int:
    """The histogram bucket of a stage duration."""
    hours = duration.total_seconds() / 3600
    for i, bound in enumerate(STAGE_BUCKET_HOURS):
        if hours < bound:
            return i
    return len(STAGE_BUCKET_HOURS)


def specialty_group(specialty: str) -> str:
    """Free-text specialties grouped by spelling: "combat  MEDIC" and "Combat medic"."""
    return " ".join(specialty.split())[:60].capitalize()


@dataclass(frozen=True)
class Contribution:
    """What one submitted case adds to each statistics table."""

    mission_id: int
    nationality: str
    submitted_on: dt.date
    state: str
    outcome: str
    stage_entered_at: dt.datetime
    stage_times: tuple[tuple[str, int], ...] = ()
    holds: tuple[str, ...] = ()
    services: tuple[tuple[str, str], ...] = field(default=())

    def cells(self) -> Counter[Cell]:
        base = (self.submitted_on, self.mission_id, self.nationality)
        cells: Counter[Cell] = Counter()
        cells[("case", *base, self.state, self.outcome)] += 1
        for stage, bucket in self.stage_times:
            cells[("stage", *base, stage, bucket)] += 1
        for source in self.holds:
            cells[("hold", *base, source)] += 1
        for kind, specialty in self.services:
            cells[("service", *base, kind, specialty)] += 1
        return cells

    @classmethod
    def of_figures(cls, figures: CaseFigures) -> Contribution:
        return cls(
            mission_id=figures.mission_id,
            nationality=figures.nationality,
            submitted_on=figures.submitted_on,
            state=figures.state,
            outcome=figures.outcome,
            stage_entered_at=figures.stage_entered_at,
            stage_times=tuple((s, int(b)) for s, b in figures.stage_times),
            holds=tuple(figures.holds),
            services=tuple((k, s) for k, s in figures.services),
        )

    def figures_values(self) -> dict[str, Any]:
        return {
            "mission_id": self.mission_id,
            "nationality": self.nationality,
            "submitted_on": self.submitted_on,
            "state": self.state,
            "outcome": self.outcome,
            "stage_entered_at": self.stage_entered_at,
            "stage_times": [list(t) for t in self.stage_times],
            "holds": list(self.holds),
            "services": [list(s) for s in self.services],
        }


# (action, from_state, to_state, created_at, actor_id, actor_label) of a transition event.
EventRow = tuple[str, str, str, dt.datetime, int | None, str]
CASE_FIELDS = ("pk", "mission_id", "state", "submitted_at", "applicant__nationality")
EVENT_FIELDS = ("action", "from_state", "to_state", "created_at", "actor_id", "actor_label")


def contribution_of(
    case: dict[str, Any], events: list[EventRow], services: Iterable[tuple[str, str]]
) -> Contribution | None:
    """A case's contribution from its rows (events in time order); None for drafts."""
    submitted_at = case["submitted_at"]
    if submitted_at is None or case["state"] == CaseState.DRAFT:
        return None
    stage_times = []
    holds = []
    outcome = ""
    entered = submitted_at
    previous: EventRow | None = None
    for event in events:
        action, from_state, to_state, at, actor_id, actor_label = event
        if previous is not None and from_state and from_state != CaseState.DRAFT:
            stage_times.append((from_state, stage_bucket(at - previous[3])))
        if to_state == CaseState.ON_HOLD:
            system = actor_id is None and actor_label == "system"
            holds.append(HOLD_BY_SCREENING if system else HOLD_BY_SECURITY)
        if to_state == case["state"]:
            outcome = action if to_state in DECIDED_STATES else ""
        entered = at
        previous = event
    return Contribution(
        mission_id=case["mission_id"],
        nationality=case["applicant__nationality"] or "",
        submitted_on=submitted_at.astimezone(dt.UTC).date(),
        state=case["state"],
        outcome=outcome,
        stage_entered_at=entered,
        stage_times=tuple(stage_times),
        holds=tuple(holds),
        services=tuple(sorted((kind, specialty_group(s)) for kind, s in services)),
    )


def case_contribution(case_id: int) -> Contribution | None:
    """The contribution of one case as its rows are now (three indexed reads)."""
    row = Case.objects.filter(pk=case_id).values(*CASE_FIELDS).first()
    if row is None:
        return None
    events = list(
        CaseEvent.objects.filter(case_id=case_id, kind=CaseEvent.Kind.TRANSITION)
        .order_by("created_at", "id")
        .values_list(*EVENT_FIELDS)
    )
    services = ServiceRecord.objects.filter(case_id=case_id).values_list("kind", "specialty")
    return contribution_of(row, events, services)


def _delta(old: Contribution | None, new: Contribution | None) -> Counter[Cell]:
    delta: Counter[Cell] = new.cells() if new else Counter()
    if old:
        delta.subtract(old.cells())
    return Counter({cell: n for cell, n in delta.items() if n})


def counters_add(delta: Counter[Cell]) -> None:
    """Add the (possibly negative) changes to the counters: one upsert per table, the
    cells sorted so that concurrent transactions lock shared rows in the same order."""
    quote = connection.ops.quote_name
    by_table: dict[str, list[tuple[Cell, int]]] = defaultdict(list)
    for cell in sorted(delta, key=repr):
        by_table[cell[0]].append((cell[1:], delta[cell]))
    with connection.cursor() as cursor:
        for tag in sorted(by_table):
            model, key_fields = TABLES[tag]
            opts = model._meta
            key = [opts.get_field(f).column for f in (*BASE_FIELDS, *key_fields)]
            columns = [*key, "n"]
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            params: list[Any] = []
            for values, n in by_table[tag]:
                day, *rest = values
                params.extend([connection.ops.adapt_datefield_value(day), *rest, n])
            table = quote(opts.db_table)
            # Only quoted names from the models go into the text; values are parameters.
            sql = (
                f"INSERT INTO {table} ({', '.join(map(quote, columns))}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(by_table[tag]))} "
                f"ON CONFLICT ({', '.join(map(quote, key))}) "
                f"DO UPDATE SET {quote('n')} = {table}.{quote('n')} + EXCLUDED.{quote('n')}"
            )
            cursor.execute(sql, params)


def case_figures_follow(*, case: Case, event: CaseEvent) -> None:
    """Reaction to every case event: move the case's counts to where it now belongs.

    Runs inside the transaction that records the event, on a case its service has
    locked, so two events of one case never interleave here.
    """
    new = case_contribution(case.pk)
    figures = CaseFigures.objects.filter(pk=case.pk).first()
    old = Contribution.of_figures(figures) if figures else None
    if new == old:
        return
    counters_add(_delta(old, new))
    if new is None:
        CaseFigures.objects.filter(pk=case.pk).delete()
    elif figures is None:
        CaseFigures.objects.create(case_id=case.pk, **new.figures_values())
    else:
        CaseFigures.objects.filter(pk=case.pk).update(**new.figures_values())


# --- The full recount -------------------------------------------------------------


def _by_case(rows: Iterator[tuple], position: int = 0) -> Iterator[tuple[int, list[tuple]]]:
    for case_id, group in groupby(rows, key=lambda r: r[position]):
        yield case_id, list(group)


def contributions_recount(*, chunk: int = 5000) -> Iterator[tuple[int, Contribution]]:
    """Every submitted case's contribution from its rows: three ordered scans merged
    by case id, so memory stays at one case whatever the number of cases."""
    cases = (
        Case.objects.exclude(submitted_at=None)
        .exclude(state=CaseState.DRAFT)
        .order_by("pk")
        .values(*CASE_FIELDS)
        .iterator(chunk_size=chunk)
    )
    events = _by_case(
        CaseEvent.objects.filter(kind=CaseEvent.Kind.TRANSITION)
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", *EVENT_FIELDS)
        .iterator(chunk_size=chunk)
    )
    services = _by_case(
        ServiceRecord.objects.order_by("case_id", "id")
        .values_list("case_id", "kind", "specialty")
        .iterator(chunk_size=chunk)
    )
    next_events = next(events, None)
    next_services = next(services, None)
    for case in cases:
        case_events: list[EventRow] = []
        case_services: list[tuple[str, str]] = []
        while next_events is not None and next_events[0] <= case["pk"]:
            if next_events[0] == case["pk"]:
                case_events = [r[1:] for r in next_events[1]]
            next_events = next(events, None)
        while next_services is not None and next_services[0] <= case["pk"]:
            if next_services[0] == case["pk"]:
                case_services = [r[1:] for r in next_services[1]]
            next_services = next(services, None)
        contribution = contribution_of(case, case_events, case_services)
        if contribution is not None:
            yield case["pk"], contribution


def counters_recount() -> Counter[Cell]:
    """The counters as a full recount gives them (for checks and the rebuild)."""
    total: Counter[Cell] = Counter()
    for _case_id, contribution in contributions_recount():
        total.update(contribution.cells())
    return total


def counters_stored() -> Counter[Cell]:
    """The counters as the tables hold them (zero rows left out)."""
    stored: Counter[Cell] = Counter()
    for tag, (model, key_fields) in TABLES.items():
        fields = ("submitted_on", "mission_id", "nationality", *key_fields, "n")
        for *key, n in model.objects.exclude(n=0).values_list(*fields).iterator():
            stored[(tag, *key)] = n
    return stored


@dataclass(frozen=True)
class RecountResult:
    cells: int
    differences: dict[Cell, tuple[int, int]]  # cell -> (stored, recounted)


def figures_check() -> RecountResult:
    """Compare the stored counters with a full recount, without changing anything."""
    recounted = counters_recount()
    stored = counters_stored()
    differences = {
        cell: (stored.get(cell, 0), recounted.get(cell, 0))
        for cell in set(recounted) | set(stored)
        if stored.get(cell, 0) != recounted.get(cell, 0)
    }
    return RecountResult(cells=len(recounted), differences=differences)


def figures_rebuild(*, batch: int = 5000) -> RecountResult:
    """Replace every counter and per-case figure by a full recount.

    For data loaded around the case services (bulk demo data, restores) or a repair.
    On PostgreSQL the counter tables are locked against writes for the duration, so a
    case event arriving meanwhile waits and then applies its change on top of the
    recount; the case rows it changed were not yet visible to the recount.
    """
    with transaction.atomic():
        models_ = [CaseFigures, *(model for model, _ in TABLES.values())]
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        for model in models_:
            model.objects.all().delete()
        total: Counter[Cell] = Counter()
        pending: list[CaseFigures] = []
        for case_id, contribution in contributions_recount():
            total.update(contribution.cells())
            pending.append(CaseFigures(case_id=case_id, **contribution.figures_values()))
            if len(pending) >= batch:
                CaseFigures.objects.bulk_create(pending)
                pending = []
        CaseFigures.objects.bulk_create(pending)
        for tag, (model, key_fields) in TABLES.items():
            rows = [
                model(
                    submitted_on=cell[1],
                    mission_id=cell[2],
                    nationality=cell[3],
                    n=n,
                    **dict(zip(key_fields, cell[4:], strict=True)),
                )
                for cell, n in total.items()
                if cell[0] == tag
            ]
            model.objects.bulk_create(rows, batch_size=batch)
    return RecountResult(cells=len(total), differences={})
