"""The applicant's side of the API: what the portal does, with the applicant's one-time
access instead of a staff token.

Start a draft (the answer carries an applicant token), or exchange the e-mailed one-time
link or code for one; then fill in each part, upload documents, read and acknowledge the
legal advice, submit, follow the status, exchange messages, book or cancel the interview,
withdraw. Each operation is the portal's own service (legion/cases/intake.py and the
others), so the same checks and messages apply.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from legion.advisories.intake import draft_acknowledge_advisories, draft_advisories
from legion.api.applicant_tokens import (
    applicant_token_authenticate,
    applicant_token_issue,
    applicant_token_revoke,
)
from legion.api.conversation import (
    InformationRequestOut,
    MessageIn,
    MessageOut,
    message_out,
    request_out,
)
from legion.api.documents import DocumentMeta, document_meta
from legion.api.reference import slot_out
from legion.api.schemas import Error, SlotOut, ValidationErrorOut
from legion.api.tokens import TokenRefused
from legion.audit.context import request_credential_note
from legion.cases.access import (
    AccessRefused,
    access_redeem_code,
    access_redeem_link,
    access_request,
)
from legion.cases.documents import document_remove, document_upload
from legion.cases.intake import (
    draft_add_language,
    draft_add_service_record,
    draft_missing,
    draft_remove_language,
    draft_remove_service_record,
    draft_set_mission,
    draft_submit,
    draft_update,
)
from legion.cases.models import Case, Document, ServiceRecord
from legion.cases.policy import cases_for
from legion.cases.services import case_available_actions, case_transition
from legion.cases.states import CaseState
from legion.conversation.services import (
    case_message_send,
    case_messages_read,
    information_requests_open,
)
from legion.interviews.selectors import current_interview, open_slots
from legion.interviews.services import interview_book, interview_cancel
from legion.missions.actors import Actor
from legion.portal.services import application_start


class ApplicantAuth(HttpBearer):
    """`Authorization: Bearer lga_...`: one applicant's access to their own case."""

    def authenticate(self, request: HttpRequest, token: str):
        applicant_token = applicant_token_authenticate(raw=token)
        request_credential_note(request, {"applicant_token": applicant_token.pk})
        return applicant_token


router = Router(tags=["applicant"], auth=ApplicantAuth())
ERRORS = {401: Error, 404: Error, 409: Error, 422: ValidationErrorOut}


# ---- shapes -------------------------------------------------------------------------


class ApplicantSessionOut(Schema):
    reference: str
    token: str = Field(description="Send as `Authorization: Bearer ...`; shown only once.")
    expires_at: dt.datetime = Field(description="Moves on with each use (idle timeout).")


class DraftStartIn(Schema):
    mission: str = Field(min_length=1, max_length=40, description="Code of the mission.")
    language: str = Field(min_length=2, max_length=10, description="e.g. en, uk, es.")


class AccessEmailIn(Schema):
    reference: str = Field(min_length=1, max_length=40)
    email: str = Field(min_length=3, max_length=254)


class AccessIn(Schema):
    reference: str = Field("", max_length=40, description="With `code`.")
    code: str = Field("", max_length=20, description="The code from the e-mail.")
    link: str = Field("", max_length=200, description="Or: the token of the e-mailed link.")


class AcceptedOut(Schema):
    detail: str


class AnswersIn(Schema):
    """Any of the application's answers; those left out stay as they are."""

    given_name: str | None = None
    surname: str | None = None
    native_name: str | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    place_of_birth: str | None = None
    nationality: str | None = None
    second_nationality: str | None = None
    passport_number: str | None = None
    passport_country: str | None = None
    passport_expiry: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_town: str | None = None
    address_postcode: str | None = None
    address_country: str | None = None
    has_criminal_record: bool | None = None
    language: str | None = Field(None, description="The language we use with you.")


class MissionChoiceIn(Schema):
    mission: str = Field(min_length=1, max_length=40)


