"""Who sees what in the staff workspace.

Every case the workspace shows comes from `cases_visible_to(actor)` (mission scope),
narrowed here to what each role needs: consular officers and consuls work the whole
pipeline of their mission, the defence attaché only the cases that reached an
interview, HQ security only the cases named in a review item or opened by breaking
the glass. Drafts are the
applicant's until submitted. Within a case, `CaseAccess` says which parts of the
personal data a role sees (the attaché never sees contact details or the passport
number, for instance).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import render

from legion.audit.services import audit_case_view
from legion.cases.models import Case, Document
from legion.cases.selectors import cases_visible_to
from legion.cases.states import CaseState
from legion.interviews.models import Interview
from legion.missions.actors import Actor
from legion.missions.models import Mission, Role

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

EXPERIENCE_KINDS = frozenset({Document.Kind.SERVICE_RECORD, Document.Kind.MEDICAL_LICENCE})
IDENTITY_KINDS = frozenset({Document.Kind.PASSPORT, Document.Kind.PHOTO})
ALL_KINDS = frozenset(Document.Kind.values)


def workspace_cases(actor: Actor) -> QuerySet[Case]:
    """The cases this staff member works with in the workspace (see the module docstring)."""
    had_interview = Exists(Interview.objects.filter(case=OuterRef("pk")))
    full = actor.mission_ids(Role.CONSULAR_OFFICER) | actor.mission_ids(Role.CONSUL)
    attache = actor.mission_ids(Role.DEFENCE_ATTACHE) - full
    scope = Q(mission_id__in=full) | (Q(mission_id__in=attache) & Q(had_interview))
    if Role.HQ_SECURITY in actor.hq_roles():
        from legion.audit.break_glass import break_glass_cases_q
        from legion.identity.selectors import cases_under_review_q

        scope |= cases_under_review_q() | break_glass_cases_q(actor.user)
    return cases_visible_to(actor).filter(scope).exclude(state=CaseState.DRAFT)


def workspace_case(actor: Actor, reference: str, *, viewed: str = "") -> Case:
    """One case for a workspace page, or 404: out-of-scope and absent look the same.

    `viewed` names what of its personal data the page shows; the view is then written
    to the audit log."""
    case = (
        workspace_cases(actor)
        .select_related("applicant", "mission", "assigned_to")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    if viewed:
        audit_case_view(actor=actor, case=case, what=viewed)
    return case


@dataclass(frozen=True)
class CaseAccess:
    """What one staff member may see and do on one case, by the roles they hold."""

    roles: frozenset[str]

    @classmethod
    def of(cls, actor: Actor, case: Case) -> CaseAccess:
        roles = set(actor.roles_at(case.mission_id))
        roles |= actor.hq_roles() & {Role.HQ_SECURITY}
        return cls(frozenset(roles))

    @property
    def is_officer(self) -> bool:
        return Role.CONSULAR_OFFICER in self.roles

    @property
    def is_attache(self) -> bool:
        return Role.DEFENCE_ATTACHE in self.roles

    @property
    def is_consul(self) -> bool:
        return Role.CONSUL in self.roles

    @property
    def is_security(self) -> bool:
        return Role.HQ_SECURITY in self.roles

    @property
    def sees_contact(self) -> bool:
        return self.is_officer or self.is_consul

    @property
    def sees_passport(self) -> bool:
        return self.is_officer or self.is_consul or self.is_security

    @property
    def sees_eligibility(self) -> bool:
        return self.is_officer or self.is_consul or self.is_attache

    @property
    def sees_travel(self) -> bool:
        return self.is_officer or self.is_consul

    @property
    def document_kinds(self) -> frozenset[str]:
        kinds: set[str] = set()
        if self.is_officer or self.is_consul:
            kinds |= ALL_KINDS
        if self.is_attache:
            kinds |= EXPERIENCE_KINDS
        if self.is_security:
            kinds |= IDENTITY_KINDS
        return frozenset(kinds)

    @property
    def reviews_documents(self) -> bool:
        return self.is_officer

    @property
    def manages_case(self) -> bool:
        """Assignment, transfer and booking are the consular officer's."""
        return self.is_officer


def staff_missions(actor: Actor) -> list[Mission]:
    """The missions where this staff member holds a mission role, by name."""
    seen: dict[int, Mission] = {}
    for membership in actor.memberships:
        if membership.mission is not None:
            seen[membership.mission_id] = membership.mission
    return sorted(seen.values(), key=lambda m: m.name)


def mission_for_actor(actor: Actor, code: str) -> Mission:
    """A mission the actor holds a role at, or 404."""
    for mission in staff_missions(actor):
        if mission.code == code:
            return mission
    raise Http404("No such mission")


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and the user must hold a staff role; sets `request.actor`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = Actor.staff(request.user)
        if not actor.memberships:
            return render(request, "workspace/no_role.html", status=403)
        request.actor = actor  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
