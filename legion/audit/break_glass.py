"""Break the glass: HQ security opens a case outside its scope, for a stated reason.

The grant is time-limited, recorded in the case's history (which the owning mission
sees) and in the audit log, and listed for the mission by grants_for_mission_staff().
The access policy widens HQ security's scope by break_glass_scope() while it lasts
(registered from AuditConfig.ready).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.audit.models import BreakGlassGrant
from legion.missions.actors import Actor
from legion.missions.models import Role

MIN_REASON_LENGTH = 20


def _active(grants: QuerySet[BreakGlassGrant]) -> QuerySet[BreakGlassGrant]:
    return grants.filter(expires_at__gt=timezone.now(), revoked_at__isnull=True)


def break_glass_cases_q(user) -> Q:
    """Cases this user holds a live break-the-glass grant for."""
    return Q(pk__in=_active(BreakGlassGrant.objects.filter(user=user)).values("case_id"))


def break_glass_scope(actor: Actor) -> Q:
    """HQ security's scope extension (registered with the access policy): the cases
    this officer holds a live grant for."""
    return break_glass_cases_q(actor.user)


def active_grant_id(*, user, case) -> int | None:
    return (
        _active(BreakGlassGrant.objects.filter(user=user, case=case))
        .values_list("pk", flat=True)
        .first()
    )


def break_glass_open(*, actor: Actor, reference: str, reason: str) -> BreakGlassGrant:
    """Give an HQ security officer access to one case outside their scope.

    Refused without a reason of at least MIN_REASON_LENGTH characters, to anyone but
    HQ security, and for cases the officer can already open. The access lasts
    LEGION_BREAK_GLASS_MINUTES and is written into the case's history.
    """
    from legion.cases.models import CaseEvent
    from legion.cases.policy import cases_for
    from legion.cases.services import CaseError, record_event

    if actor.user is None or not actor.has_role(Role.HQ_SECURITY):
        raise CaseError(_("Only HQ security can break the glass."), code="forbidden")
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise CaseError(
            _("State why you need this case (at least %(n)d characters).")
            % {"n": MIN_REASON_LENGTH},
            code="reason_required",
        )
    with transaction.atomic():
        case = (
            cases_for(Actor.system())
            .select_related("mission")
            .filter(reference=reference.strip().upper())
            .first()
        )
        if case is None:
            raise CaseError(_("No such case."), code="not_found")
        if cases_for(actor).filter(pk=case.pk).exists():
            raise CaseError(_("You can already open this case."), code="in_scope")
        minutes = settings.LEGION_BREAK_GLASS_MINUTES
        grant = BreakGlassGrant.objects.create(
            user=actor.user,
            user_label=actor.label,
            case=case,
            reason=reason,
            expires_at=timezone.now() + dt.timedelta(minutes=minutes),
        )
        record_event(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            action="break_glass",
            actor=actor,
            reason=reason,
            data={"grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
        )
    return grant


def break_glass_close(*, actor: Actor, grant_id: int) -> BreakGlassGrant:
    """End one's own grant early (or any grant, for an administrator)."""
    from legion.cases.models import CaseEvent
    from legion.cases.services import CaseError, record_event

    with transaction.atomic():
        grant = (
            _active(BreakGlassGrant.objects.select_for_update())
            .select_related("case__mission")
            .filter(pk=grant_id)
            .first()
        )
        if grant is None or not (
            grant.user_id == getattr(actor.user, "pk", None) or actor.has_role(Role.ADMINISTRATOR)
        ):
            raise CaseError(_("No such access."), code="not_found")
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        record_event(
            case=grant.case,
            kind=CaseEvent.Kind.NOTE,
            action="break_glass_closed",
            actor=actor,
            data={"grant": grant.pk},
        )
    return grant


def grants_for_mission_staff(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """Break-the-glass accesses to cases of the actor's missions, newest first."""
    return BreakGlassGrant.objects.filter(case__mission_id__in=actor.mission_ids()).select_related(
        "case", "case__mission"
    )


def grants_of(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """The actor's own live grants."""
    if actor.user is None:
        return BreakGlassGrant.objects.none()
    return _active(BreakGlassGrant.objects.filter(user=actor.user)).select_related("case")
