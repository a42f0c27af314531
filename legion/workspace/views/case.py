"""The case page and the actions taken from it: transitions, assignment, transfer, booking."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from legion.cases.appeals import appeal_decide
from legion.cases.eligibility import evaluate_case
from legion.cases.instructions import instructions_html
from legion.cases.models import Appeal, Case, Document, TravelInstructions, VisaDecision
from legion.cases.policy import CaseAccess, case_assignees, case_for, cases_for
from legion.cases.services import (
    TRANSFERABLE_STATES,
    AvailableAction,
    CaseError,
    case_assign,
    case_available_actions,
    case_submit,
    case_transfer,
    case_transition,
)
from legion.cases.states import CaseState
from legion.conversation.services import (
    case_message_send,
    case_messages_read,
    case_note_add,
    case_notes_read,
    information_request_ask,
    information_requests_open,
)
from legion.identity.passports import passport_comparison
from legion.interviews.models import Assessment, Interview
from legion.interviews.selectors import current_interview, open_slots
from legion.interviews.services import assessments_offered, interview_book, interview_cancel
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.outbox.selectors import outbox_messages_of_case
from legion.workspace.access import staff_view
from legion.workspace.forms import BookingForm, TransferForm
from legion.workspace.views.common import render_at

# Transitions the table gives their own service have their own form here; the case page
# links to the form instead of offering a bare button (the service refuses a bare call).
FORM_ACTIONS = {
    "schedule_interview": "booking",
    "complete_interview": "interview",
    # Taken by assessment_sign itself when an assessment is unfavourable: never offered.
    "reject_after_interview": "",
    "issue_visa": "visa",
    "refuse_visa": "visa",
    "issue_instructions": "instructions",
    # The applicant's own; decided from the appeal panel.
    "appeal": "",
    "allow_appeal": "appeal",
    "dismiss_appeal": "appeal",
}


def case_url(case: Case) -> str:
    return reverse("workspace:case", args=[case.reference])


def _back_to_case(request: HttpRequest, actor: Actor, reference: str) -> HttpResponse:
    """Back to the case page, or to the home page if the case left the actor's scope."""
    if cases_for(actor).filter(reference=reference).exists():
        return redirect("workspace:case", reference)
    return redirect("workspace:home")


def _booking_form(case: Case, data=None) -> BookingForm:
    zone = ZoneInfo(case.mission.timezone)
    languages = list(case.mission.interview_languages or ["en"])
    initial_language = case.language if case.language in languages else languages[0]
    return BookingForm(
        data,
        slots=list(open_slots(mission_id=case.mission_id)[:200]),
        languages=languages,
        zone=zone,
        initial={"language": initial_language},
    )


def _case_records(case: Case) -> None:
    """Load once what the page, its guards and the eligibility rules all read from the
    case (documents, experience, acknowledgements, interviews with their assessments,
    visa, instructions): one statement each instead of one per reader."""
    prefetch_related_objects(
        [case],
        # A passport's machine-readable zone comes with it (legion.identity.passports).
        Prefetch("documents", queryset=Document.objects.select_related("passport_reading")),
        "service_records",
        "acknowledgements",
        Prefetch(
            "interviews",
            queryset=Interview.objects.select_related("slot").prefetch_related("assessments"),
        ),
        Prefetch("visa", queryset=VisaDecision.objects.select_related("decided_by")),
        Prefetch("instructions", queryset=TravelInstructions.objects.select_related("issued_by")),
    )


def case_page_context(actor: Actor, case: Case) -> dict:
    _case_records(case)
    access = CaseAccess.of(actor, case)
    actions: list[AvailableAction] = case_available_actions(case=case, actor=actor)
    documents = [d for d in case.documents.all() if access.sees_document(d)]
    interview = current_interview(case=case) if access.sees_interview else None
    assessments = (
        {a.kind: a for a in interview.assessments.all()}
        if interview and access.sees_assessments
        else {}
    )
    instructions = getattr(case, "instructions", None)
    visa = getattr(case, "visa", None)
    context = {
        "case": case,
        "applicant": case.applicant,
        "access": access,
        "plain_actions": [a for a in actions if a.name not in FORM_ACTIONS],
        "form_actions": [(a, FORM_ACTIONS[a.name]) for a in actions if FORM_ACTIONS.get(a.name)],
        "documents": documents,
        "service_records": list(case.service_records.all()),
        "eligibility": evaluate_case(case, language="en") if access.sees_eligibility else None,
        "events": list(case.events.select_related("actor")),
        "interview": interview,
        "past_interviews": [i for i in case.interviews.all() if i != interview]  # newest first
        if access.sees_interview
        else [],
        "military": assessments.get(Assessment.Kind.MILITARY),
        "consular": assessments.get(Assessment.Kind.CONSULAR),
        # The interviews domain says which form this actor is offered, and why not yet.
        "assessment_offers": {
            offer.kind: offer for offer in assessments_offered(case=case, actor=actor)
        },
        "visa": visa if access.sees_travel else None,
        "instructions": instructions if access.sees_travel else None,
        "acknowledgements": list(case.acknowledgements.all()),
        "outbox": list(outbox_messages_of_case(case_id=case.pk)),
        "notes": case_notes_read(case=case, actor=actor),
        "conversation": case_messages_read(case=case, actor=actor),
        "information_requests": information_requests_open(case=case),
        "document_kind_choices": Document.Kind.choices,
        "today": timezone.localdate(),
    }
    # Read only for a case whose history holds an appeal: no statement for the others.
    if any(e.action == "appeal" for e in context["events"]):
        context["appeal"] = Appeal.objects.filter(case=case).select_related("decided_by").first()
    if access.sees_passport:
        context["passport_reading"], context["passport_fields"] = passport_comparison(
            case.applicant, case.documents.all()
        )
    if context["instructions"] is not None:
        # Staff read them in English; the PDF link gives the applicant's language.
        context["instructions_html"] = mark_safe(instructions_html(instructions, language="en"))  # noqa: S308
    if access.manages_case:
        context["officers"] = case_assignees(mission_id=case.mission_id)
        if case.state == CaseState.IN_REVIEW:
            context["booking_form"] = _booking_form(case)
        others = list(Mission.objects.filter(is_active=True).exclude(pk=case.mission_id))
        if case.state in TRANSFERABLE_STATES and others:
            context["transfer_form"] = TransferForm(missions=others)
    return context


