"""Who is acting: a staff member, the applicant of one case, or the system.

Services take an Actor instead of a bare user so that the same rule holds for the
portal (applicant), the workspace and API (staff) and tasks (system).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from legion.missions.models import HQ_ROLES, Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Actor:
    def __init__(
        self,
        *,
        user: AbstractBaseUser | None = None,
        applicant_case_id: int | None = None,
        is_system: bool = False,
    ) -> None:
        if sum([user is not None, applicant_case_id is not None, is_system]) != 1:
            raise ValueError("An actor is exactly one of: staff user, applicant, system")
        self.user = user
        self.applicant_case_id = applicant_case_id
        self.is_system = is_system

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(user=user)

    @classmethod
    def applicant(cls, case_id: int) -> Actor:
        return cls(applicant_case_id=case_id)

    @classmethod
    def system(cls) -> Actor:
        return cls(is_system=True)

    @property
    def is_staff(self) -> bool:
        return self.user is not None

    @property
    def is_applicant(self) -> bool:
        return self.applicant_case_id is not None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.is_applicant:
            return "applicant"
        return "system"

    @cached_property
    def memberships(self) -> list[Membership]:
        if self.user is None or not self.user.is_active:
            return []
        return list(Membership.objects.filter(user=self.user).select_related("mission"))

    def roles_at(self, mission_id: int) -> set[str]:
        """Mission roles held at that mission (HQ roles are not mission roles)."""
        return {m.role for m in self.memberships if m.mission_id == mission_id}

    def hq_roles(self) -> set[str]:
        return {m.role for m in self.memberships if m.role in HQ_ROLES}

    def mission_ids(self, role: str | None = None) -> set[int]:
        return {
            m.mission_id
            for m in self.memberships
            if m.mission_id is not None and (role is None or m.role == role)
        }

    def has_role(self, role: Role | str, mission_id: int | None = None) -> bool:
        if role in HQ_ROLES:
            return role in self.hq_roles()
        return mission_id is not None and role in self.roles_at(mission_id)

    def __repr__(self) -> str:
        return f"<Actor {self.label}>"
