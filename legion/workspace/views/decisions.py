"""Forms with consequences: the two interview assessments, the visa decision and the
travel instructions. Each page checks the role only to decide what to show; the
service decides, and its refusal is shown on the page."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from legion.accounts.decorators import require_recent_auth
from legion.cases.instructions import (
    EQUIPMENT,
    instructions_defaults,
    instructions_pdf,
    instructions_pdf_filename,
)
from legion.cases.models import Case, TravelInstructions
from legion.cases.policy import CaseAccess, case_for
from legion.cases.services import CaseError
from legion.cases.travel import instructions_issue, visa_issue, visa_refuse
from legion.interviews.models import Assessment
from legion.interviews.selectors import current_interview
from legion.interviews.services import assessment_refusal, assessment_sign
from legion.missions.actors import Actor
from legion.workspace.access import staff_view
from legion.workspace.forms import (
    ConsularAssessmentForm,
    InstructionsForm,
    MilitaryAssessmentForm,
    VisaIssueForm,
    VisaRefuseForm,
)
from legion.workspace.views.common import render_at

ASSESSMENT_FORMS = {
    Assessment.Kind.MILITARY: MilitaryAssessmentForm,
    Assessment.Kind.CONSULAR: ConsularAssessmentForm,
}


def _render_form(
    request: HttpRequest, case: Case, template: str, context: dict, refused: bool
) -> HttpResponse:
    return render_at(
        request,
        case.mission,
        template,
        {"case": case, "applicant": case.applicant, **context},
        status=400 if refused else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view
def assessment(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """The attaché's (military) or the consul's (consular) signed assessment."""
    if kind not in ASSESSMENT_FORMS:
        raise Http404("No such assessment")
    actor: Actor = request.actor
    case = case_for(actor, reference, viewed="assessment form")
    if request.method == "GET":
        # The form opens only for the role that signs it, once the interview has begun.
        refusal = assessment_refusal(case=case, actor=actor, kind=kind)
        if refusal is not None:
            messages.error(request, refusal.message)
            return redirect("workspace:case", case.reference)
    form = ASSESSMENT_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment_sign(
                reference=case.reference,
                actor=actor,
                kind=kind,
                favourable=data["favourable"],
                notes=data.get("notes", "").strip(),
                suitability=data.get("suitability", ""),
                recommended_role=data.get("recommended_role", "").strip(),
                identity_confirmed=data.get("identity_confirmed"),
                language_ok=data.get("language_ok"),
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            state = Case.objects.get(pk=case.pk).get_state_display()
            messages.success(request, f"Assessment signed. The case is “{state}”.")
            return redirect("workspace:case", case.reference)
    interview = current_interview(case=case)
    return _render_form(
        request,
        case,
        "workspace/assessment.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": Assessment.Kind(kind).label,
            "interview": interview,
            "service_records": list(case.service_records.all()),
            "access": CaseAccess.of(actor, case),
            "signed": list(interview.assessments.all()) if interview else [],
        },
        refused=bool(form.errors),
    )


@require_http_methods(["GET", "POST"])
@staff_view
@require_recent_auth
def visa(request: HttpRequest, reference: str) -> HttpResponse:
    """The consul's visa decision: issue (type, number, validity) or refuse with a reason."""
    actor: Actor = request.actor
    case = case_for(actor, reference, viewed="visa form")
    today = timezone.localdate()
    issue_form = VisaIssueForm(
        request.POST if request.POST.get("decision") == "issue" else None,
        initial={"valid_from": today, "valid_until": today + dt.timedelta(days=90)},
    )
    refuse_form = VisaRefuseForm(request.POST if request.POST.get("decision") == "refuse" else None)
    if request.method == "POST":
        try:
            if issue_form.is_bound and issue_form.is_valid():
                visa_issue(reference=case.reference, actor=actor, **issue_form.cleaned_data)
                messages.success(
                    request,
                    "Visa issued. The consular officer can now write the travel instructions.",
                )
                return redirect("workspace:case", case.reference)
            if refuse_form.is_bound and refuse_form.is_valid():
                visa_refuse(
                    reference=case.reference, actor=actor, reason=refuse_form.cleaned_data["reason"]
                )
                messages.success(request, "Visa refused; the case is rejected.")
                return redirect("workspace:case", case.reference)
        except CaseError as exc:
            (issue_form if issue_form.is_bound else refuse_form).add_error(None, exc.message)
    return _render_form(
        request,
        case,
        "workspace/visa.html",
        {"issue_form": issue_form, "refuse_form": refuse_form},
        refused=bool(issue_form.errors or refuse_form.errors),
    )


@require_http_methods(["GET", "POST"])
@staff_view
def instructions(request: HttpRequest, reference: str) -> HttpResponse:
    """The consular officer writes the travel instructions, prefilled from the mission's
    defaults; issuing them e-mails the applicant the instructions with the PDF."""
    actor: Actor = request.actor
    case = case_for(actor, reference, viewed="travel instructions form")
    form = InstructionsForm(
        request.POST or None,
        initial={
            **instructions_defaults(case),
            "report_by": timezone.localdate() + dt.timedelta(days=14),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instructions_issue(
                reference=case.reference,
                actor=actor,
                entry_point=data["entry_point"],
                assembly_point=data["assembly_point"],
                report_by=data["report_by"],
                documents_to_bring=data["documents_to_bring"],
                equipment=form.equipment_list(),
                contacts=data["contacts"],
                notes=data["notes"],
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "Travel instructions issued; the applicant is e-mailed them with the PDF.",
            )
            return redirect("workspace:case", case.reference)
    return _render_form(
        request,
        case,
        "workspace/instructions.html",
        {"form": form, "equipment_count": len(EQUIPMENT)},
        refused=bool(form.errors),
    )


@require_GET
@staff_view
@never_cache
def instructions_pdf_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The PDF exactly as the applicant receives it, in the case's language."""
    actor: Actor = request.actor
    case = case_for(actor, reference, viewed="travel instructions PDF")
    if not CaseAccess.of(actor, case).sees_travel:
        raise Http404("No travel instructions")
    issued = TravelInstructions.objects.filter(case=case).select_related("case").first()
    if issued is None:
        raise Http404("No travel instructions")
    issued.case = case
    response = HttpResponse(instructions_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{instructions_pdf_filename(issued)}"'
    response["Cache-Control"] = "no-store, private"
    return response
