"""Aggregate statistics for HQ and the typical waiting times applicants are told.

Nothing here returns a personal field: only counts and durations. Small counts are
suppressed (shown as "fewer than SMALL_COUNT"), because a count of one in a small
mission and nationality can identify a person.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Lag, TruncDate
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from legion.cases.localisation import format_number
from legion.cases.models import Case, CaseEvent
from legion.cases.states import CaseState

SMALL_COUNT = 5
# Open states once submitted; drafts are not applications yet.
SUBMITTED_STATES = [s for s in CaseState if s != CaseState.DRAFT]


@dataclass(frozen=True)
class Tally:
    """A count as shown to analysts: exact when large enough, suppressed when small."""

    key: str
    label: str
    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SMALL_COUNT

    @property
    def shown(self) -> str:
        return f"<{SMALL_COUNT}" if self.suppressed else str(self.value)

    @property
    def shown_on_page(self) -> str:
        """`shown` with the page language's separators ("12,345", "12.345"); exports
        keep the plain `shown`."""
        return self.shown if self.suppressed else format_number(self.value)


def _counts(rows, key_field: str, labels: dict[str, str] | None = None) -> list[Tally]:
    labels = labels or {}
    return [
        Tally(
            key=str(r[key_field]), label=labels.get(r[key_field], str(r[key_field])), value=r["n"]
        )
        for r in rows
    ]


def applications(*, mission_id: int | None = None) -> QuerySet[Case]:
    cases = Case.objects.filter(state__in=SUBMITTED_STATES)
    return cases.filter(mission_id=mission_id) if mission_id else cases


def stats_by_state(*, mission_id: int | None = None) -> list[Tally]:
    rows = applications(mission_id=mission_id).values("state").annotate(n=Count("id"))
    found = {r["state"]: r["n"] for r in rows}
    return [
        Tally(key=s.value, label=str(s.label), value=found.get(s.value, 0))
        for s in SUBMITTED_STATES
    ]


def stats_by_mission() -> list[Tally]:
    rows = (
        applications()
        .values("mission__code", "mission__name")
        .annotate(n=Count("id"))
        .order_by("-n", "mission__name")
    )
    return [Tally(key=r["mission__code"], label=r["mission__name"], value=r["n"]) for r in rows]


def stats_by_nationality(*, top: int = 15, mission_id: int | None = None) -> list[Tally]:
    """The most frequent nationalities; the rest summed into one "other" row."""
    from django_countries import countries

    rows = list(
        applications(mission_id=mission_id)
        .values(code=F("applicant__nationality"))
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    )
    head = [
        Tally(key=r["code"] or "--", label=str(countries.name(r["code"])) or "—", value=r["n"])
        for r in rows[:top]
    ]
    rest = sum(r["n"] for r in rows[top:])
    if rest:
        head.append(Tally(key="other", label=gettext("Other nationalities"), value=rest))
    return head


def stats_per_day(*, days: int = 30, mission_id: int | None = None) -> list[Tally]:
    """Applications submitted per day over the last `days` days, gaps filled with 0."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    rows = (
        applications(mission_id=mission_id)
        .filter(submitted_at__date__gte=start)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    found = {r["day"]: r["n"] for r in rows}
    return [
        Tally(key=d.isoformat(), label=d.strftime("%d %b"), value=found.get(d, 0))
        for d in (start + dt.timedelta(days=i) for i in range(days))
    ]


# The steps an applicant waits through, as (from state, to state) of one transition.
WAITING_STEPS = (
    (CaseState.SUBMITTED, CaseState.IN_REVIEW),
    (CaseState.IN_REVIEW, CaseState.INTERVIEW_SCHEDULED),
    (CaseState.INTERVIEW_SCHEDULED, CaseState.INTERVIEWED),
    (CaseState.VISA_PENDING, CaseState.VISA_ISSUED),
    (CaseState.VISA_ISSUED, CaseState.INSTRUCTIONS_ISSUED),
)


@dataclass(frozen=True)
class WaitingTime:
    from_state: str
    to_state: str
    median: dt.timedelta | None
    sample: int  # how many cases the median is computed from


def waiting_times(*, mission_id: int, window_days: int = 180) -> list[WaitingTime]:
    """Median time each step took at this mission, from the case event log.

    Each transition event is paired with the case's previous transition (a window
    function, so one query) and the time between them is the time spent in the
    state the case left. Fewer than SMALL_COUNT samples give no figure: a median of
    two cases is not a "typical" wait.
    """
    since = timezone.now() - dt.timedelta(days=window_days)
    events = (
        CaseEvent.objects.filter(
            case__mission_id=mission_id, kind=CaseEvent.Kind.TRANSITION, created_at__gte=since
        )
        .annotate(
            previous_at=Window(
                Lag("created_at"), partition_by=[F("case_id")], order_by=[F("created_at"), F("id")]
            )
        )
        .values_list("from_state", "to_state", "created_at", "previous_at")
    )
    durations: dict[tuple[str, str], list[float]] = {step: [] for step in WAITING_STEPS}
    for from_state, to_state, at, previous_at in events:
        if previous_at is not None and (from_state, to_state) in durations:
            durations[(from_state, to_state)].append((at - previous_at).total_seconds())
    result = []
    for (from_state, to_state), seconds in durations.items():
        median = (
            dt.timedelta(seconds=statistics.median(seconds))
            if len(seconds) >= SMALL_COUNT
            else None
        )
        result.append(WaitingTime(from_state, to_state, median, len(seconds)))
    return result


def humanise_duration(duration: dt.timedelta) -> str:
    """A waiting time as people say it: "3 days", "5 hours", "under an hour"."""
    hours = duration.total_seconds() / 3600
    if hours < 1:
        return gettext("under an hour")
    if hours < 48:
        n = round(hours)
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    n = round(hours / 24)
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
