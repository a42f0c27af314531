"""The interview, the assessments, the visa, the travel instructions and transfers: one
thin operation per service the workspace's forms call, answering the case as it is then.

Every operation takes `If-Match` (the case's ETag) and `Idempotency-Key` like any write.
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from legion.accounts.decorators import api_require_recent_auth
from legion.api.cases import ERRORS, actor_of, detail, get_case
from legion.api.schemas import CaseDetail
from legion.api.versions import case_etag, case_write
from legion.cases.services import case_submit, case_transfer
from legion.cases.travel import instructions_issue, visa_issue, visa_refuse
from legion.interviews.models import Assessment
from legion.interviews.services import assessment_sign, interview_book, interview_cancel

router = Router(tags=["decisions"])


class BookingIn(Schema):
    slot_id: int = Field(
        description="An open slot of the mission: GET /missions/{code}/slots?available=true"
    )
    language: str = Field(
        "", max_length=10, description="Interview language; the case's own by default."
    )


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class AssessmentIn(Schema):
    favourable: bool
    notes: str = Field("", max_length=4000)
    suitability: Assessment.Suitability | None = Field(
        None, description="Military assessment only."
    )
    recommended_role: str = Field("", max_length=200)
    identity_confirmed: bool | None = Field(None, description="Consular assessment only.")
    language_ok: bool | None = None


class VisaIn(Schema):
    visa_type: str = Field(min_length=1, max_length=60)
    visa_number: str = Field(min_length=1, max_length=60)
    valid_from: dt.date
    valid_until: dt.date


class InstructionsIn(Schema):
    entry_point: str = Field(min_length=1, max_length=200)
    assembly_point: str = Field(min_length=1, max_length=200)
    report_by: dt.date
    documents_to_bring: list[str] = Field(default_factory=list, max_length=30)
    equipment: list[str] = Field(default_factory=list, max_length=60)
    contacts: str = Field(min_length=1, max_length=2000)
    notes: str = Field("", max_length=4000)


class TransferOut(Schema):
    reference: str
    mission: str = Field(description="The mission the case now belongs to.")


class TransferIn(Schema):
    mission: str = Field(min_length=1, max_length=40, description="Code of the receiving mission.")
    reason: str = Field(min_length=1, max_length=2000)


def _answer(request: HttpRequest, response: HttpResponse, reference: str) -> dict:
    actor = actor_of(request)
    case = get_case(actor, reference)
    response["ETag"] = case_etag(case)
    return detail(case, actor)


def _write(request: HttpRequest, reference: str):
    return case_write(request, actor=actor_of(request), reference=reference.upper())


@router.post(
    "/{reference}/interview", response={200: CaseDetail, **ERRORS}, summary="Book an interview slot"
)
def book_interview(
    request: HttpRequest, reference: str, payload: BookingIn, response: HttpResponse
):
    with _write(request, reference):
        interview_book(
            reference=reference.upper(),
            slot_id=payload.slot_id,
            actor=actor_of(request),
            language=payload.language,
        )
    return _answer(request, response, reference)


@router.post(
    "/{reference}/interview/cancellation",
    response={200: CaseDetail, **ERRORS},
    summary="Cancel the booked interview (the case goes back to review)",
)
def cancel_interview(
    request: HttpRequest, reference: str, payload: ReasonIn, response: HttpResponse
):
    with _write(request, reference):
        interview_cancel(
            reference=reference.upper(), actor=actor_of(request), reason=payload.reason
        )
    return _answer(request, response, reference)


@router.post(
    "/{reference}/assessments/{kind}",
    response={200: CaseDetail, **ERRORS},
    summary="Sign the military (attaché) or consular (consul) assessment",
)
def sign_assessment(
    request: HttpRequest,
    reference: str,
    kind: Assessment.Kind,
    payload: AssessmentIn,
    response: HttpResponse,
):
    with _write(request, reference):
        assessment_sign(
            reference=reference.upper(),
            actor=actor_of(request),
            kind=kind,
            favourable=payload.favourable,
            notes=payload.notes.strip(),
            suitability=payload.suitability or "",
            recommended_role=payload.recommended_role.strip(),
            identity_confirmed=payload.identity_confirmed,
            language_ok=payload.language_ok,
        )
    return _answer(request, response, reference)


@router.post(
    "/{reference}/visa",
    response={200: CaseDetail, **ERRORS},
    summary="Record the visa (the consul; needs a recent sign-in with a code)",
)
def issue_visa(request: HttpRequest, reference: str, payload: VisaIn, response: HttpResponse):
    get_case(actor_of(request), reference)  # out of scope is 404 before any code is asked
    api_require_recent_auth(request, user=request.auth)
    with _write(request, reference):
        visa_issue(
            reference=reference.upper(),
            actor=actor_of(request),
            visa_type=payload.visa_type,
            visa_number=payload.visa_number,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
        )
    return _answer(request, response, reference)


@router.post(
    "/{reference}/visa/refusal",
    response={200: CaseDetail, **ERRORS},
    summary="Refuse the visa with a reason (the consul; needs a recent sign-in with a code)",
)
def refuse_visa(request: HttpRequest, reference: str, payload: ReasonIn, response: HttpResponse):
    get_case(actor_of(request), reference)  # out of scope is 404 before any code is asked
    api_require_recent_auth(request, user=request.auth)
    with _write(request, reference):
        visa_refuse(reference=reference.upper(), actor=actor_of(request), reason=payload.reason)
    return _answer(request, response, reference)


@router.post(
    "/{reference}/instructions",
    response={200: CaseDetail, **ERRORS},
    summary="Write the travel instructions (sent to the applicant by e-mail and PDF)",
)
def issue_instructions(
    request: HttpRequest, reference: str, payload: InstructionsIn, response: HttpResponse
):
    with _write(request, reference):
        instructions_issue(
            reference=reference.upper(),
            actor=actor_of(request),
            entry_point=payload.entry_point,
            assembly_point=payload.assembly_point,
            report_by=payload.report_by,
            documents_to_bring=payload.documents_to_bring,
            equipment=payload.equipment,
            contacts=payload.contacts,
            notes=payload.notes,
        )
    return _answer(request, response, reference)


@router.post(
    "/{reference}/transfer",
    response={200: TransferOut, **ERRORS},
    summary="Move the case to another mission (before an interview is booked)",
)
def transfer(request: HttpRequest, reference: str, payload: TransferIn):
    # The case leaves the caller's mission, and so their scope: the answer only says where.
    with _write(request, reference):
        case = case_transfer(
            reference=reference.upper(),
            actor=actor_of(request),
            mission_code=payload.mission,
            reason=payload.reason,
        )
    return {"reference": case.reference, "mission": case.mission.code}


@router.post(
    "/{reference}/submission",
    response={200: CaseDetail, **ERRORS},
    summary="Submit a draft taken down by staff (assisted intake), with identity screening",
)
def submit_draft(request: HttpRequest, reference: str, response: HttpResponse):
    with _write(request, reference):
        case_submit(reference=reference.upper(), actor=actor_of(request))
    return _answer(request, response, reference)