class LanguageIn(Schema):
    code: str = Field(min_length=2, max_length=10)
    level: str = Field(min_length=1, max_length=20, description="basic, good, fluent, native.")


class ServiceRecordIn(Schema):
    kind: ServiceRecord.Kind
    country: str = Field(max_length=2)
    branch: str = Field("", max_length=100)
    start_year: int | None = Field(None, ge=1900, le=2100)
    end_year: int | None = Field(None, ge=1900, le=2100)
    specialty: str = Field("", max_length=100)
    rank: str = Field("", max_length=60)
    deployments: str = Field("", max_length=2000)
    licence_number: str = Field("", max_length=60)


class ServiceRecordOut(Schema):
    id: int
    kind: str
    country: str
    branch: str
    start_year: int
    end_year: int | None


class MissingOut(Schema):
    section: str
    message: str


class InterviewOut(Schema):
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class ApplicantCaseOut(Schema):
    reference: str
    state: CaseState
    state_label: str
    mission: str
    language: str
    submitted_at: dt.datetime | None
    answers: AnswersIn = Field(description="Your answers so far.")
    languages: list[dict]
    service_records: list[ServiceRecordOut]
    documents: list[DocumentMeta]
    missing: list[MissingOut] = Field(description="What a draft still needs before sending.")
    information_requests: list[InformationRequestOut] = Field(
        description="What the mission is waiting for from you."
    )
    interview: InterviewOut | None
    actions: list[str] = Field(description="What you can do now (e.g. withdraw).")


class AdvisoryOut(Schema):
    nationality: str = Field(description="Empty for the notice shown to everyone.")
    stance: str
    stance_label: str
    title: str
    body: str
    language: str
    version: int
    source: str


class AcknowledgementIn(Schema):
    language: str = Field(min_length=2, max_length=10, description="The language you read.")


class ApplicantBookingIn(Schema):
    slot_id: int
    language: str = Field("", max_length=10)


class WithdrawalIn(Schema):
    reason: str = Field("", max_length=2000)


class CancellationIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


# ---- helpers ------------------------------------------------------------------------


def _actor(request: HttpRequest) -> Actor:
    return Actor.applicant(request.auth.case_id)


def _case(request: HttpRequest) -> Case:
    return (
        cases_for(_actor(request))
        .select_related("applicant", "mission")
        .get(pk=request.auth.case_id)
    )


def _session(case: Case) -> dict:
    token, raw = applicant_token_issue(case=case)
    return {"reference": case.reference, "token": raw, "expires_at": token.expires_at}


ANSWER_FIELDS = tuple(n for n in AnswersIn.model_fields if n != "language")


def _answers(case: Case) -> dict:
    applicant = case.applicant
    answers = {name: getattr(applicant, name) for name in ANSWER_FIELDS}
    for name in ("nationality", "second_nationality", "passport_country", "address_country"):
        answers[name] = getattr(applicant, name).code or None
    return {**answers, "language": case.language}


def _status(request: HttpRequest) -> dict:
    case = _case(request)
    actor = _actor(request)
    interview = current_interview(case=case)
    missing = draft_missing(case=case) if case.state == CaseState.DRAFT else {}
    return {
        "reference": case.reference,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "mission": case.mission.code,
        "language": case.language,
        "submitted_at": case.submitted_at,
        "answers": _answers(case),
        "languages": case.applicant.languages or [],
        "service_records": [
            {
                "id": r.pk,
                "kind": r.kind,
                "country": r.country.code or "",
                "branch": r.branch,
                "start_year": r.start_year,
                "end_year": r.end_year,
            }
            for r in case.service_records.all()
        ],
        "documents": [document_meta(d) for d in case.documents.order_by("uploaded_at", "pk")],
        "missing": [{"section": s, "message": str(m)} for s, m in missing.items()],
        "information_requests": [request_out(r) for r in information_requests_open(case=case)],
        "interview": None
        if interview is None
        else {
            "status": interview.status,
            "starts_at": interview.slot.starts_at,
            "ends_at": interview.slot.ends_at,
            "location": interview.slot.location,
        },
        "actions": [a.name for a in case_available_actions(case=case, actor=actor) if not a.unmet],
    }


