"""The conversation on a case. Internal notes: written and read only by staff of the
case's mission. Messages: between the applicant and the mission's staff. Each write
and each read is audited (both are personal data, sealed at rest)."""

import datetime as dt
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from legion.audit.services import audit_record
from legion.cases.documents import document_upload
from legion.cases.models import Case, CaseEvent, Document
from legion.cases.notifications import applicant_email_queue
from legion.cases.policy import MESSAGE, REQUEST_INFORMATION, WRITE_NOTE, CaseAccess, case_for
from legion.cases.services import CaseError
from legion.cases.states import CaseState
from legion.conversation.models import CaseMessage, CaseNote, InformationRequest
from legion.missions.actors import Actor

# The portal page that lists the messages (the portal sits above this app).
MESSAGES_PATH = "/my-application/messages/"

NOTE_MAX = 5000


def _may_use_notes(actor: Actor, case: Case) -> bool:
    """Staff holding a role at the case's mission; never the applicant, never HQ."""
    return CaseAccess.of(actor, case).may(WRITE_NOTE)


def _case(actor: Actor, reference: str, *, for_update: bool = False) -> Case:
    case = case_for(actor, reference, for_update=for_update)
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


MESSAGE_MAX = 5000
MESSAGE_TEMPLATE = "conversation/email/message"


def _may_message(actor: Actor, case: Case) -> bool:
    """The case's applicant, or staff holding a role at the case's mission."""
    return CaseAccess.of(actor, case).may(MESSAGE)


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise CaseError(_("Please write your message."), code="invalid")
    if len(body) > MESSAGE_MAX:
        raise CaseError(
            _("Please keep the message under %(max)d characters.") % {"max": MESSAGE_MAX},
            code="invalid",
        )
    return body


def _message_case(actor: Actor, reference: str) -> Case:
    """The case locked for a message, or a refusal that says nothing about other cases."""
    case = case_for(actor, reference, for_update=True)
    if not _may_message(actor, case) or case.state == CaseState.DRAFT:
        raise CaseError(_("Messages cannot be sent on this case."), code="forbidden")
    if case.applicant.erased_at is not None:
        raise CaseError(_("Messages cannot be sent on this case."), code="forbidden")
    return case


def _attachment_kind(case: Case, actor: Actor) -> str:
    """A file the applicant sends while a document is asked for is that document (the
    soonest due); anything else is filed as "other"."""
    if actor.is_applicant:
        asked = (
            case.information_requests.filter(answered_at__isnull=True)
            .exclude(document_kind="")
            .order_by("due_on", "pk")
            .values_list("document_kind", flat=True)
            .first()
        )
        if asked:
            return asked
    return Document.Kind.OTHER


def _message_add(
    *, case: Case, actor: Actor, body: str, document: Document | None, answers: bool
) -> CaseMessage:
    """Store one message on a locked case with what follows from it: a reply closes what
    was asked; a mission's answer (`answers`) handles what the applicant wrote before;
    the applicant is e-mailed that there is a message."""
    from_applicant = actor.is_applicant
    message = CaseMessage.objects.create(
        case=case,
        sender=CaseMessage.Sender.APPLICANT if from_applicant else CaseMessage.Sender.MISSION,
        author=actor.user,
        author_label=actor.label,
        body=body,
        document=document,
    )
    if from_applicant:
        # A reply closes what was asked: an answer always, a document if one came.
        open_requests = case.information_requests.filter(answered_at__isnull=True)
        if document is None:
            open_requests = open_requests.filter(document_kind="")
        open_requests.update(answered_at=timezone.now())
    else:
        if answers:
            case.messages.filter(
                sender=CaseMessage.Sender.APPLICANT, handled_at__isnull=True
            ).update(handled_at=timezone.now())
        applicant_email_queue(
            case=case,
            template=MESSAGE_TEMPLATE,
            kind="new message notice",
            context={"messages_url": settings.SITE_URL.rstrip("/") + MESSAGES_PATH},
        )
    audit_record(action="case.message_send", actor=actor, case=case, data={"message": message.pk})
    return message


def case_message_send(
    *, reference: str, actor: Actor, body: str, uploaded_file=None
) -> CaseMessage:
    """Send a message on the case: from the applicant to the mission or back. A file
    goes through the same checks as any upload (kept as a document of the case). The
    applicant is e-mailed only that there is a message, with a link, never its text."""
    body = _check_body(body)
    with transaction.atomic():
        case = _message_case(actor, reference)
        document = None
        if uploaded_file is not None:
            token = _sending_message.set(True)
            try:
                document = document_upload(
                    reference=case.reference,
                    actor=actor,
                    kind=_attachment_kind(case, actor),
                    uploaded_file=uploaded_file,
                )
            finally:
                _sending_message.reset(token)
        return _message_add(case=case, actor=actor, body=body, document=document, answers=True)


# Set while a message's attachment is uploaded: the message itself tells the mission.
_sending_message: ContextVar[bool] = ContextVar("sending_message", default=False)


