"""Reads for workspace pages: the queue with its filters, counts, the calendar week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from legion.cases.models import REFERENCE_ALPHABET, Case, Document
from legion.cases.states import OPEN_STATES, CaseState
from legion.crypto import identity_number_index
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.interviews.selectors import LIVE
from legion.missions.actors import Actor
from legion.missions.models import Mission, Role
from legion.workspace.access import workspace_cases

SORTS = {
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "name": (Lower("applicant__surname"), Lower("applicant__given_name"), "id"),
    "reference": ("reference",),
    "state": ("state", "submitted_at", "id"),
    "interview": ("interview_at", "submitted_at", "id"),
}
SORT_LABELS = {
    "submitted": "Oldest first",
    "-submitted": "Newest first",
    "name": "Name",
    "reference": "Reference",
    "state": "State",
    "interview": "Interview time",
}
ASSIGNED_CHOICES = {"": "Anyone", "me": "Assigned to me", "none": "Unassigned"}
# Queue tabs: "open" gathers every state still moving, "all" adds closed ones.
STATE_TABS = ("open", *(s.value for s in CaseState if s != CaseState.DRAFT), "all")


@dataclass
class QueueFilters:
    q: str = ""
    state: str = "open"
    assigned: str = ""
    nationality: str = ""
    sort: str = "submitted"

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        state = params.get("state", "open")
        assigned = params.get("assigned", "")
        sort = params.get("sort", "submitted")
        return cls(
            q=params.get("q", "").strip()[:100],
            state=state if state in STATE_TABS else "open",
            assigned=assigned if assigned in ASSIGNED_CHOICES else "",
            nationality=params.get("nationality", "").strip().upper()[:2],
            sort=sort if sort in SORTS else "submitted",
        )

    def as_query(self, **changes: str) -> dict[str, str]:
        values = {
            "q": self.q,
            "state": self.state,
            "assigned": self.assigned,
            "nationality": self.nationality,
            "sort": self.sort,
            **changes,
        }
        return {k: v for k, v in values.items() if v}


def _name_matches(word: str) -> Q:
    return (
        Q(applicant__given_name__icontains=word)
        | Q(applicant__surname__icontains=word)
        | Q(applicant__native_name__icontains=word)
    )


def _search(cases: QuerySet[Case], text: str, *, by_passport: bool) -> QuerySet[Case]:
    """Every word in some part of the name, or the start of the reference typed with or
    without "LGN" and dashes, in any case; or (for roles that see passports) the exact
    passport number, through its blind index."""
    condition = Q()
    for word in text.split():
        condition &= _name_matches(word)
    if by_passport and any(c.isdigit() for c in text) and len(text) >= 5:
        condition |= Q(applicant__passport_number_index=identity_number_index(text, "passport"))
    body = text.upper().replace("-", "").replace(" ", "").removeprefix("LGN")
    if 0 < len(body) <= 8 and all(c in REFERENCE_ALPHABET for c in body):
        prefix = f"LGN-{body[:4]}" + (f"-{body[4:]}" if len(body) > 4 else "")
        condition |= Q(reference__startswith=prefix)
    return cases.filter(condition)


def mission_queue(*, actor: Actor, mission: Mission, filters: QueueFilters) -> QuerySet[Case]:
    """The cases of one mission the actor works with, filtered and sorted for the queue."""
    cases = workspace_cases(actor).filter(mission=mission)
    if filters.state == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif filters.state != "all":
        cases = cases.filter(state=filters.state)
    if filters.assigned == "me":
        cases = cases.filter(assigned_to=actor.user)
    elif filters.assigned == "none":
        cases = cases.filter(assigned_to__isnull=True)
    if filters.nationality:
        cases = cases.filter(applicant__nationality=filters.nationality)
    if filters.q:
        sees_passports = any(
            actor.has_role(role, mission.pk) for role in (Role.CONSULAR_OFFICER, Role.CONSUL)
        )
        cases = _search(cases, filters.q, by_passport=sees_passports)
    live = Interview.objects.filter(case=OuterRef("pk"), status__in=LIVE)
    return (
        cases.select_related("applicant", "assigned_to")
        .annotate(
            interview_at=Subquery(live.values("slot__starts_at")[:1]),
            documents_total=Count("documents", distinct=True),
            documents_verified=Count(
                "documents", filter=Q(documents__status=Document.Status.VERIFIED), distinct=True
            ),
            documents_rejected=Count(
                "documents", filter=Q(documents__status=Document.Status.REJECTED), distinct=True
            ),
        )
        .order_by(*SORTS[filters.sort])
    )


def mission_state_counts(*, actor: Actor, mission: Mission) -> dict[str, int]:
    """How many cases of the mission the actor works with are in each state, plus the
    "open" and "all" totals."""
    rows = (
        workspace_cases(actor)
        .filter(mission=mission)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    )
    counts = {row["state"]: row["n"] for row in rows}
    counts["open"] = sum(n for state, n in counts.items() if state in OPEN_STATES)
    counts["all"] = sum(n for state, n in counts.items() if state in CaseState.values)
    return counts


def mission_nationalities(*, actor: Actor, mission: Mission) -> list[str]:
    """Nationality codes present among the mission's cases, for the filter."""
    return sorted(
        code
        for code in workspace_cases(actor)
        .filter(mission=mission)
        .order_by()
        .values_list("applicant__nationality", flat=True)
        .distinct()
        if code
    )