def _reference(request: HttpRequest) -> str:
    return Case.objects.values_list("reference", flat=True).get(pk=request.auth.case_id)


# ---- getting in ---------------------------------------------------------------------


@router.post(
    "/drafts",
    auth=None,
    response={201: ApplicantSessionOut, **ERRORS},
    summary="Start an application at a mission; the answer carries your applicant token",
    description="An `Idempotency-Key` of 32 characters or more makes a retry return the "
    "same draft (with a new token) instead of opening another.",
)
def start_draft(request: HttpRequest, payload: DraftStartIn):
    case = application_start(
        key=request.headers.get("Idempotency-Key", ""),
        mission_code=payload.mission,
        language=payload.language,
    )
    return Status(201, _session(case))


@router.post(
    "/access-emails",
    auth=None,
    response={202: AcceptedOut, **ERRORS},
    summary="E-mail a new one-time link and code to the address of the application",
)
def request_access_email(request: HttpRequest, payload: AccessEmailIn):
    access_request(reference=payload.reference, email=payload.email)
    # The same answer whether or not the reference and address belong together.
    return Status(202, {"detail": "If the reference and address match, an e-mail is on its way."})


@router.post(
    "/sessions",
    auth=None,
    response={201: ApplicantSessionOut, **ERRORS},
    summary="Exchange the e-mailed one-time code (with the reference) or link for a token",
)
def open_session(request: HttpRequest, payload: AccessIn):
    try:
        if payload.link:
            case = access_redeem_link(token=payload.link)
        else:
            case = access_redeem_code(reference=payload.reference, code=payload.code)
    except AccessRefused as exc:
        raise TokenRefused(401, exc.code, exc.message) from exc
    return Status(201, _session(case))


@router.delete("/session", response={204: None, **ERRORS}, summary="Sign out (end this token)")
def close_session(request: HttpRequest):
    applicant_token_revoke(token_id=request.auth.pk)
    return Status(204, None)


# ---- the application ----------------------------------------------------------------


@router.get("/case", response={200: ApplicantCaseOut, **ERRORS}, summary="Your application")
def read_case(request: HttpRequest):
    return _status(request)


@router.patch(
    "/case/answers",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Save some answers of the draft; all are checked first, nothing saved on error",
)
def save_answers(request: HttpRequest, payload: AnswersIn):
    changes = payload.model_dump(exclude_unset=True)
    draft_update(reference=_reference(request), actor=_actor(request), changes=changes)
    return _status(request)


@router.post(
    "/case/mission", response={200: ApplicantCaseOut, **ERRORS}, summary="Apply at another mission"
)
def choose_mission(request: HttpRequest, payload: MissionChoiceIn):
    draft_set_mission(
        reference=_reference(request), actor=_actor(request), mission_code=payload.mission
    )
    return _status(request)


@router.post(
    "/case/languages", response={200: ApplicantCaseOut, **ERRORS}, summary="Add a language"
)
def add_language(request: HttpRequest, payload: LanguageIn):
    draft_add_language(
        reference=_reference(request), actor=_actor(request), code=payload.code, level=payload.level
    )
    return _status(request)


@router.delete(
    "/case/languages/{code}", response={200: ApplicantCaseOut, **ERRORS}, summary="Remove one"
)
def remove_language(request: HttpRequest, code: str):
    draft_remove_language(reference=_reference(request), actor=_actor(request), code=code)
    return _status(request)


@router.post(
    "/case/service-records",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Add military, law-enforcement or medical experience",
)
def add_service_record(request: HttpRequest, payload: ServiceRecordIn):
    draft_add_service_record(
        reference=_reference(request), actor=_actor(request), **payload.model_dump()
    )
    return _status(request)


@router.delete(
    "/case/service-records/{record_id}",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Remove an entry of experience",
)
def remove_service_record(request: HttpRequest, record_id: int):
    draft_remove_service_record(
        reference=_reference(request), actor=_actor(request), record_id=record_id
    )
    return _status(request)


