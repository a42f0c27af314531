"""After applying: getting back in without a password, the status page, the interview,
withdrawing."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legion.cases.access import (
    AccessRefused,
    access_link_check,
    access_redeem_code,
    access_redeem_link,
    access_request,
)
from legion.cases.documents import DocumentRefused
from legion.cases.eligibility import evaluate_case
from legion.cases.instructions import (
    assembly_point_visible,
    instructions_html,
    instructions_pdf,
    instructions_pdf_filename,
)
from legion.cases.languages import language_name
from legion.cases.models import Case, Document, TravelInstructions
from legion.cases.services import CaseError, case_available_actions, case_transition
from legion.cases.states import FINAL_STATES, OPEN_STATES, VISA_GRANTED_STATES, CaseState
from legion.conversation.services import (
    case_message_attachment,
    case_message_send,
    case_messages_read,
    information_requests_open,
)
from legion.interviews.selectors import current_interview, open_slots
from legion.interviews.services import interview_book, interview_cancel
from legion.missions.actors import Actor
from legion.portal import forms
from legion.portal.session import applicant_required, applicant_sign_in, applicant_sign_out
from legion.portal.status import OUTCOME_STATES, next_steps
from legion.portal.views.common import page
from legion.reports.services import humanise_duration, waiting_times


def _home_for(case: Case) -> str:
    return reverse("portal:apply" if case.state == CaseState.DRAFT else "portal:status")


def access_link(request: HttpRequest, token: str) -> HttpResponse:
    """A link from an e-mail. Opening it (GET) uses nothing, because mail scanners open
    links too; the applicant presses Continue (POST) to use it."""
    try:
        access_link_check(token=token)
        if request.method == "POST":
            case = access_redeem_link(token=token)
            applicant_sign_in(request, case)
            return redirect(_home_for(case))
    except AccessRefused as exc:
        return page(request, "portal/account/link_refused.html", {"message": exc.message})
    return page(request, "portal/account/link.html")


def access_code(request: HttpRequest) -> HttpResponse:
    """Reference number plus the code from the e-mail, for another device."""
    form = forms.AccessCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = access_redeem_code(
                reference=form.cleaned_data["reference"], code=form.cleaned_data["code"]
            )
        except AccessRefused as exc:
            form.add_error("code", exc.message)
        else:
            applicant_sign_in(request, case)
            return redirect(_home_for(case))
    return page(request, "portal/account/code.html", {"form": form})


def access_request_view(request: HttpRequest) -> HttpResponse:
    """Return to an application: a new link goes to the e-mail address on the case.
    The answer is the same whether or not such a case exists."""
    form = forms.AccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        access_request(reference=form.cleaned_data["reference"], email=form.cleaned_data["email"])
        return redirect("portal:access_sent")
    return page(request, "portal/account/request.html", {"form": form})


def access_sent(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/account/sent.html")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    applicant_sign_out(request)
    # "Start a new application" from a closed case signs out first, then starts afresh.
    return redirect("portal:apply" if request.POST.get("next") == "apply" else "portal:signed_out")


def _can_book(case: Case, actor: Actor) -> bool:
    """Whether the applicant may book now. Which guard blocks it is not said: one of
    them is the security review, which the applicant must not learn about."""
    return any(
        a.name == "schedule_interview" and not a.unmet
        for a in case_available_actions(case=case, actor=actor)
    )


# The step of the mission's waiting times that a case in this state is waiting for.
WAITING_FOR = {
    CaseState.SUBMITTED: (CaseState.SUBMITTED, CaseState.IN_REVIEW),
    CaseState.IN_REVIEW: (CaseState.IN_REVIEW, CaseState.INTERVIEW_SCHEDULED),
    CaseState.ON_HOLD: (CaseState.IN_REVIEW, CaseState.INTERVIEW_SCHEDULED),
    CaseState.VISA_PENDING: (CaseState.VISA_PENDING, CaseState.VISA_ISSUED),
    CaseState.VISA_ISSUED: (CaseState.VISA_ISSUED, CaseState.INSTRUCTIONS_ISSUED),
}


def typical_wait(case: Case) -> str:
    """How long the step the case waits for usually takes at its mission, in words;
    empty when there are too few recent cases to say."""
    step = WAITING_FOR.get(case.state)
    if step is None:
        return ""
    for wait in waiting_times(mission_id=case.mission_id):
        if (wait.from_state, wait.to_state) == step and wait.median is not None:
            return humanise_duration(wait.median)
    return ""


@applicant_required
def status(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Where the application stands, in plain words, and what happens next."""
    if case.state == CaseState.DRAFT:
        return redirect("portal:apply")
    interview = current_interview(case=case)
    shown_state = case.held_from_state if case.state == CaseState.ON_HOLD else case.state
    eligibility = None
    if case.state in OUTCOME_STATES:
        eligibility = evaluate_case(case, language=get_language())
    steps = next_steps(case.state, eligibility)
    return page(
        request,
        "portal/account/status.html",
        {
            "case": case,
            "text": steps.text,
            "steps": steps,
            "shown_state": shown_state,
            "interview": interview if case.state == CaseState.INTERVIEW_SCHEDULED else None,
            "can_book": _can_book(case, actor),
            "can_withdraw": case.state in (*OPEN_STATES, CaseState.ON_HOLD),
            "can_upload": steps.ask_for_documents,
            "rejected_documents": (
                case.documents.filter(status=Document.Status.REJECTED)
                if steps.ask_for_documents
                else []
            ),
            "interview_language": language_name(interview.language) if interview else "",
            "has_instructions": _issued_instructions(case) is not None,
            "information_requests": information_requests_open(case=case),
            "is_closed": case.state in FINAL_STATES,
            "typical_wait": typical_wait(case),
        },
    )