@require_GET
@staff_view
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor: Actor = request.actor
    case = case_for(actor, reference, viewed="case page")
    return render_at(request, case.mission, "workspace/case.html", case_page_context(actor, case))


@require_POST
@staff_view
def case_action(request: HttpRequest, reference: str) -> HttpResponse:
    """Take one plain transition of the table; refusals come back as the page's message."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "cancel_interview":
            interview_cancel(reference=case.reference, actor=actor, reason=reason)
        elif action == "submit":  # assisted intake: the officer submits the draft
            case_submit(reference=case.reference, actor=actor)
        else:
            case_transition(reference=case.reference, action=action, actor=actor, reason=reason)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        updated = Case.objects.get(pk=case.pk)
        messages.success(request, f"Done: the case is now “{updated.get_state_display()}”.")
    return _back_to_case(request, actor, case.reference)


@require_POST
@staff_view
def case_message_send_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Answer the applicant from the case page (they get an e-mail saying there is a message)."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    try:
        case_message_send(
            reference=case.reference,
            actor=actor,
            body=request.POST.get("body", ""),
            uploaded_file=request.FILES.get("file"),
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Message sent; the applicant is e-mailed that there is one.")
    return redirect(reverse("workspace:case", args=[case.reference]) + "#conversation")


@require_POST
@staff_view
def information_request_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask the applicant for a document or an answer by a date."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    try:
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
    except ValueError:
        messages.error(request, "Give the due date as a date.")
    else:
        try:
            information_request_ask(
                reference=case.reference,
                actor=actor,
                question=request.POST.get("question", ""),
                due_on=due_on,
                document_kind=request.POST.get("document_kind", ""),
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Request sent; it shows as a to-do on the applicant's page.")
    return redirect(reverse("workspace:case", args=[case.reference]) + "#conversation")


@require_POST
@staff_view
def case_note_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Add an internal note from the case page."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    try:
        case_note_add(reference=case.reference, actor=actor, body=request.POST.get("body", ""))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Note added.")
    return redirect(reverse("workspace:case", args=[case.reference]) + "#notes")


@require_POST
@staff_view
def case_assign_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor: Actor = request.actor
    case = case_for(actor, reference)
    raw = request.POST.get("assignee", "")
    if raw == "me":
        assignee_id = actor.user.pk
    elif raw in ("", "none"):
        assignee_id = None
    elif raw.isdigit():
        assignee_id = int(raw)
    else:
        raise Http404("No such assignee")
    try:
        updated = case_assign(reference=case.reference, actor=actor, assignee_id=assignee_id)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        who = updated.assigned_to
        messages.success(
            request,
            f"Assigned to {who.get_full_name() or who.get_username()}." if who else "Unassigned.",
        )
    return _back_to_case(request, actor, case.reference)


@require_POST
@staff_view
def case_transfer_view(request: HttpRequest, reference: str) -> HttpResponse:
    actor: Actor = request.actor
    case = case_for(actor, reference)
    try:
        updated = case_transfer(
            reference=case.reference,
            actor=actor,
            mission_code=request.POST.get("mission", ""),
            reason=request.POST.get("reason", ""),
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Case {updated.reference} transferred to {updated.mission.name}."
        )
    return _back_to_case(request, actor, case.reference)


@require_POST
@staff_view
def case_book_interview(request: HttpRequest, reference: str) -> HttpResponse:
    """Book a slot on the applicant's behalf (consular officer)."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    form = _booking_form(case, request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an open slot and a language.")
        return _back_to_case(request, actor, case.reference)
    try:
        interview: Interview = interview_book(
            reference=case.reference,
            slot_id=form.cleaned_data["slot"],
            actor=actor,
            language=form.cleaned_data["language"],
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        local = interview.slot.starts_at.astimezone(ZoneInfo(case.mission.timezone))
        messages.success(
            request,
            f"Interview booked for {local:%a %d %b %Y at %H:%M}; "
            "the applicant is sent an invitation with a calendar file.",
        )
    return _back_to_case(request, actor, case.reference)


@require_POST
@staff_view
def appeal_decide_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Allow or dismiss the applicant's appeal, with the reason they will read."""
    actor: Actor = request.actor
    case = case_for(actor, reference)
    outcome = request.POST.get("outcome", "")
    try:
        if outcome not in ("allow", "dismiss"):
            raise CaseError("Choose whether the appeal is allowed or dismissed.", code="invalid")
        appeal_decide(
            reference=case.reference,
            actor=actor,
            allow=outcome == "allow",
            reason=request.POST.get("reason", ""),
        )
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Appeal decided; the applicant is told the outcome and why.")
    return redirect(reverse("workspace:case", args=[case.reference]) + "#appeal")
