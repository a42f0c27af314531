"""Cases: list in scope, detail, available actions, transitions, assignment, bulk."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from legion.accounts.decorators import SENSITIVE_ACTIONS, api_require_recent_auth
from legion.api.schemas import (
    ActionOut,
    AssignmentIn,
    BulkResult,
    BulkTransitionIn,
    BulkTransitionOut,
    CaseDetail,
    CasePage,
    Error,
    TransitionIn,
    ValidationErrorOut,
)
from legion.api.versions import case_etag, case_write
from legion.audit.services import audit_record
from legion.cases.counts import Estimate
from legion.cases.models import Case
from legion.cases.paging import InvalidCursor, KeysetOrder, cursor_decode, keyset_page
from legion.cases.policy import CaseAccess, case_for, cases_for
from legion.cases.services import (
    case_assign,
    case_available_actions,
    case_transition,
    cases_bulk_transition,
)
from legion.cases.states import CaseState
from legion.interviews.selectors import current_interview, current_interview_assessments
from legion.interviews.services import assessments_offered
from legion.missions.actors import Actor

router = Router(tags=["cases"])
ERRORS = {401: Error, 404: Error, 409: Error, 422: ValidationErrorOut}
# The list's order: newest submission first (cases not submitted yet after them),
# read backwards through the index on (mission, submitted_at, id).
NEWEST_FIRST = KeysetOrder("submitted_at", descending=True)


def actor_of(request: HttpRequest) -> Actor:
    return Actor.staff(request.auth)


class CaseFilters(Schema):
    state: CaseState | None = None
    mission: str | None = None
    assigned: str | None = None  # "me", "none" or a username
    page: int = 1
    page_size: int = 50
    after: str | None = None  # the `next` cursor of the page before

    def validate_paging(self) -> None:
        from ninja.errors import ValidationError

        problems = []
        if self.after:
            try:
                cursor_decode(self.after)
            except InvalidCursor as exc:
                problems.append({"loc": ("query", "after"), "msg": str(exc)})
        if self.page < 1:
            problems.append({"loc": ("query", "page"), "msg": "Must be 1 or more."})
        if not 1 <= self.page_size <= 200:
            problems.append({"loc": ("query", "page_size"), "msg": "Must be between 1 and 200."})
        if problems:
            raise ValidationError(problems)


def summary(case: Case) -> dict:
    return {
        "reference": case.reference,
        "state": case.state,
        "state_label": case.get_state_display(),
        "mission": case.mission.code,
        "nationality": case.applicant.nationality.code or "",
        "applicant_name": str(case.applicant),
        "assigned_to": case.assigned_to.get_username() if case.assigned_to else None,
        "submitted_at": case.submitted_at,
        "updated_at": case.updated_at,
    }


def actions(case: Case, actor: Actor) -> list[dict]:
    return [
        {
            "name": a.name,
            "label": a.label,
            "reason_required": a.reason_required,
            "danger": a.danger,
            "unmet": list(a.unmet),
            "service": a.service,
        }
        for a in case_available_actions(case=case, actor=actor)
    ]


def assessment_offers(case: Case, actor: Actor) -> list[dict]:
    return [
        {"kind": o.kind, "label": o.label, "unmet": list(o.unmet)}
        for o in assessments_offered(case=case, actor=actor)
    ]


def detail(case: Case, actor: Actor) -> dict:
    """The case as the caller's role may see it: every part the access policy masks
    for that role is null (the OpenAPI document says so field by field)."""
    access = CaseAccess.of(actor, case)
    applicant = case.applicant
    interview = current_interview(case=case) if access.sees_interview else None
    return {
        **summary(case),
        "held_from_state": case.held_from_state,
        "language": case.language,
        "sees": sorted(access.fields),
        "applicant": {
            "given_name": applicant.given_name,
            "surname": applicant.surname,
            "native_name": applicant.native_name,
            "date_of_birth": applicant.date_of_birth,
            "nationality": applicant.nationality.code or "",
            "second_nationality": applicant.second_nationality.code or "",
            "languages": applicant.languages or [],
        }
        if access.sees_identity
        else None,
        "contact": {
            "email": applicant.email,
            "phone": applicant.phone,
            "address": applicant.address_lines,
        }
        if access.sees_contact
        else None,
        "passport": {
            "number": applicant.passport_number,
            "country": applicant.passport_country.code or "",
            "expiry": applicant.passport_expiry,
        }
        if access.sees_passport
        else None,
        "documents": [
            {"id": d.pk, "kind": d.kind, "status": d.status, "uploaded_at": d.uploaded_at}
            for d in case.documents.all()
            if access.sees_document(d)
        ]
        if access.sees_documents
        else None,
        "interview": {
            "starts_at": interview.slot.starts_at,
            "ends_at": interview.slot.ends_at,
            "location": interview.slot.location,
            "language": interview.language,
            "status": interview.status,
        }
        if interview is not None
        else None,
        "assessments": [
            {
                "kind": a.kind,
                "favourable": a.favourable,
                "suitability": a.suitability,
                "recommended_role": a.recommended_role,
                "identity_confirmed": a.identity_confirmed,
                "language_ok": a.language_ok,
                "notes": a.notes,
                "signed_by": a.signed_by_name,
                "signed_at": a.signed_at,
            }
            for a in current_interview_assessments(case=case)
        ]
        if access.sees_assessments
        else None,
        "events": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_label,
                "reason": e.reason,
            }
            for e in case.events.all()
        ],
        "actions": actions(case, actor),
        "assessments_offered": assessment_offers(case, actor),
    }


def get_case(actor: Actor, reference: str) -> Case:
    """The case within the caller's scope; CaseNotFound (404) otherwise."""
    return case_for(actor, reference)


