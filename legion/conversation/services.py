"""Internal notes on a case: written and read only by staff of the case's mission,
each write and each read audited (notes are personal data)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from legion.audit.services import audit_record
from legion.cases.models import Case
from legion.cases.selectors import case_for_actor
from legion.cases.services import CaseError
from legion.conversation.models import CaseNote
from legion.missions.actors import Actor

NOTE_MAX = 5000


def _may_use_notes(actor: Actor, case: Case) -> bool:
    """Staff holding a role at the case's mission; never the applicant, never HQ."""
    return actor.is_staff and bool(actor.roles_at(case.mission_id))


def _case(actor: Actor, reference: str, *, for_update: bool = False) -> Case:
    try:
        case = case_for_actor(actor, reference, for_update=for_update)
    except Case.DoesNotExist as exc:
        raise CaseError(_("No such case."), code="not_found") from exc
    if not _may_use_notes(actor, case):
        raise CaseError(
            _("Only staff of the case's mission read and write its notes."), code="forbidden"
        )
    return case


def case_note_add(*, reference: str, actor: Actor, body: str) -> CaseNote:
    """Write an internal note on the case (staff of its mission only)."""
    body = body.strip()
    if not body:
        raise CaseError(_("Please write the note."), code="invalid")
    if len(body) > NOTE_MAX:
        raise CaseError(
            _("Please keep the note under %(max)d characters.") % {"max": NOTE_MAX},
            code="invalid",
        )
    with transaction.atomic():
        case = _case(actor, reference)
        note = CaseNote.objects.create(
            case=case, author=actor.user, author_label=actor.label, body=body
        )
        audit_record(action="case.note_add", actor=actor, case=case, data={"note": note.pk})
    return note


def case_notes_read(*, case: Case, actor: Actor) -> list[CaseNote] | None:
    """The case's notes, newest first, for staff of its mission (the read is audited);
    None for anyone else, who must not learn whether there are any."""
    if not _may_use_notes(actor, case):
        return None
    notes: QuerySet[CaseNote] = case.notes.order_by("-created_at", "-pk")[:200]
    listed = list(notes)
    if listed:
        audit_record(action="case.notes_read", actor=actor, case=case, data={"notes": len(listed)})
    return listed
