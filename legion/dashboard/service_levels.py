"""Service levels: how long a case may stay in each stage, and which are late.

A case's age in its stage is read from its statistics figures (`CaseFigures.
stage_entered_at`, kept by the case-event reaction), so the queue's "due soon" and
"overdue" views are index ranges on (mission, state, stage_entered_at), not an
aggregate over the mission's cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legion.cases.states import CaseState
from legion.dashboard.models import CaseFigures, StageTarget

# Used where an administrator has set nothing: the legion's published promise of a
# reply within days, and an interview within about two weeks.
DEFAULT_TARGETS: dict[str, tuple[Decimal, Decimal]] = {
    CaseState.SUBMITTED: (Decimal(1), Decimal(2)),
    CaseState.IN_REVIEW: (Decimal(3), Decimal(5)),
    CaseState.INTERVIEW_SCHEDULED: (Decimal(10), Decimal(14)),
    CaseState.INTERVIEWED: (Decimal(1), Decimal(2)),
    CaseState.VISA_PENDING: (Decimal(3), Decimal(5)),
    CaseState.VISA_ISSUED: (Decimal(1), Decimal(2)),
    CaseState.ON_HOLD: (Decimal(2), Decimal(4)),
}
DUE_SOON = "soon"
OVERDUE = "overdue"
DUE_CHOICES = {DUE_SOON: _("Due soon"), OVERDUE: _("Overdue")}


@dataclass(frozen=True)
class Target:
    stage: str
    warning: dt.timedelta
    breach: dt.timedelta


def _days(value: Decimal) -> dt.timedelta:
    return dt.timedelta(hours=float(value) * 24)


def stage_targets(*, mission_id: int) -> dict[str, Target]:
    """The targets in force at a mission: its own, else the default row, else ours."""
    targets = {
        stage: Target(stage, _days(warn), _days(breach))
        for stage, (warn, breach) in DEFAULT_TARGETS.items()
    }
    rows = StageTarget.objects.filter(Q(mission_id=mission_id) | Q(mission__isnull=True))
    for row in sorted(rows, key=lambda r: r.mission_id is not None):  # mission's own last
        targets[row.stage] = Target(row.stage, _days(row.warning_days), _days(row.target_days))
    return targets


@dataclass(frozen=True)
class ServiceLevel:
    """Where one case stands against the target of its stage."""

    entered_at: dt.datetime
    age: dt.timedelta
    warning_at: dt.datetime | None
    breach_at: dt.datetime | None

    @property
    def status(self) -> str:
        now = self.entered_at + self.age
        if self.breach_at is not None and now >= self.breach_at:
            return OVERDUE
        if self.warning_at is not None and now >= self.warning_at:
            return DUE_SOON
        return ""

    @property
    def age_days(self) -> float:
        return self.age.total_seconds() / 86400


def case_service_levels(
    *, case_ids: list[int], mission_id: int, now: dt.datetime | None = None
) -> dict[int, ServiceLevel]:
    """Age in stage, warning and breach time of these cases (one page of a queue)."""
    now = now or timezone.now()
    targets = stage_targets(mission_id=mission_id)
    levels = {}
    rows = CaseFigures.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "state", "stage_entered_at"
    )
    for case_id, state, entered in rows:
        target = targets.get(state)
        levels[case_id] = ServiceLevel(
            entered_at=entered,
            age=now - entered,
            warning_at=entered + target.warning if target else None,
            breach_at=entered + target.breach if target else None,
        )
    return levels


def due_cases(*, mission_id: int, which: str, now: dt.datetime | None = None) -> Q:
    """A filter on cases: those of the mission due soon (past the warning, before the
    breach) or overdue (past the breach) in their current stage."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for stage, target in stage_targets(mission_id=mission_id).items():
        if which == OVERDUE:
            window = Q(figures__stage_entered_at__lte=now - target.breach)
        else:
            window = Q(figures__stage_entered_at__lte=now - target.warning) & Q(
                figures__stage_entered_at__gt=now - target.breach
            )
        condition |= Q(figures__mission_id=mission_id, figures__state=stage) & window
    return condition


def _late(targets: dict[str, Target], now: dt.datetime) -> tuple[Q, Q]:
    overdue, soon = Q(pk__in=[]), Q(pk__in=[])
    for stage, target in targets.items():
        overdue |= Q(state=stage, stage_entered_at__lte=now - target.breach)
        soon |= Q(
            state=stage,
            stage_entered_at__lte=now - target.warning,
            stage_entered_at__gt=now - target.breach,
        )
    return overdue, soon


def breaches_by_mission(
    *, mission_ids: list[int], now: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    """Open cases overdue and due soon, per mission. Missions on the default targets
    share one grouped query; each mission with targets of its own has one. Each reads
    only the late cases, through the (mission, state, stage_entered_at) index."""
    now = now or timezone.now()
    own = set(
        StageTarget.objects.filter(mission_id__in=mission_ids).values_list("mission_id", flat=True)
    )
    groups: list[tuple[list[int], dict[str, Target]]] = []
    shared = [m for m in mission_ids if m not in own]
    if shared:
        groups.append((shared, stage_targets(mission_id=shared[0])))
    groups.extend(([m], stage_targets(mission_id=m)) for m in sorted(own))
    result = {m: {OVERDUE: 0, DUE_SOON: 0} for m in mission_ids}
    for missions, targets in groups:
        overdue, soon = _late(targets, now)
        rows = (
            CaseFigures.objects.filter(mission_id__in=missions)
            .filter(overdue | soon)
            .values("mission_id")
            .annotate(overdue=Count("pk", filter=overdue), soon=Count("pk", filter=soon))
        )
        for row in rows:
            result[row["mission_id"]] = {OVERDUE: row["overdue"], DUE_SOON: row["soon"]}
    return result
