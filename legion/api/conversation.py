"""The conversation on a case for staff: messages with the applicant, internal notes,
and requests for information. Each operation is the workspace's own service from
legion/conversation, which decides who may read and write (and audits both).
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from legion.api.cases import ERRORS, actor_of, get_case
from legion.api.versions import case_write
from legion.cases.models import Document
from legion.cases.services import CaseError
from legion.conversation.models import CaseMessage, CaseNote, InformationRequest
from legion.conversation.services import (
    MESSAGE_MAX,
    NOTE_MAX,
    case_message_send,
    case_messages_read,
    case_note_add,
    case_notes_read,
    information_request_ask,
    information_requests_open,
)

router = Router(tags=["conversation"])


class MessageOut(Schema):
    id: int
    sender: CaseMessage.Sender = Field(description="`applicant` or `mission`.")
    author: str = Field(description="The staff member who wrote it; `applicant` otherwise.")
    body: str
    document_id: int | None = Field(description="A file sent with the message, if any.")
    created_at: dt.datetime


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=MESSAGE_MAX)


class NoteOut(Schema):
    id: int
    author: str
    body: str
    created_at: dt.datetime


class NoteIn(Schema):
    body: str = Field(min_length=1, max_length=NOTE_MAX)


class InformationRequestOut(Schema):
    id: int
    question: str
    document_kind: str = Field(description="The document asked for; empty for an answer.")
    due_on: dt.date
    asked_at: dt.datetime
    answered_at: dt.datetime | None


class InformationRequestIn(Schema):
    question: str = Field(min_length=1, max_length=MESSAGE_MAX)
    due_on: dt.date = Field(description="After today.")
    document_kind: Document.Kind | None = Field(
        None, description="Ask for this document; leave out to ask for an answer."
    )


def message_out(message: CaseMessage) -> dict:
    return {
        "id": message.pk,
        "sender": message.sender,
        "author": message.author_label,
        "body": message.body,
        "document_id": message.document_id,
        "created_at": message.created_at,
    }


def _note_out(note: CaseNote) -> dict:
    return {
        "id": note.pk,
        "author": note.author_label,
        "body": note.body,
        "created_at": note.created_at,
    }


def request_out(request: InformationRequest) -> dict:
    return {
        "id": request.pk,
        "question": request.question,
        "document_kind": request.document_kind,
        "due_on": request.due_on,
        "asked_at": request.asked_at,
        "answered_at": request.answered_at,
    }


def _refused(what: str) -> CaseError:
    # The services answer None to those who may not read: the same refusal as a write.
    return CaseError(f"Only staff of the case's mission read its {what}.", code="forbidden")


@router.get(
    "/{reference}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="Messages between the applicant and the mission, oldest first (audited)",
)
def list_messages(request: HttpRequest, reference: str):
    actor = actor_of(request)
    messages = case_messages_read(case=get_case(actor, reference), actor=actor)
    if messages is None:
        raise _refused("messages")
    return [message_out(m) for m in messages]


@router.post(
    "/{reference}/messages",
    response={201: MessageOut, **ERRORS},
    summary="Write to the applicant (they are e-mailed that there is a message, not its text)",
)
def send_message(request: HttpRequest, reference: str, payload: MessageIn):
    actor = actor_of(request)
    with case_write(request, actor=actor, reference=reference.upper()):
        message = case_message_send(reference=reference.upper(), actor=actor, body=payload.body)
    return Status(201, message_out(message))


@router.get(
    "/{reference}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="Internal notes, newest first (staff of the mission; audited)",
)
def list_notes(request: HttpRequest, reference: str):
    actor = actor_of(request)
    notes = case_notes_read(case=get_case(actor, reference), actor=actor)
    if notes is None:
        raise _refused("notes")
    return [_note_out(n) for n in notes]


@router.post(
    "/{reference}/notes",
    response={201: NoteOut, **ERRORS},
    summary="Write an internal note (never shown to the applicant)",
)
def add_note(request: HttpRequest, reference: str, payload: NoteIn):
    actor = actor_of(request)
    with case_write(request, actor=actor, reference=reference.upper()):
        note = case_note_add(reference=reference.upper(), actor=actor, body=payload.body)
    return Status(201, _note_out(note))


@router.get(
    "/{reference}/information-requests",
    response={200: list[InformationRequestOut], **ERRORS},
    summary="What the mission is still waiting for from the applicant, soonest due first",
)
def list_information_requests(request: HttpRequest, reference: str):
    actor = actor_of(request)
    return [request_out(r) for r in information_requests_open(case=get_case(actor, reference))]


@router.post(
    "/{reference}/information-requests",
    response={201: InformationRequestOut, **ERRORS},
    summary="Ask the applicant for a document or an answer by a date (consular officers)",
)
def ask_for_information(request: HttpRequest, reference: str, payload: InformationRequestIn):
    actor = actor_of(request)
    with case_write(request, actor=actor, reference=reference.upper()):
        asked = information_request_ask(
            reference=reference.upper(),
            actor=actor,
            question=payload.question,
            due_on=payload.due_on,
            document_kind=payload.document_kind or "",
        )
    return Status(201, request_out(asked))
