"""Counting cases without scanning a mission: exact while that is cheap, else an estimate.

An exact COUNT over the 300,000 cases of a busy mission reads every one of them; a page
that shows "about 310,000 cases" needs none of them. `count_or_estimate` counts up to a
bound exactly and beyond it asks PostgreSQL's planner, which knows the table from its
statistics (extended statistics on mission and state keep those per-mission figures
close: see migration cases 0004). An estimate is an `Estimate`, an int that says it is
one, so pages can write "about" in front of it. SQLite (small embedded installations)
always counts exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, QuerySet
from django.utils.functional import cached_property

# Up to this many rows a count is exact: reading them costs about a millisecond.
EXACT_UP_TO = 1000
# The queue's state tabs: exact when the whole scope has at most this many cases.
EXACT_STATES_UP_TO = 5000


class Estimate(int):
    """A count from the planner's statistics, not from reading the rows."""

    is_estimate = True

    def __new__(cls, value: int) -> Estimate:
        return super().__new__(cls, _round(value))

    def __str__(self) -> str:
        return f"{int(self):,}"

    def __repr__(self) -> str:
        return f"Estimate({int(self)})"


def _round(value: int) -> int:
    """Two significant figures: 123,456 -> 120,000 (an estimate claims no more)."""
    value = max(0, int(value))
    if value < 100:
        return value
    scale = 10 ** (len(str(value)) - 2)
    return round(value / scale) * scale


def _plan_rows(queryset: QuerySet) -> list[float]:
    """The planner's row estimate of the query, and of each branch of a UNION ALL."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    top: dict[str, Any] = plan[0]["Plan"]
    if top.get("Node Type") == "Append":
        return [child["Plan Rows"] for child in top["Plans"]]
    return [top["Plan Rows"]]


def count_or_estimate(queryset: QuerySet, *, exact_up_to: int | None = None) -> int:
    """How many rows the queryset has: exact up to `exact_up_to` (EXACT_UP_TO), else an
    Estimate (never below what was counted)."""
    exact_up_to = EXACT_UP_TO if exact_up_to is None else exact_up_to
    queryset = queryset.order_by()
    if connections[queryset.db].vendor != "postgresql":
        return queryset.count()
    counted = queryset.values("pk")[: exact_up_to + 1].count()
    if counted <= exact_up_to:
        return counted
    return Estimate(max(_plan_rows(queryset.values("pk"))[0], counted))


def counts_by_state(
    queryset: QuerySet, *, states: list[str], exact_up_to: int | None = None
) -> dict[str, int]:
    """Rows per state: all exact when the queryset has at most `exact_up_to`
    (EXACT_STATES_UP_TO) rows; else one planner estimate per state (a single EXPLAIN),
    with the states estimated below EXACT_UP_TO counted exactly (one grouped count over
    those few rows)."""
    exact_up_to = EXACT_STATES_UP_TO if exact_up_to is None else exact_up_to
    queryset = queryset.order_by()
    if connections[queryset.db].vendor != "postgresql":
        return _exact(queryset)
    sample = list(queryset.values_list("state", flat=True)[: exact_up_to + 1])
    if len(sample) <= exact_up_to:
        return dict(Counter(sample))
    parts = [queryset.filter(state=state).values("pk") for state in states]
    estimates = dict(
        zip(states, _plan_rows(parts[0].union(*parts[1:], all=True).order_by()), strict=True)
    )
    small = [state for state, rows in estimates.items() if rows < EXACT_UP_TO]
    counts: dict[str, int] = {
        state: Estimate(rows) for state, rows in estimates.items() if state not in small
    }
    if small:
        counts.update(_exact(queryset.filter(state__in=small)))
    return {state: n for state, n in counts.items() if n}


def _exact(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.values("state").annotate(n=Count("pk")).values_list("state", "n")
    return dict(rows)


def total(counts: list[int]) -> int:
    """The sum of counts, an Estimate when any of them is one."""
    value = sum(int(n) for n in counts)
    return Estimate(value) if any(isinstance(n, Estimate) for n in counts) else value


class EstimatingPaginator(Paginator):
    """Django's paginator with count_or_estimate as its count: a page of a huge queue
    costs the page, not a COUNT over the mission. With an estimate every page number
    is accepted (the estimate may be a little low); a page past the end is empty."""

    def __init__(self, *args: Any, exact_up_to: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exact_up_to = exact_up_to

    @cached_property
    def count(self) -> int:
        return count_or_estimate(self.object_list, exact_up_to=self.exact_up_to)

    @property
    def is_estimate(self) -> bool:
        return isinstance(self.count, Estimate)

    def validate_number(self, number: Any) -> int:
        if not self.is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