# Declared before the /{reference} routes, which would otherwise match it.
@router.post(
    "/bulk-transitions",
    response={200: BulkTransitionOut, **ERRORS},
    summary="One action on many cases; each case succeeds or is refused on its own",
)
def bulk_transition(request: HttpRequest, payload: BulkTransitionIn):
    if payload.action in SENSITIVE_ACTIONS:
        api_require_recent_auth(request, user=request.auth)
    references = [r.strip().upper() for r in payload.references]
    results = cases_bulk_transition(
        references=references, action=payload.action, actor=actor_of(request), reason=payload.reason
    )
    return {
        "results": [
            BulkResult(reference=ref, ok=message == "ok", detail=message)
            for ref, message in results.items()
        ]
    }


@router.get("", response={200: CasePage, **ERRORS}, summary="Cases in your scope")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    filters.validate_paging()
    actor = actor_of(request)
    cases: QuerySet[Case] = cases_for(actor).select_related("mission", "applicant", "assigned_to")
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.mission:
        cases = cases.filter(mission__code=filters.mission)
    if filters.assigned == "me":
        cases = cases.filter(assigned_to=request.auth)
    elif filters.assigned == "none":
        cases = cases.filter(assigned_to__isnull=True)
    elif filters.assigned:
        cases = cases.filter(assigned_to__username=filters.assigned)
    page = keyset_page(
        cases,
        order=NEWEST_FIRST,
        per_page=filters.page_size,
        after=filters.after,
        number=filters.page,
    )
    audit_record(
        action="case.list",
        actor=actor,
        request=request,
        data={"via": "api", "references": [c.reference for c in page.object_list]},
    )
    count = page.paginator.count
    return {
        "count": count,
        "count_is_estimate": isinstance(count, Estimate),
        "page": page.number,
        "page_size": filters.page_size,
        "results": [summary(c) for c in page.object_list],
        "next": page.next_cursor,
    }


@router.get("/{reference}", response={200: CaseDetail, **ERRORS}, summary="One case")
def case_detail(request: HttpRequest, reference: str, response: HttpResponse):
    actor = actor_of(request)
    case = case_for(actor, reference, viewed="api case detail", request=request)
    response["ETag"] = case_etag(case)
    return detail(case, actor)


@router.get(
    "/{reference}/actions", response={200: list[ActionOut], **ERRORS}, summary="Available actions"
)
def case_actions(request: HttpRequest, reference: str):
    actor = actor_of(request)
    return actions(get_case(actor, reference), actor)


@router.post(
    "/{reference}/transitions",
    response={200: CaseDetail, **ERRORS},
    summary="Take a transition (409 with the refusal when the workflow refuses)",
)
def take_transition(
    request: HttpRequest, reference: str, payload: TransitionIn, response: HttpResponse
):
    actor = actor_of(request)
    if payload.action in SENSITIVE_ACTIONS:
        api_require_recent_auth(request, user=request.auth)
    with case_write(request, actor=actor, reference=reference.upper()):
        case = case_transition(
            reference=reference.upper(), action=payload.action, actor=actor, reason=payload.reason
        )
    case = get_case(actor, case.reference)
    response["ETag"] = case_etag(case)
    return detail(case, actor)


@router.post(
    "/{reference}/assignment",
    response={200: CaseDetail, **ERRORS},
    summary="Assign to a consular officer of the mission, or unassign (null)",
)
def assign(request: HttpRequest, reference: str, payload: AssignmentIn, response: HttpResponse):
    actor = actor_of(request)
    assignee_id = None
    if payload.assignee is not None:
        user = get_user_model().objects.filter(username=payload.assignee).first()
        # An unknown username is refused by the service like any non-officer.
        assignee_id = user.pk if user else 0
    with case_write(request, actor=actor, reference=reference.upper()):
        case = case_assign(reference=reference.upper(), actor=actor, assignee_id=assignee_id)
    case = get_case(actor, case.reference)
    response["ETag"] = case_etag(case)
    return detail(case, actor)
