"""Erasure: an applicant's personal data and files go; what statistics need stays.

What remains of an erased case: its reference, mission, state and dates, the
applicant's nationality and sex, the kinds and countries of their service, the
history of states (without reasons), the advisory texts they acknowledged, and
the audit log (which never held personal data, so its chain stays valid).

ERASURE_PLAN names every model that hangs off a case and what erasure does to its
rows; a test walks the model graph and fails for any model missing here.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.cases.models import Case, CaseEvent, Document
from legion.cases.policy import cases_for
from legion.cases.services import CaseError, record_event
from legion.cases.states import FINAL_STATES, CaseState
from legion.missions.actors import Actor


@dataclass(frozen=True)
class Scrub:
    """Overwrite these fields of the rows that belong to the case."""

    paths: tuple[str, ...]  # lookups from the model to the case, e.g. ("interview__case",)
    values: dict[str, Any]


@dataclass(frozen=True)
class Delete:
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Keep:
    paths: tuple[str, ...]
    why: str = field(default="")


APPLICANT_SCRUB = {
    "given_name": "",
    "surname": "",
    "native_name": "",
    "date_of_birth": None,
    "place_of_birth": "",
    "second_nationality": "",
    "passport_number": "",
    "passport_number_index": "",
    "passport_country": "",
    "passport_expiry": None,
    "email": "",
    "email_index": "",
    "phone": "",
    "phone_index": "",
    "address_line_1": "",
    "address_line_2": "",
    "address_town": "",
    "address_postcode": "",
    "address_country": "",
    "languages": [],
    "has_criminal_record": None,
}

ERASURE_PLAN: dict[str, Scrub | Delete | Keep] = {
    "cases.Applicant": Scrub(("case",), APPLICANT_SCRUB),
    "cases.Document": Delete(("case",)),  # and the files
    "cases.AccessToken": Delete(("case",)),
    "api.ApplicantApiToken": Delete(("case",)),
    "cases.ServiceRecord": Scrub(
        ("case",),
        {
            "branch": "",
            "specialty": "",
            "rank": "",
            "deployments": "",
            "licence_number": "",
            "licence_number_index": "",
        },
    ),
    "cases.CaseEvent": Scrub(("case",), {"reason": ""}),
    "cases.VisaDecision": Scrub(("case",), {"visa_number": "", "visa_type": "", "reason": ""}),
    "cases.TravelLetter": Delete(("case",)),  # the code stops answering at once
    "cases.Appeal": Delete(("case",)),
    "cases.TravelInstructions": Scrub(
        ("case",), {"entry_point": "", "assembly_point": "", "contacts": "", "notes": ""}
    ),
    "interviews.Interview": Keep(("case",), "slot, language and status only"),
    "interviews.Assessment": Scrub(("interview__case",), {"notes": "", "recommended_role": ""}),
    "identity.DuplicateCandidate": Scrub(
        ("case", "other_case"), {"explanation": {}, "decision_reason": ""}
    ),
    "identity.WatchlistHit": Scrub(("case",), {"explanation": {}, "decision_reason": ""}),
    # Matching features and blocking keys are derived from the personal data: they go.
    "identity.ApplicantFeatures": Delete(("applicant__case",)),
    "identity.IdentityKey": Delete(("applicant__case",)),
    # The passport MRZ reading (encrypted) goes with its document.
    "identity.PassportReading": Delete(("document__case",)),
    "advisories.Acknowledgement": Keep(("case",), "the advisory text shown: no personal data"),
    "audit.BreakGlassGrant": Keep(("case",), "who opened the case and why: staff accountability"),
    # E-mails not yet delivered hold the address and text (sealed): they go, with their
    # attempts; there is nobody left to write to.
    "outbox.OutboxAttempt": Delete(("message__case",)),
    "outbox.OutboxMessage": Delete(("case",)),
    "webhooks.WebhookDelivery": Keep(
        ("case",), "reference, mission, state and event only: what erasure keeps anyway"
    ),
    "conversation.CaseNote": Delete(("case",)),
    "conversation.CaseMessage": Delete(("case",)),
    "conversation.InformationRequest": Delete(("case",)),
    # Follows the erasure event like any other: the scrubbed specialty leaves its cell.
    "dashboard.CaseFigures": Keep(("case",), "the cells the case is counted in: no names"),
}


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _rows(label: str, paths: tuple[str, ...], case: Case):
    condition = Q()
    for path in paths:
        condition |= Q(**{path: case})
    return _model(label).objects.filter(condition)


def case_erase(*, reference: str, actor: Actor, reason: str) -> Case:
    """Erase the personal data and files of one closed case (withdrawn, rejected,
    referred or arrived); the case stays as an anonymous statistic."""
    reason = reason.strip()
    if not reason:
        raise CaseError(_("Please give a reason."), code="reason_required")
    files: list[str] = []
    with transaction.atomic():
        case = (
            cases_for(actor)
            .select_for_update()
            .select_related("applicant", "mission")
            .filter(reference=reference.strip().upper())
            .first()
        )
        if case is None:
            raise CaseError(_("No such case."), code="not_found")
        if case.applicant.erased_at is not None:
            raise CaseError(_("This case has already been erased."), code="unchanged")
        if case.state not in FINAL_STATES:
            raise CaseError(
                _("Only closed cases can be erased; this one is “%(state)s”. Withdraw it first.")
                % {"state": case.get_state_display()},
                code="open",
            )
        storage = Document._meta.get_field("file").storage
        files = [name for name in case.documents.values_list("file", flat=True) if name]
        for label, action in ERASURE_PLAN.items():
            rows = _rows(label, action.paths, case)
            if isinstance(action, Delete):
                rows.delete()
            elif isinstance(action, Scrub):
                rows.update(**action.values)
        case.applicant.__class__.objects.filter(pk=case.applicant_id).update(
            erased_at=timezone.now()
        )
        record_event(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            action="erase",
            actor=actor,
            reason=reason,
            data={"documents": len(files)},
        )
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return case


def retention_policy() -> dict[str, int]:
    """Days after closing that a case in each final state is kept, from
    LEGION_RETENTION_DAYS ("rejected=365,withdrawn=90,..."); states not named are kept."""
    policy: dict[str, int] = {}
    for item in settings.LEGION_RETENTION_DAYS.split(","):
        if not item.strip():
            continue
        state, sep, days = item.strip().partition("=")
        if not sep or state not in FINAL_STATES or not days.isdigit():
            raise ImproperlyConfigured(
                f"LEGION_RETENTION_DAYS: {item!r} is not final_state=days "
                f"(final states: {', '.join(FINAL_STATES)})"
            )
        policy[state] = int(days)
    return policy


def cases_past_retention(*, now: dt.datetime | None = None):
    """Closed, not yet erased cases older than the retention period of their state."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for state, days in retention_policy().items():
        due |= Q(state=state, closed_at__lt=now - dt.timedelta(days=days))
    return Case.objects.filter(due, applicant__erased_at__isnull=True).order_by("closed_at")


def retention_apply(*, now: dt.datetime | None = None, limit: int | None = None) -> list[str]:
    """Erase every case past its retention period, each in its own transaction; returns
    their references."""
    erased = []
    policy = retention_policy()
    cases = cases_past_retention(now=now).values_list("reference", "state")
    for reference, state in cases[:limit] if limit else cases:
        case_erase(
            reference=reference,
            actor=Actor.system(),
            reason=f"Retention policy: {CaseState(state).label} cases are erased "
            f"{policy[state]} days after closing.",
        )
        erased.append(reference)
    return erased
