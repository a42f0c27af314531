"""Request and response shapes of the REST API."""

import datetime as dt

from ninja import Field, Schema

from legion.cases.states import CaseState


class Error(Schema):
    detail: str
    code: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    code: str = "invalid"
    errors: list[FieldError]


class CaseSummary(Schema):
    reference: str
    state: CaseState
    state_label: str
    mission: str
    nationality: str
    applicant_name: str
    assigned_to: str | None
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


class CasePage(Schema):
    count: int = Field(
        description="How many cases match: exact up to 1,000, beyond that an estimate "
        "from the database's statistics (then count_is_estimate is true)."
    )
    count_is_estimate: bool = False
    page: int
    page_size: int
    results: list[CaseSummary]
    next: str | None = Field(
        None,
        description="Cursor of the next page (pass it as `after`), null on the last page. "
        "Following cursors costs the same at any depth; `page` numbers count from the start.",
    )


class ApplicantOut(Schema):
    given_name: str
    surname: str
    native_name: str
    date_of_birth: dt.date | None
    nationality: str
    second_nationality: str
    languages: list[dict]


class ContactOut(Schema):
    email: str
    phone: str
    address: list[str] = Field(description="The home address, one line per item.")


class PassportOut(Schema):
    number: str
    country: str
    expiry: dt.date | None


class InterviewOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    language: str
    status: str


class AssessmentOut(Schema):
    kind: str = Field(description="military (the defence attaché) or consular (the consul).")
    favourable: bool
    suitability: str
    recommended_role: str
    identity_confirmed: bool | None
    language_ok: bool | None
    notes: str
    signed_by: str
    signed_at: dt.datetime


class EventOut(Schema):
    at: dt.datetime
    kind: str
    action: str
    from_state: str
    to_state: str
    actor: str
    reason: str


class DocumentOut(Schema):
    id: int
    kind: str
    status: str
    uploaded_at: dt.datetime


class ActionOut(Schema):
    name: str
    label: str
    reason_required: bool
    danger: bool
    unmet: list[str] = Field(description="Why it cannot be taken now; empty when it can.")
    service: str = Field(
        "",
        description=(
            "The service that alone takes this action, with the record its state needs "
            "(its own operation: interview, assessments, visa, instructions); "
            "POST /transitions refuses it with code use_service. Empty for a plain transition."
        ),
    )


class AssessmentOfferOut(Schema):
    kind: str = Field(description="military (the defence attaché's) or consular (the consul's)")
    label: str
    unmet: list[str] = Field(
        description="Why it cannot be signed yet (the interview has not begun); empty when it can."
    )


# Which parts of a case a role sees is the access policy's (legion.cases.policy):
# what the caller's role may not see is null, and `sees` names what it may.
MASKED = "null when your role does not see this part of a case (see `sees`)."


class CaseDetail(CaseSummary):
    held_from_state: str
    language: str
    sees: list[str] = Field(
        description="The parts of the case your role sees: identity, contact, passport, "
        "eligibility, documents, interview, assessments, travel. The others are null."
    )
    applicant: ApplicantOut | None = Field(description="Identity; " + MASKED)
    contact: ContactOut | None = Field(description="E-mail, phone, address; " + MASKED)
    passport: PassportOut | None = Field(description="Passport; " + MASKED)
    documents: list[DocumentOut] | None = Field(
        description="Only the kinds of document your role sees; " + MASKED
    )
    interview: InterviewOut | None = Field(
        description="The booked interview, null when there is none; " + MASKED
    )
    assessments: list[AssessmentOut] | None = Field(
        description="Signed assessments of the live interview; " + MASKED
    )
    events: list[EventOut]
    actions: list[ActionOut]
    assessments_offered: list[AssessmentOfferOut] = Field(
        description="The interview assessments you sign on this case (only your role's form)."
    )


class TransitionIn(Schema):
    action: str = Field(min_length=1, max_length=40)
    reason: str = Field("", max_length=2000)


class AssignmentIn(Schema):
    assignee: str | None = Field(
        description="Username of a consular officer of the case's mission; null to unassign."
    )


class BulkTransitionIn(TransitionIn):
    references: list[str] = Field(min_length=1, max_length=500)


class BulkResult(Schema):
    reference: str
    ok: bool
    detail: str


class BulkTransitionOut(Schema):
    results: list[BulkResult]


class MissionOut(Schema):
    code: str
    name: str
    kind: str
    country: str
    city: str
    timezone: str
    interview_languages: list[str]


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    capacity: int
    booked: int
    languages: list[str]
    is_cancelled: bool


class TallyOut(Schema):
    key: str
    label: str
    count: int = Field(
        description="Sum of the groups of at least five people (smaller ones are left out)."
    )
    incomplete: bool = Field(description="Some groups under five people were left out.")
    shown: str = Field(description='The count as printed: "1234", "1234+" (incomplete), "+".')


class StatisticsOut(Schema):
    total: int
    total_incomplete: bool
    by_state: list[TallyOut]
    by_mission: list[TallyOut]
    by_nationality: list[TallyOut]
