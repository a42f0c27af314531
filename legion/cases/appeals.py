"""Appeals: the applicant asks once, within LEGION_APPEAL_DAYS of a rejection or a
referral and with a reason, for it to be reconsidered; a staff member of the mission
other than the one who decided allows it (back to review) or dismisses it (the decision
stands), with a reason the applicant reads, within LEGION_APPEAL_DECISION_DAYS.

The transitions (`appeal`, `allow_appeal`, `dismiss_appeal`) are declared in the table
like any other and name these services; the notices go out from the fan-out point.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.models import Appeal, Case, CaseEvent
from legion.cases.services import CaseError, case_apply, case_check, case_lock
from legion.cases.states import APPEALABLE_STATES
from legion.missions.actors import Actor

REASON_MAX = 3000
# Security decisions are reviewed by HQ security, not through the applicant's appeal.
NOT_APPEALABLE_ACTIONS = frozenset({"reject_on_security_grounds"})


def _decision_event(case: Case) -> CaseEvent | None:
    """The transition that made the decision now in force (into rejected or referred)."""
    return (
        case.events.filter(kind=CaseEvent.Kind.TRANSITION, to_state=case.state)
        .order_by("-created_at", "-pk")
        .first()
    )


def appeal_deadline(case: Case) -> dt.date | None:
    """The last day the applicant may appeal, or None if this case cannot be appealed
    (not refused, already appealed once, a security decision)."""
    if case.state not in APPEALABLE_STATES or Appeal.objects.filter(case=case).exists():
        return None
    event = _decision_event(case)
    if event is None or event.action in NOT_APPEALABLE_ACTIONS:
        return None
    decided_on = timezone.localdate(event.created_at)
    return decided_on + dt.timedelta(days=settings.LEGION_APPEAL_DAYS)


def appeal_may_lodge(case: Case) -> bool:
    deadline = appeal_deadline(case)
    return deadline is not None and timezone.localdate() <= deadline


def appeal_lodge(*, reference: str, actor: Actor, reason: str) -> Appeal:
    """The applicant appeals the rejection or referral of their case, with a reason."""
    reason = reason.strip()
    if not reason:
        raise CaseError(_("Please say why the decision should be reconsidered."), code="invalid")
    if len(reason) > REASON_MAX:
        raise CaseError(
            _("Please keep your reason under %(max)d characters.") % {"max": REASON_MAX},
            code="invalid",
        )
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action="appeal", actor=actor, reason=reason)
        if not appeal_may_lodge(case):
            raise CaseError(
                _("This decision can no longer be appealed."), code="appeal_not_possible"
            )
        event = _decision_event(case)
        appeal = Appeal.objects.create(
            case=case,
            appealed_state=case.state,
            decision_by=event.actor if event else None,
            decision_by_label=event.actor_label if event else "",
            reason=reason,
            decide_by=timezone.localdate()
            + dt.timedelta(days=settings.LEGION_APPEAL_DECISION_DAYS),
        )
        case_apply(case=case, action="appeal", actor=actor, reason=reason)
    return appeal


def appeal_decide(*, reference: str, actor: Actor, allow: bool, reason: str) -> Appeal:
    """Allow the appeal (the case goes back to review) or dismiss it (the decision
    stands); never by the person who made the decision appealed against."""
    action = "allow_appeal" if allow else "dismiss_appeal"
    reason = reason.strip()
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        case_check(case=case, action=action, actor=actor, reason=reason)
        appeal = Appeal.objects.select_for_update(of=("self",)).get(case=case)
        if appeal.decision_by_id is not None and appeal.decision_by_id == getattr(
            actor.user, "pk", None
        ):
            raise CaseError(
                _("You made the decision under appeal: someone else must decide the appeal."),
                code="own_decision",
            )
        appeal.outcome = Appeal.Outcome.ALLOWED if allow else Appeal.Outcome.DISMISSED
        appeal.outcome_reason = reason
        appeal.decided_by = actor.user
        appeal.decided_at = timezone.now()
        appeal.save()
        case_apply(case=case, action=action, actor=actor, reason=reason)
    return appeal


def appeal_overdue(appeal: Appeal, *, today: dt.date | None = None) -> bool:
    """Past its service level and still waiting."""
    return appeal.decided_at is None and (today or timezone.localdate()) > appeal.decide_by
