"""Case workflow services: the only code that changes a case's state, assignment or mission.

Each service locks the case inside the actor's scope, checks the transition table
(role, mission, guards), applies it in one transaction and appends a CaseEvent.
The portal, the workspace, the API and the CLI all call these functions.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from legion.audit.services import audit_record
from legion.cases.errors import CaseError
from legion.cases.lifecycle import case_event_react
from legion.cases.models import Case, CaseEvent
from legion.cases.policy import ASSIGN, TRANSFER, CaseAccess, case_for, may_be_assigned
from legion.cases.states import FINAL_STATES, CaseState
from legion.cases.workflow import TRANSITION_NAMES, CaseWorkflow
from legion.missions.actors import Actor
from legion.missions.models import Mission


class TransitionRefused(CaseError):
    """The transition is not allowed now: wrong state, role, mission or an unmet guard.

    Web pages show the message, JSON endpoints answer 409, the CLI exits with 2."""


@dataclass(frozen=True)
class AvailableAction:
    name: str
    label: str
    reason_required: bool
    danger: bool
    unmet: tuple[str, ...]  # guard messages; empty when the action can be taken now
    # The service (and so the form or endpoint) that alone takes this action, writing
    # the record its state means; "" when the generic transition takes it.
    service: str = ""


def _transition_meta(case: Case, action: str) -> Any:
    return getattr(case, action)._django_fsm.get_transition(case.state)


def record_event(
    *,
    case: Case,
    kind: str,
    action: str,
    actor: Actor,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> CaseEvent:
    """Append one entry to the case's history and a link to the audit chain, then run
    the reactions registered at the fan-out point (lifecycle.py: notices, screening,
    statistics, webhooks) in the caller's transaction."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor.user,
        actor_label=actor.label,
        reason=reason,
        data=data or {},
    )
    # The reason stays in the case history (erasure may clear it); the chain records
    # who did what to which case, and when.
    audit_record(
        action=f"case.{kind}",
        actor=actor,
        case=case,
        data={"event": event.pk, "action": action, "from": from_state, "to": to_state},
    )
    case_event_react(case=case, event=event)
    return event


def unmet_guards(case: Case, action: str, *, records: bool = False) -> tuple[str, ...]:
    """Messages of the guards of `action` that are not met now. Record guards (the record
    the action's own service writes) count only with `records=True`."""
    meta = _transition_meta(case, action)
    if meta is None:
        return ()
    return tuple(
        str(c.message)
        for c in meta.conditions
        if (records or not getattr(c, "record", False)) and not c(case)
    )


def case_available_actions(*, case: Case, actor: Actor) -> list[AvailableAction]:
    """Transitions this actor could take on this case from its current state, with the
    reasons any of them is blocked. Front ends render exactly these."""
    actions = []
    for name in TRANSITION_NAMES:
        meta = _transition_meta(case, name)
        if meta is None or not meta.has_perm(case, actor):
            continue
        actions.append(
            AvailableAction(
                name=name,
                label=str(meta.custom["label"]),
                reason_required=meta.custom["reason_required"],
                danger=meta.custom["danger"],
                unmet=unmet_guards(case, name),
                service=meta.custom["service"],
            )
        )
    return actions


def _check(case: Case, action: str, actor: Actor, reason: str) -> str:
    """Refuse the transition for state, role, an unmet guard (other than the record its
    service writes) or a missing reason; returns the reason, stripped."""
    if action not in TRANSITION_NAMES:
        raise TransitionRefused(_("Unknown action “%(action)s”.") % {"action": action})
    meta = _transition_meta(case, action)
    if meta is None:
        raise TransitionRefused(
            _("This case is “%(state)s”; “%(action)s” is not possible from there.")
            % {"state": case.get_state_display(), "action": action.replace("_", " ")},
            code="wrong_state",
        )
    if not meta.has_perm(case, actor):
        raise TransitionRefused(
            _("Your role does not allow “%(label)s” on this case.")
            % {"label": meta.custom["label"]},
            code="forbidden",
        )
    unmet = unmet_guards(case, action)
    if unmet:
        raise TransitionRefused(" ".join(unmet), code="guard")
    reason = reason.strip()
    if meta.custom["reason_required"] and not reason:
        raise TransitionRefused(_("Please give a reason."), code="reason_required")
    return reason


def _apply(case: Case, action: str, actor: Actor, reason: str, data: dict | None) -> CaseEvent:
    """Apply one transition to a locked case and record it. Caller holds the transaction."""
    reason = _check(case, action, actor, reason)
    method = getattr(case, action)
    if not can_proceed(method):
        # Only a record guard can fail here: the service did not write its record.
        raise TransitionRefused(" ".join(unmet_guards(case, action, records=True)), code="guard")
    from_state = case.state
    method()
    now = timezone.now()
    if case.state == CaseState.SUBMITTED and not case.submitted_at:
        case.submitted_at = now
    case.closed_at = now if case.state in FINAL_STATES else None
    case.save()
    event = record_event(
        case=case,
        kind=CaseEvent.Kind.TRANSITION,
        action=action,
        actor=actor,
        from_state=from_state,
        to_state=case.state,
        reason=reason,
        data=data,
    )
    return event


