"""Break the glass: HQ security opens a case outside its scope, for a stated reason.

The grant (legion.audit.models.BreakGlassGrant) is time-limited, recorded in the case's
history (which the owning mission sees) and in the audit log, and listed for the
mission by legion.audit.break_glass.grants_for_mission_staff().
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.audit.break_glass import MIN_REASON_LENGTH, active_grants
from legion.audit.models import BreakGlassGrant
from legion.cases.errors import CaseError
from legion.cases.models import CaseEvent
from legion.cases.policy import cases_for
from legion.cases.services import record_event
from legion.missions.actors import Actor
from legion.missions.models import Role


def break_glass_open(*, actor: Actor, reference: str, reason: str) -> BreakGlassGrant:
    """Give an HQ security officer access to one case outside their scope.

    Refused without a reason of at least MIN_REASON_LENGTH characters, to anyone but
    HQ security, and for cases the officer can already open. The access lasts
    LEGION_BREAK_GLASS_MINUTES and is written into the case's history.
    """
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
    with transaction.atomic():
        grant = (
            active_grants(BreakGlassGrant.objects.select_for_update())
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