@dataclass
class MissionSummary:
    mission: Mission
    roles: list[str]
    counts: dict[str, int]
    assigned_to_me: int
    unassigned_new: int
    awaiting_my_assessment: int | None  # None: the user signs no assessments here
    interviews_next_7_days: int
    labels: list[tuple[str, str, int]] = field(default_factory=list)


def mission_summaries(*, actor: Actor, missions: list[Mission]) -> list[MissionSummary]:
    """What the home page shows per mission: roles held and the work waiting."""
    summaries = []
    for mission in missions:
        roles = sorted(actor.roles_at(mission.pk))
        counts = mission_state_counts(actor=actor, mission=mission)
        cases = workspace_cases(actor).filter(mission=mission)
        kinds = []
        if Role.DEFENCE_ATTACHE in roles:
            kinds.append(Assessment.Kind.MILITARY)
        if Role.CONSUL in roles:
            kinds.append(Assessment.Kind.CONSULAR)
        awaiting = 0
        for kind in kinds:
            signed = Assessment.objects.filter(
                interview__case=OuterRef("pk"), interview__status__in=LIVE, kind=kind
            )
            awaiting += (
                cases.filter(state=CaseState.INTERVIEW_SCHEDULED).exclude(Exists(signed)).count()
            )
        soon = Interview.objects.filter(
            case__in=cases,
            status=Interview.Status.BOOKED,
            slot__starts_at__gte=_now(),
            slot__starts_at__lt=_now() + dt.timedelta(days=7),
        ).count()
        summary = MissionSummary(
            mission=mission,
            roles=[str(Role(r).label) for r in roles],
            counts=counts,
            assigned_to_me=cases.filter(assigned_to=actor.user, state__in=OPEN_STATES).count(),
            unassigned_new=cases.filter(
                state__in=(CaseState.SUBMITTED, CaseState.IN_REVIEW), assigned_to__isnull=True
            ).count(),
            awaiting_my_assessment=awaiting if kinds else None,
            interviews_next_7_days=soon,
        )
        summary.labels = [
            (state.value, str(state.label), counts.get(state.value, 0))
            for state in CaseState
            if state != CaseState.DRAFT and counts.get(state.value)
        ]
        summaries.append(summary)
    return summaries


def _now() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


@dataclass
class CalendarDay:
    day: dt.date
    slots: list[InterviewSlot]


def mission_week(*, mission: Mission, monday: dt.date) -> list[CalendarDay]:
    """The seven days from `monday` in the mission's time zone, with their slots and the
    live bookings of each slot (cancelled slots included, marked as such)."""
    zone = ZoneInfo(mission.timezone)
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=7)
    slots = (
        InterviewSlot.objects.filter(mission=mission, starts_at__gte=start, starts_at__lt=end)
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=Interview.objects.filter(status__in=LIVE)
                .select_related("case__applicant")
                .order_by("booked_at"),
                to_attr="live_interviews",
            )
        )
        .order_by("starts_at")
    )
    days = [CalendarDay(monday + dt.timedelta(days=i), []) for i in range(7)]
    for slot in slots:
        local = slot.starts_at.astimezone(zone).date()
        days[(local - monday).days].slots.append(slot)
    return days