@router.get(
    "/case/advisories",
    response={200: list[AdvisoryOut], **ERRORS},
    summary="The legal advice for your nationality and the notice shown to all, to read",
)
def read_advisories(request: HttpRequest, language: str = ""):
    case = _case(request)
    return [
        {
            "nationality": view.nationality,
            "stance": view.stance,
            "stance_label": view.stance_label,
            "title": view.title,
            "body": view.body,
            "language": view.language,
            "version": view.version,
            "source": view.source,
        }
        for view in draft_advisories(case=case, language=language or case.language)
    ]


@router.post(
    "/case/advisory-acknowledgement",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Confirm you have read and understood the legal advice (recorded with its text)",
)
def acknowledge_advisories(request: HttpRequest, payload: AcknowledgementIn):
    draft_acknowledge_advisories(
        reference=_reference(request), actor=_actor(request), language=payload.language
    )
    return _status(request)


@router.post(
    "/case/documents",
    response={201: DocumentMeta, **ERRORS},
    summary="Upload a document (multipart form; PDF or image, checked and cleaned)",
)
def upload_document(request: HttpRequest, kind: Form[Document.Kind], file: File[UploadedFile]):
    document = document_upload(
        reference=_reference(request), actor=_actor(request), kind=kind, uploaded_file=file
    )
    return Status(201, document_meta(document))


@router.delete(
    "/case/documents/{document_id}",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Remove a document uploaded by mistake (drafts only)",
)
def remove_document(request: HttpRequest, document_id: int):
    document_remove(reference=_reference(request), actor=_actor(request), document_id=document_id)
    return _status(request)


@router.post(
    "/case/submission",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Send the application (422 lists what is still missing)",
)
def submit(request: HttpRequest):
    draft_submit(reference=_reference(request), actor=_actor(request))
    return _status(request)


@router.post("/case/withdrawal", response={200: ApplicantCaseOut, **ERRORS}, summary="Withdraw")
def withdraw(request: HttpRequest, payload: WithdrawalIn):
    case_transition(
        reference=_reference(request),
        action="withdraw",
        actor=_actor(request),
        reason=payload.reason,
    )
    return _status(request)


# ---- messages and the interview -----------------------------------------------------


@router.get("/case/messages", response={200: list[MessageOut], **ERRORS}, summary="Your messages")
def list_messages(request: HttpRequest):
    return [message_out(m) for m in case_messages_read(case=_case(request), actor=_actor(request))]


@router.post(
    "/case/messages",
    response={201: MessageOut, **ERRORS},
    summary="Write to the mission, with a file if asked for one (multipart form)",
)
def send_message(
    request: HttpRequest,
    payload: Form[MessageIn],
    file: File[UploadedFile] | None = None,
):
    message = case_message_send(
        reference=_reference(request), actor=_actor(request), body=payload.body, uploaded_file=file
    )
    return Status(201, message_out(message))


@router.get(
    "/case/slots",
    response={200: list[SlotOut], **ERRORS},
    summary="Open interview times at your mission",
)
def list_slots(request: HttpRequest):
    case = _case(request)
    return [slot_out(s, case.mission) for s in open_slots(mission_id=case.mission_id)[:200]]


@router.post(
    "/case/interview", response={200: ApplicantCaseOut, **ERRORS}, summary="Book an interview"
)
def book_interview(request: HttpRequest, payload: ApplicantBookingIn):
    interview_book(
        reference=_reference(request),
        slot_id=payload.slot_id,
        actor=_actor(request),
        language=payload.language,
    )
    return _status(request)


@router.post(
    "/case/interview/cancellation",
    response={200: ApplicantCaseOut, **ERRORS},
    summary="Cancel your interview",
)
def cancel_interview(request: HttpRequest, payload: CancellationIn):
    interview_cancel(reference=_reference(request), actor=_actor(request), reason=payload.reason)
    return _status(request)