def document_upload_answers_request(*, case: Case, event: CaseEvent) -> None:
    """Reaction to every case event (registered in AppConfig.ready): a document the
    applicant uploads anywhere (the documents page, the API) closes the open requests for
    that kind of document and shows in the conversation as the applicant's reply, so the
    case is back in front of the officer ("applicant replied")."""
    if event.kind != CaseEvent.Kind.DOCUMENT or event.action != "upload":
        return
    if event.actor_id is not None or event.actor_label != "applicant":
        return
    kind = (event.data or {}).get("kind", "")
    closed = case.information_requests.filter(answered_at__isnull=True, document_kind=kind).update(
        answered_at=timezone.now()
    )
    if closed and not _sending_message.get():
        message = CaseMessage.objects.create(
            case=case,
            sender=CaseMessage.Sender.APPLICANT,
            author_label="applicant",
            body="",  # shown as "uploaded in answer to the request", in the reader's language
            document_id=(event.data or {}).get("document"),
        )
        audit_record(
            action="case.message_send",
            actor=Actor.applicant(case.pk),
            case=case,
            data={"message": message.pk, "upload": True},
        )


def case_message_attachment(*, case: Case, actor: Actor, message_id: int) -> Document | None:
    """The document attached to one message of the case, for its applicant or the
    mission's staff (the download is audited); None if there is no such attachment."""
    if not _may_message(actor, case):
        return None
    message = (
        case.messages.select_related("document")
        .filter(pk=message_id, document__isnull=False)
        .first()
    )
    if message is None or message.document is None:
        return None
    audit_record(
        action="case.message_attachment_read",
        actor=actor,
        case=case,
        data={"message": message.pk, "document": message.document.pk},
    )
    return message.document


def case_messages_read(*, case: Case, actor: Actor) -> list[CaseMessage] | None:
    """The case's messages, oldest first, for its applicant and the mission's staff
    (the read is audited); None for anyone else."""
    if not _may_message(actor, case):
        return None
    listed = list(case.messages.select_related("document").order_by("created_at", "pk")[:500])
    if listed:
        audit_record(
            action="case.messages_read", actor=actor, case=case, data={"messages": len(listed)}
        )
    return listed


def case_messages_waiting(*, case: Case) -> int:
    """How many of the applicant's messages the mission has not answered yet."""
    return case.messages.filter(
        sender=CaseMessage.Sender.APPLICANT, handled_at__isnull=True
    ).count()


REMINDER_TEMPLATE = "conversation/email/reminder"
REMIND_DAYS_BEFORE = 2


def information_request_ask(
    *, reference: str, actor: Actor, question: str, due_on: dt.date, document_kind: str = ""
) -> InformationRequest:
    """A consular officer of the mission asks the applicant for a document or an answer
    by `due_on`. It shows as a to-do on the status page and as a message (so the
    applicant is e-mailed that there is one); the applicant's reply closes it."""
    question = question.strip()
    if not question:
        raise CaseError(_("Please say what you need from the applicant."), code="invalid")
    if document_kind and document_kind not in Document.Kind.values:
        raise CaseError(_("Choose which document this is."), code="invalid")
    if due_on <= timezone.localdate():
        raise CaseError(_("The due date must be after today."), code="invalid")
    with transaction.atomic():
        case = _case(actor, reference, for_update=True)
        if not CaseAccess.of(actor, case).may(REQUEST_INFORMATION):
            raise CaseError(
                _("Only consular officers ask applicants for information."), code="forbidden"
            )
        request = InformationRequest.objects.create(
            case=case,
            question=question,
            document_kind=document_kind,
            due_on=due_on,
            asked_by=actor.user,
        )
        # Asking is not answering: what the applicant wrote before stays unanswered.
        _message_add(case=case, actor=actor, body=question, document=None, answers=False)
        audit_record(
            action="case.information_request", actor=actor, case=case, data={"request": request.pk}
        )
    return request


def information_requests_open(*, case: Case) -> list[InformationRequest]:
    """What the mission is still waiting for from the applicant, soonest due first."""
    return list(case.information_requests.filter(answered_at__isnull=True).order_by("due_on"))


def information_requests_remind(*, today: dt.date | None = None) -> int:
    """E-mail a reminder for every open request due within REMIND_DAYS_BEFORE days that
    has not had one; returns how many were queued. Run daily by the task worker."""
    today = today or timezone.localdate()
    due = InformationRequest.objects.select_related("case__applicant", "case__mission").filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
        case__applicant__erased_at__isnull=True,
    )
    count = 0
    for request in due:
        with transaction.atomic():
            claimed = InformationRequest.objects.filter(
                pk=request.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue  # another run took it
            applicant_email_queue(
                case=request.case,
                template=REMINDER_TEMPLATE,
                kind="reminder: information requested",
                context={
                    "due_on": request.due_on,
                    "messages_url": settings.SITE_URL.rstrip("/") + MESSAGES_PATH,
                },
            )
        count += 1
    return count
