"""Break-the-glass grants: who holds a live one for which case, and which the missions
see. The grants are written by legion/cases/break_glass.py (opening and closing them is
a case event); the access policy widens HQ security's scope by break_glass_scope()
while a grant lasts (registered from CasesConfig.ready), and audit_case_view names the
grant a view went through.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from legion.audit.models import BreakGlassGrant
from legion.missions.actors import Actor

MIN_REASON_LENGTH = 20


def active_grants(grants: QuerySet[BreakGlassGrant]) -> QuerySet[BreakGlassGrant]:
    """The grants of `grants` that are live now (not expired, not revoked)."""
    return grants.filter(expires_at__gt=timezone.now(), revoked_at__isnull=True)


def break_glass_cases_q(user) -> Q:
    """Cases this user holds a live break-the-glass grant for."""
    return Q(pk__in=active_grants(BreakGlassGrant.objects.filter(user=user)).values("case_id"))


def break_glass_scope(actor: Actor) -> Q:
    """HQ security's scope extension (registered with the access policy): the cases
    this officer holds a live grant for."""
    return break_glass_cases_q(actor.user)


def active_grant_id(*, user, case) -> int | None:
    return (
        active_grants(BreakGlassGrant.objects.filter(user=user, case=case))
        .values_list("pk", flat=True)
        .first()
    )


def grants_for_mission_staff(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """Break-the-glass accesses to cases of the actor's missions, newest first."""
    return BreakGlassGrant.objects.filter(case__mission_id__in=actor.mission_ids()).select_related(
        "case", "case__mission"
    )


def grants_of(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """The actor's own live grants."""
    if actor.user is None:
        return BreakGlassGrant.objects.none()
    return active_grants(BreakGlassGrant.objects.filter(user=actor.user)).select_related("case")
