"""Reads for workspace pages: the queue with its filters, counts, the calendar week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from legion.cases.counts import EstimatingPaginator, counts_by_state, total
from legion.cases.models import REFERENCE_ALPHABET, Case, Document
from legion.cases.paging import KeysetOrder, KeysetPage, keyset_page
from legion.cases.policy import MissionAccess, cases_for
from legion.cases.states import OPEN_STATES, CaseState
from legion.conversation.selectors import conversation_case_ids
from legion.crypto import identity_number_index
from legion.dashboard.service_levels import DUE_CHOICES, case_service_levels, due_cases
from legion.identity.normalise import name_forms
from legion.interviews.models import Assessment, Interview, InterviewSlot
from legion.interviews.selectors import LIVE
from legion.missions.actors import Actor
from legion.missions.models import Mission

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
# Sorts whose pages link to each other by keyset cursors (legion.cases.paging): the
# default ones, read through the index case_mission_submitted at any depth.
KEYSET_SORTS = {
    "submitted": KeysetOrder("submitted_at"),
    "-submitted": KeysetOrder("submitted_at", descending=True),
}
ASSIGNED_CHOICES = {"": "Anyone", "me": "Assigned to me", "none": "Unassigned"}
CONVERSATION_CHOICES = {
    "": "Any",
    "waiting": "Waiting for the applicant",
    "replied": "Applicant replied",
}
# Queue tabs: "open" gathers every state still moving, "all" adds closed ones.
STATE_TABS = ("open", *(s.value for s in CaseState if s != CaseState.DRAFT), "all")


@dataclass
class QueueFilters:
    q: str = ""
    state: str = "open"
    assigned: str = ""
    nationality: str = ""
    sort: str = "submitted"
    conversation: str = ""
    due: str = ""  # service levels: "soon" or "overdue" in the current stage

    @classmethod
    def from_query(cls, params: Any) -> QueueFilters:
        state = params.get("state", "open")
        assigned = params.get("assigned", "")
        sort = params.get("sort", "submitted")
        conversation = params.get("conversation", "")
        return cls(
            q=params.get("q", "").strip()[:100],
            state=state if state in STATE_TABS else "open",
            assigned=assigned if assigned in ASSIGNED_CHOICES else "",
            nationality=params.get("nationality", "").strip().upper()[:2],
            sort=sort if sort in SORTS else "submitted",
            conversation=conversation if conversation in CONVERSATION_CHOICES else "",
            due=params.get("due", "") if params.get("due", "") in DUE_CHOICES else "",
        )

    def as_query(self, **changes: str) -> dict[str, str]:
        values = {
            "q": self.q,
            "state": self.state,
            "assigned": self.assigned,
            "nationality": self.nationality,
            "sort": self.sort,
            "conversation": self.conversation,
            "due": self.due,
            **changes,
        }
        return {k: v for k, v in values.items() if v}


NAME_FIELDS = ("given_name", "surname", "native_name")
# Bounds of a reference or passport search: a prefix like "LGN-7" matches thousands.
REFERENCE_MATCHES = 500
# At a mission with more cases than this, the nationality filter offers the
# nationalities of its latest cases (a DISTINCT over all of them would read them all).
NATIONALITIES_FROM_LATEST = 1000
NATIONALITIES_CACHE_SECONDS = 300
# A search's matches are counted exactly up to this many, then estimated.
SEARCH_COUNTED_UP_TO = 200


def _spellings(word: str) -> list[str]:
    """The word as typed and its romanisations: "Сміт" -> сміт, smit; "Müller" ->
    müller, muller. A name typed in another script finds the Latin name of the passport,
    and the native name finds the native one."""
    spellings = [word.lower()]
    for form in name_forms(word).forms:
        if " " not in form and form not in spellings:
            spellings.append(form)
    return spellings


def _name_matches(word: str) -> Q:
    """Some part of the name contains the word in some spelling. Through the trigram
    indexes on PostgreSQL (migration cases 0004); words under three letters, which have
    no trigram, match the start of a name part instead."""
    condition = Q()
    lookup = "icontains" if len(word) >= 3 else "istartswith"
    for spelling in _spellings(word):
        for name in NAME_FIELDS:
            condition |= Q(**{f"applicant__{name}__{lookup}": spelling})
    return condition


def _reference_prefix(text: str) -> str | None:
    """The reference prefix a search text stands for ("lgn-7k3m", "7K3M 9Q", "7k3m9q2p"),
    or None when the text cannot be one or looks like a name: references are searched
    when the text starts with LGN, holds a digit or a dash, or is a whole reference."""
    compact = text.upper().replace(" ", "")
    body = compact.replace("-", "").removeprefix("LGN")
    if not 0 < len(body) <= 8 or any(c not in REFERENCE_ALPHABET for c in body):
        return None
    marked = compact.startswith("LGN") or "-" in compact or any(c.isdigit() for c in body)
    if not marked and len(body) < 8:
        return None
    return f"LGN-{body[:4]}" + (f"-{body[4:]}" if len(body) > 4 else "")


def _search(cases: QuerySet[Case], text: str, *, by_passport: bool) -> QuerySet[Case]:
    """Cases by the start of their reference (typed with or without "LGN", dashes and
    spaces, in any case) or, for roles that see passports, the exact passport number
    through its blind index; if neither finds a case, by name: every word in some part
    of the name, in the script typed or romanised.

    Reference and passport number are looked up on their own (each through its index)
    and never OR-ed with the name search, which would keep either index from being used.
    """
    ids: list[int] = []
    prefix = _reference_prefix(text)
    if prefix is not None:
        ids += cases.filter(reference__startswith=prefix).values_list("pk", flat=True)[
            :REFERENCE_MATCHES
        ]
    if by_passport and any(c.isdigit() for c in text) and len(text) >= 5:
        index = identity_number_index(text, "passport")
        ids += cases.filter(applicant__passport_number_index=index).values_list("pk", flat=True)[
            :REFERENCE_MATCHES
        ]
    if ids or any(c.isdigit() for c in text):  # names hold no digits
        return cases.filter(pk__in=ids)
    condition = Q()
    for word in text.split():
        condition &= _name_matches(word)
    return cases.filter(condition)


def mission_queue(*, actor: Actor, mission: Mission, filters: QueueFilters) -> QuerySet[Case]:
    """The cases of one mission the actor works with, filtered and sorted for the queue.

    Only what sorting needs is computed per case here; what a row shows besides the case
    and applicant (documents, interview) is added for the cases of one page by
    `queue_page_details`, so no aggregate runs over the mission."""
    cases = cases_for(actor).filter(mission=mission)
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
    if filters.conversation:
        cases = cases.filter(pk__in=conversation_case_ids(filters.conversation))
    if filters.due:
        cases = cases.filter(due_cases(mission_id=mission.pk, which=filters.due))
    if filters.q:
        sees_passports = MissionAccess.of(actor, mission).searches_passports
        cases = _search(cases, filters.q, by_passport=sees_passports)
    if filters.sort == "interview":
        live = Interview.objects.filter(case=OuterRef("pk"), status__in=LIVE)
        cases = cases.annotate(interview_at=Subquery(live.values("slot__starts_at")[:1]))
    return cases.select_related("applicant", "assigned_to").order_by(*SORTS[filters.sort])


def queue_page(cases: QuerySet[Case], *, filters: QueueFilters, params: Any, per_page: int) -> Any:
    """One page of the queue from the request's `page`, `after` and `before`, with the
    query strings of its neighbours (`previous_query`, `next_query`). Keyset pages for
    the submission-time sorts, numbered pages for the others; raises InvalidCursor for
    a cursor that is not one."""
    try:
        number = max(1, int(params.get("page") or 1))
    except ValueError:
        number = 1
    # Counting a common name's matches exactly means reading each case and applicant.
    exact_up_to = SEARCH_COUNTED_UP_TO if filters.q else None
    order = KEYSET_SORTS.get(filters.sort)
    if order is None:
        paginator = EstimatingPaginator(cases, per_page, exact_up_to=exact_up_to)
        page = paginator.get_page(number)
        page.previous_query = f"page={page.number - 1}"
        page.next_query = f"page={page.number + 1}"
        return page
    keyset: KeysetPage = keyset_page(
        cases,
        order=order,
        per_page=per_page,
        after=params.get("after") or None,
        before=params.get("before") or None,
        number=number,
        exact_up_to=exact_up_to,
    )
    keyset.previous_query = urlencode(
        {"page": keyset.previous_page_number, "before": keyset.previous_cursor or ""}
    )
    keyset.next_query = urlencode(
        {"page": keyset.next_page_number, "after": keyset.next_cursor or ""}
    )
    return keyset


def queue_page_details(cases: list[Case]) -> list[Case]:
    """Add to the cases of one queue page what their rows show: document counts
    (documents_total, _verified, _rejected) and the live interview's time
    (interview_at). Two queries for the page, whatever the size of the mission."""
    by_id = {case.pk: case for case in cases}
    for case in cases:
        case.documents_total = case.documents_verified = case.documents_rejected = 0
        case.service_level = None
        if not hasattr(case, "interview_at"):
            case.interview_at = None
    if not by_id:
        return cases
    documents = (
        Document.objects.filter(case_id__in=by_id)
        .order_by()
        .values("case_id")
        .annotate(
            total=Count("id"),
            verified=Count("id", filter=Q(status=Document.Status.VERIFIED)),
            rejected=Count("id", filter=Q(status=Document.Status.REJECTED)),
        )
    )
    for row in documents:
        case = by_id[row["case_id"]]
        case.documents_total = row["total"]
        case.documents_verified = row["verified"]
        case.documents_rejected = row["rejected"]
    levels = case_service_levels(case_ids=list(by_id), mission_id=cases[0].mission_id)
    for case in cases:
        case.service_level = levels.get(case.pk)
    live = Interview.objects.filter(case_id__in=by_id, status__in=LIVE).values_list(
        "case_id", "slot__starts_at"
    )
    for case_id, starts_at in live:
        by_id[case_id].interview_at = starts_at
    return cases


def mission_state_counts(*, actor: Actor, mission: Mission) -> dict[str, int]:
    """How many cases of the mission the actor works with are in each state, plus the
    "open" and "all" totals: exact at a small mission, else estimates (an `Estimate`
    says so) from one EXPLAIN, with the rare states counted exactly."""
    cases = cases_for(actor).filter(mission=mission)
    states = [s for s in CaseState.values if s != CaseState.DRAFT]
    counts = counts_by_state(cases, states=states)
    counts["open"] = total([n for state, n in counts.items() if state in OPEN_STATES])
    counts["all"] = total([n for state, n in counts.items() if state in CaseState.values])
    return counts


def mission_nationalities(*, actor: Actor, mission: Mission, selected: str = "") -> list[str]:
    """Nationality codes for the queue's filter: those among the mission's cases, or at
    a mission with more than NATIONALITIES_FROM_LATEST cases among its latest ones (one
    bounded read instead of a DISTINCT over the mission), and the one selected.

    The list is kept in the shared cache for NATIONALITIES_CACHE_SECONDS per mission and
    scope (officers and consuls see the whole mission; others their own cases): every
    queue page shows it, and a new nationality may take that long to be offered."""
    full = MissionAccess.of(actor, mission).whole_mission
    key = f"queue-nationalities:{mission.pk}:{'all' if full else actor.user.pk}"
    codes = cache.get(key)
    if codes is None:
        codes = _nationalities_of_latest(actor=actor, mission=mission)
        cache.set(key, codes, NATIONALITIES_CACHE_SECONDS)
    codes = set(codes)
    if selected:
        codes.add(selected)
    return sorted(code for code in codes if code)


def _nationalities_of_latest(*, actor: Actor, mission: Mission) -> list[str]:
    latest = (
        cases_for(actor)
        .filter(mission=mission)
        .order_by("-submitted_at", "-id")
        .values("pk")[:NATIONALITIES_FROM_LATEST]
    )
    return list(
        Case.objects.filter(pk__in=latest)
        .order_by()
        .values_list("applicant__nationality", flat=True)
        .distinct()
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
        access = MissionAccess.of(actor, mission)
        counts = mission_state_counts(actor=actor, mission=mission)
        cases = cases_for(actor).filter(mission=mission)
        kinds = access.assessment_kinds
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
            roles=list(access.role_labels),
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