def case_transition(
    *, reference: str, action: str, actor: Actor, reason: str = "", data: dict | None = None
) -> Case:
    """Take one transition of the table on the case with this reference: the generic
    path of the case page, the API and the CLI.

    Transitions whose state means a record (booking, assessments, visa, instructions,
    submission with its screening) are refused here with `use_service`: the table names
    the service that writes the record and applies the transition (`case_apply`).
    """
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        service = transition_service(action)
        if service:
            raise TransitionRefused(
                _(
                    "“%(action)s” is taken only with its own form or endpoint (%(service)s), "
                    "which records what the step needs."
                )
                % {"action": action, "service": service},
                code="use_service",
            )
        _apply(case, action, actor, reason, data)
    return case


def transition_service(action: str) -> str:
    """The service the table names for `action` ("" for a plain transition or an
    unknown action)."""
    if action not in TRANSITION_NAMES:
        return ""
    transitions = getattr(CaseWorkflow, action)._django_fsm.transitions.values()
    return next((t.custom["service"] for t in transitions if t.custom.get("service")), "")


def case_submit(*, reference: str, actor: Actor) -> Case:
    """Submit a draft: the one entry point for submissions from every front end.

    Identity screening (duplicates across all missions, watch lists) is the identity
    app's reaction to the submit event, so it runs in the same transaction as the
    submit transition, not on commit: it takes a few milliseconds, and this way no
    submitted case ever exists unscreened (a watch-listed applicant is already on hold
    when anyone can first see the case), while a screening failure rolls the submission
    back instead of leaving an unchecked case in the queue.
    """
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        _apply(case, "submit", actor, "", None)
    return case


def case_lock(*, reference: str, actor: Actor) -> Case:
    """The case, locked for the rest of the caller's transaction, within the actor's scope."""
    return case_for(actor, reference, for_update=True)


def case_check(*, case: Case, action: str, actor: Actor, reason: str = "") -> None:
    """Refuse now what `case_apply` would refuse (state, role, guards, reason), so that
    a service can check before it writes the record the transition needs."""
    _check(case, action, actor, reason)


def case_apply(
    *, case: Case, action: str, actor: Actor, reason: str = "", data: dict | None = None
) -> CaseEvent:
    """Apply a transition to a case the caller has locked with case_lock(): the path of
    the services that write a transition's record (the generic path is case_transition)."""
    return _apply(case, action, actor, reason, data)


def case_assign(*, reference: str, actor: Actor, assignee_id: int | None) -> Case:
    """Assign the case to a consular officer of its mission, or unassign it."""
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        if not CaseAccess.of(actor, case).may(ASSIGN):
            raise TransitionRefused(
                _("Only consular officers of this mission assign cases."), code="forbidden"
            )
        assignee = None
        if assignee_id is not None:
            assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
            if assignee is None or not may_be_assigned(user=assignee, mission_id=case.mission_id):
                raise TransitionRefused(
                    _("Cases can only be assigned to consular officers of this mission."),
                    code="invalid_assignee",
                )
        previous = case.assigned_to.get_username() if case.assigned_to else ""
        case.assigned_to = assignee
        case.save(update_fields=["assigned_to", "updated_at"])
        record_event(
            case=case,
            kind=CaseEvent.Kind.ASSIGNMENT,
            action="assign" if assignee else "unassign",
            actor=actor,
            data={"from": previous, "to": assignee.get_username() if assignee else ""},
        )
    return case


TRANSFERABLE_STATES = (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.IN_REVIEW)


def case_transfer(*, reference: str, actor: Actor, mission_code: str, reason: str) -> Case:
    """Move a case to another mission (the applicant moved); its history goes with it.

    Only before an interview is booked: a booked slot belongs to the old mission.
    """
    reason = reason.strip()
    with transaction.atomic():
        case = case_lock(reference=reference, actor=actor)
        if not CaseAccess.of(actor, case).may(TRANSFER):
            raise TransitionRefused(
                _("Only consular officers of this mission transfer cases."), code="forbidden"
            )
        if case.state not in TRANSFERABLE_STATES:
            raise TransitionRefused(
                _("A case can only be transferred before an interview is scheduled."),
                code="wrong_state",
            )
        if not reason:
            raise TransitionRefused(_("Please give a reason."), code="reason_required")
        target = Mission.objects.filter(code=mission_code, is_active=True).first()
        if target is None:
            raise TransitionRefused(_("No such mission."), code="invalid_mission")
        if target.pk == case.mission_id:
            raise TransitionRefused(_("The case is already at this mission."), code="same")
        source = case.mission
        case.mission = target
        case.assigned_to = None
        case.save(update_fields=["mission", "assigned_to", "updated_at"])
        record_event(
            case=case,
            kind=CaseEvent.Kind.TRANSFER,
            action="transfer",
            actor=actor,
            reason=reason,
            data={"from": source.code, "to": target.code},
        )
    return case


def cases_bulk_transition(
    *, references: list[str], action: str, actor: Actor, reason: str = ""
) -> dict[str, str]:
    """Apply one action to many cases, each in its own transaction; returns a result per
    reference ("ok" or the refusal message), so one refused case does not block the rest."""
    results: dict[str, str] = {}
    for reference in references:
        try:
            case_transition(reference=reference, action=action, actor=actor, reason=reason)
            results[reference] = "ok"
        except CaseError as exc:
            results[reference] = exc.message
    return results