@applicant_required
def interview_book_view(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Choose a day, then one of its open interview times, in the mission's time zone.

    Two small questions instead of one long list: a mission may offer hundreds of times."""
    if not _can_book(case, actor):
        return page(
            request,
            "portal/account/interview_unavailable.html",
            {"case": case, "back_url": reverse("portal:status")},
        )
    slots = list(open_slots(mission_id=case.mission_id)[:500])
    days: dict[str, list] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(_zone(case)).date().isoformat(), []).append(slot)
    languages = case.mission.interview_languages or ["en"]
    spoken = [i.get("code") for i in case.applicant.languages or []]
    preferred = next((c for c in spoken if c in languages), languages[0])
    form = forms.InterviewBookForm(
        request.POST if request.method == "POST" else None,
        slots=slots,
        languages=languages,
        initial={"language": preferred},
    )
    if request.method == "POST" and form.is_valid():
        try:
            interview_book(
                reference=case.reference,
                slot_id=form.cleaned_data["slot"],
                actor=actor,
                language=form.cleaned_data["language"],
            )
        except CaseError as exc:
            form.add_error("slot", exc.message)
        else:
            messages.success(request, _("Your interview is booked."))
            return redirect("portal:status")
    chosen = request.POST.get("day") or request.GET.get("day") or ""
    if len(days) == 1:
        chosen = next(iter(days))
    context = {
        "case": case,
        "mission_tz": case.mission.timezone,
        "back_url": reverse("portal:status"),
    }
    if chosen not in days:
        context["days"] = [(day, found[0].starts_at, len(found)) for day, found in days.items()]
        if form.is_bound and form.errors:
            context["day_error"] = next(iter(form.errors.values()))[0]
        elif chosen:
            context["day_error"] = _(
                "There are no free times on that day any more. Choose another day."
            )
        context["has_errors"] = "day_error" in context
        status = 400 if context["has_errors"] else 200
        return page(request, "portal/account/interview_day.html", context, status=status)
    if len(days) > 1:
        context["back_url"] = reverse("portal:interview_book")
    context |= {"form": form, "day": chosen, "slots": days[chosen]}
    return page(request, "portal/account/interview_book.html", context)


def _zone(case: Case):
    from zoneinfo import ZoneInfo

    return ZoneInfo(case.mission.timezone or "UTC")


@applicant_required
def interview_cancel_view(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    interview = current_interview(case=case)
    if case.state != CaseState.INTERVIEW_SCHEDULED or interview is None:
        return redirect("portal:status")
    form = forms.ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            interview_cancel(
                reference=case.reference, actor=actor, reason=form.cleaned_data["reason"]
            )
        except CaseError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("Your interview is cancelled. You can book another time."))
            return redirect("portal:status")
    return page(
        request,
        "portal/account/interview_cancel.html",
        {"form": form, "interview": interview, "case": case, "back_url": reverse("portal:status")},
    )


@applicant_required
def withdraw(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Withdraw the application, after saying plainly what that means."""
    if case.state not in (*OPEN_STATES, CaseState.ON_HOLD):
        return redirect("portal:status")
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_transition(
                reference=case.reference,
                action="withdraw",
                actor=actor,
                reason=form.cleaned_data["reason"],
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
            return redirect("portal:status")
    return page(
        request,
        "portal/account/withdraw.html",
        {"form": form, "case": case, "back_url": reverse("portal:status")},
    )


def _issued_instructions(case: Case):
    """The travel instructions, only once issued and while the case holds its visa."""
    if case.state not in VISA_GRANTED_STATES or not assembly_point_visible(case):
        return None
    return TravelInstructions.objects.filter(case=case).select_related("case").first()


@applicant_required
def travel_instructions(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """The travel instructions as a page, in the language of the page."""
    instructions = _issued_instructions(case)
    if instructions is None:
        return redirect("portal:status")
    response = page(
        request,
        "portal/account/instructions.html",
        {
            "case": case,
            "instructions_html": instructions_html(
                instructions, language=get_language(), heading_level=1
            ),
            "back_url": reverse("portal:status"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@applicant_required
def travel_instructions_pdf(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """The travel instructions as a PDF to print or keep offline."""
    instructions = _issued_instructions(case)
    if instructions is None:
        return redirect("portal:status")
    response = HttpResponse(
        instructions_pdf(instructions, language=get_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{instructions_pdf_filename(instructions)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@applicant_required
def messages_view(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Messages between the applicant and the mission; a plain form (no script needed)."""
    form = forms.MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_message_send(
                reference=case.reference,
                actor=actor,
                body=form.cleaned_data["body"],
                uploaded_file=form.cleaned_data["file"],
            )
        except DocumentRefused as exc:
            form.add_error("file", exc.message)
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your message has been sent to the embassy or consulate."))
            return redirect("portal:messages")
    return page(
        request,
        "portal/account/messages.html",
        {
            "case": case,
            "form": form,
            "conversation": case_messages_read(case=case, actor=actor) or [],
            "can_write": case.state != CaseState.DRAFT,
        },
    )


# A download loads nothing and is framed by nobody.
DOWNLOAD_CSP = {
    "default-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
}


@applicant_required
def message_attachment(
    request: HttpRequest, message_id: int, *, case: Case, actor: Actor
) -> HttpResponse:
    """A document attached to a message (the mission's or the applicant's own), always
    as a download, never cached."""
    document = case_message_attachment(case=case, actor=actor, message_id=message_id)
    if document is None:
        raise Http404("No such document")
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/octet-stream",
        as_attachment=True,
        filename=document.original_name,
    )
    response["Cache-Control"] = "no-store, private"
    response._csp_config = DOWNLOAD_CSP
    return response
