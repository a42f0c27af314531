"""Whose statistics a staff member may see, and whether exactly.

Which missions' aggregates an actor sees is the access policy's answer
(`legion.cases.policy`: HQ every mission's, mission staff their own missions').
Figures are exact only where the viewer may read every submitted case behind them
anyway (consular officers and consuls of that mission); everyone else, the HQ
analyst above all, gets figures built only from groups of at least
`privacy.SMALL_COUNT` people.
"""

from __future__ import annotations

from dataclasses import dataclass

from legion.cases.policy import StaffAccess, missions_for
from legion.dashboard.privacy import EXACT, SMALL_COUNT
from legion.missions.actors import Actor
from legion.missions.models import Mission, Role

# Roles that see every submitted case of their mission (the attaché sees only the
# cases that reached an interview, so a count of the others would tell them more).
SEES_ALL_CASES_OF_MISSION = frozenset({Role.CONSULAR_OFFICER, Role.CONSUL})


@dataclass(frozen=True)
class StatisticsScope:
    """The missions an actor may see figures of, and where those figures are exact."""

    missions: tuple[Mission, ...]
    all_missions: bool  # may look at every mission at once (HQ)
    exact_mission_ids: frozenset[int]

    def threshold(self, mission_ids: tuple[int, ...] | None) -> int:
        """Smallest cell in a sum for this selection (None: every mission)."""
        if mission_ids is not None and set(mission_ids) <= self.exact_mission_ids:
            return EXACT
        return SMALL_COUNT

    def mission(self, code: str) -> Mission | None:
        return next((m for m in self.missions if m.code == code), None)


def statistics_scope(actor: Actor) -> StatisticsScope | None:
    """What statistics this actor may see; None for someone with no staff role."""
    if not actor.is_staff or not actor.memberships:
        return None
    exact = frozenset(
        m.mission_id
        for m in actor.memberships
        if m.mission_id is not None and m.role in SEES_ALL_CASES_OF_MISSION
    )
    if StaffAccess.of(actor).sees_all_statistics:
        missions = tuple(Mission.objects.filter(is_active=True).order_by("name"))
        return StatisticsScope(missions, True, exact)
    return StatisticsScope(tuple(missions_for(actor)), False, exact)
