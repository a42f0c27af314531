"""HQ security decisions on identity review items (duplicates, watch-list hits): only
HQ security closes either, with a reason; nothing is merged.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.models import Case, CaseEvent
from legion.cases.services import CaseError, case_apply, case_lock, record_event
from legion.cases.states import FINAL_STATES, CaseState
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit
from legion.missions.actors import Actor
from legion.missions.models import Role


class ReviewDecisionError(CaseError):
    pass


def _require_security(actor: Actor) -> None:
    if not actor.has_role(Role.HQ_SECURITY):
        raise ReviewDecisionError(_("Only HQ security decides identity reviews."), code="forbidden")


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReviewDecisionError(_("Please give a reason."), code="reason_required")
    return reason


def _close(item: Any, *, status: str, actor: Actor, reason: str) -> None:
    item.status = status
    item.decided_by = actor.user
    item.decided_at = timezone.now()
    item.decision_reason = reason
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _locked_open(model: type, pk: int) -> Any:
    item = model.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise ReviewDecisionError(_("No such review item."), code="not_found")
    if item.status != ReviewStatus.OPEN:
        raise ReviewDecisionError(_("This review item has already been decided."), code="decided")
    return item


def duplicate_confirm(*, candidate_id: int, actor: Actor, reason: str) -> DuplicateCandidate:
    """The two cases are the same person: the later one is rejected on security grounds,
    naming the earlier reference. Nothing is merged."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(DuplicateCandidate, candidate_id)
        later = case_lock(reference=item.case.reference, actor=actor)
        earlier = item.other_case
        _close(item, status=ReviewStatus.CONFIRMED, actor=actor, reason=reason)
        full_reason = _("Duplicate of case %(ref)s: %(reason)s") % {
            "ref": earlier.reference,
            "reason": reason,
        }
        if later.state not in FINAL_STATES:
            case_apply(
                case=later,
                action="reject_on_security_grounds",
                actor=actor,
                reason=full_reason,
                data={"duplicate_candidate": item.pk, "duplicate_of": earlier.reference},
            )
        else:
            _note(later, actor, "duplicate_confirmed", full_reason, item.pk)
        _note(
            earlier,
            actor,
            "duplicate_confirmed",
            _("Case %(ref)s confirmed as a duplicate of this one: %(reason)s")
            % {"ref": later.reference, "reason": reason},
            item.pk,
        )
    return item


def duplicate_dismiss(*, candidate_id: int, actor: Actor, reason: str) -> DuplicateCandidate:
    """Two different people after all; the pair is never raised again."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(DuplicateCandidate, candidate_id)
        _close(item, status=ReviewStatus.DISMISSED, actor=actor, reason=reason)
        for case, other in ((item.case, item.other_case), (item.other_case, item.case)):
            _note(
                case,
                actor,
                "duplicate_dismissed",
                _("Not the same person as %(ref)s: %(reason)s")
                % {"ref": other.reference, "reason": reason},
                item.pk,
            )
    return item


def watchlist_hit_confirm(*, hit_id: int, actor: Actor, reason: str) -> WatchlistHit:
    """The applicant is the listed person: the case is rejected on security grounds."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(WatchlistHit, hit_id)
        case = case_lock(reference=item.case.reference, actor=actor)
        _close(item, status=ReviewStatus.CONFIRMED, actor=actor, reason=reason)
        full_reason = _("Watch-list match confirmed (%(who)s, %(source)s): %(reason)s") % {
            "who": item.entry.caption,
            "source": item.entry.source,
            "reason": reason,
        }
        if case.state not in FINAL_STATES:
            case_apply(
                case=case,
                action="reject_on_security_grounds",
                actor=actor,
                reason=full_reason,
                data={"watchlist_hit": item.pk},
            )
        else:
            _note(case, actor, "watchlist_confirmed", full_reason, item.pk)
    return item


def watchlist_hit_dismiss(*, hit_id: int, actor: Actor, reason: str) -> WatchlistHit:
    """Not the listed person: the hold is lifted (back to the state the case left) once
    no other watch-list hit is open, and this pair never hits again."""
    _require_security(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        item = _locked_open(WatchlistHit, hit_id)
        case = case_lock(reference=item.case.reference, actor=actor)
        _close(item, status=ReviewStatus.DISMISSED, actor=actor, reason=reason)
        full_reason = _("Watch-list hit dismissed (%(who)s, %(source)s): %(reason)s") % {
            "who": item.entry.caption,
            "source": item.entry.source,
            "reason": reason,
        }
        still_open = WatchlistHit.objects.filter(case=case, status=ReviewStatus.OPEN).exists()
        if case.state == CaseState.ON_HOLD and not still_open:
            case_apply(
                case=case,
                action="release",
                actor=actor,
                reason=full_reason,
                data={"watchlist_hit": item.pk},
            )
        else:
            _note(case, actor, "watchlist_dismissed", full_reason, item.pk)
    return item


def _note(case: Case, actor: Actor, action: str, reason: str, item_id: int) -> None:
    record_event(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        action=action,
        actor=actor,
        reason=reason,
        data={"review_item": item_id},
    )
