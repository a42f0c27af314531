"""The application: one question (or a small group) per page, then check and send."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legion import cldr
from legion.advisories.intake import draft_acknowledge_advisories, draft_advisories
from legion.cases.access import access_email_send, token_lifetime
from legion.cases.documents import DocumentRefused, document_remove, document_upload
from legion.cases.eligibility import evaluate_case, working_languages
from legion.cases.intake import (
    IntakeInvalid,
    draft_add_language,
    draft_add_service_record,
    draft_check,
    draft_missing,
    draft_remove_language,
    draft_remove_service_record,
    draft_set_mission,
    draft_submit,
    draft_update,
)
from legion.cases.languages import language_name
from legion.cases.models import Case
from legion.cases.services import CaseError
from legion.cases.states import CaseState
from legion.missions.actors import Actor
from legion.portal import forms
from legion.portal.answers import answer_rows, documents_checklist
from legion.portal.services import application_start, new_start_key
from legion.portal.session import applicant_case, applicant_required, applicant_sign_in
from legion.portal.status import next_steps
from legion.portal.views.common import page
from legion.portal.wizard import BY_SECTION, BY_SLUG, QUESTIONS, next_url, previous_url


def draft_required(view):
    """Pages of the application form: only for a signed-in applicant whose case is
    still a draft. After sending, the status page takes over."""

    @applicant_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, case: Case, actor: Actor, **kwargs):
        if case.state != CaseState.DRAFT:
            return redirect("portal:status")
        return view(request, *args, case=case, actor=actor, **kwargs)

    return wrapper


def _back_to_check(request: HttpRequest) -> bool:
    return request.GET.get("return") == "check"


def apply_home(request: HttpRequest) -> HttpResponse:
    """ "Before you start" for newcomers; the application's task list for a draft."""
    case, ended = applicant_case(request)
    if ended:
        return redirect("portal:session_ended")
    request.applicant_case = case
    if case is None:
        return page(
            request, "portal/apply/before_you_start.html", {"back_url": reverse("portal:start")}
        )
    if case.state != CaseState.DRAFT:
        return redirect("portal:status")
    missing = draft_missing(case=case)
    sections = []
    for question in QUESTIONS:
        if question.section == "experience":
            count = case.service_records.count()
            status = "done" if count else "optional"
        else:
            status = "todo" if question.section in missing else "done"
        sections.append({"question": question, "status": status})
    return page(
        request,
        "portal/apply/task_list.html",
        {"case": case, "sections": sections, "complete": not missing},
    )


def apply_mission(request: HttpRequest) -> HttpResponse:
    """Choose the embassy or consulate. Sending this form opens the draft (once)."""
    case, ended = applicant_case(request)
    if ended:
        return redirect("portal:session_ended")
    request.applicant_case = case
    if case is not None and case.state != CaseState.DRAFT:
        return redirect("portal:status")
    if request.method == "POST":
        form = forms.MissionForm(request.POST)
        if form.is_valid():
            code = form.cleaned_data["mission"]
            try:
                if case is None:
                    case = application_start(
                        key=form.cleaned_data["start_key"],
                        mission_code=code,
                        language=get_language(),
                    )
                    applicant_sign_in(request, case)
                if case.mission.code != code:
                    draft_set_mission(
                        reference=case.reference, actor=Actor.applicant(case.pk), mission_code=code
                    )
            except IntakeInvalid as exc:
                form.apply_service_errors(exc)
            else:
                return redirect(next_url("mission", back_to_check=_back_to_check(request)))
    else:
        initial = {"start_key": new_start_key()}
        if case is not None:
            initial["mission"] = case.mission.code
        form = forms.MissionForm(initial=initial)
    return page(
        request,
        "portal/apply/mission.html",
        {"form": form, "back_url": reverse("portal:apply"), "question": BY_SLUG["mission"]},
    )


def _initial(case: Case, form_class) -> dict:
    applicant = case.applicant
    initial = {}
    for name in form_class.base_fields:
        if name == "language":
            initial[name] = case.language
            continue
        value = getattr(applicant, name)
        # Country fields hold Country objects; the forms want their codes.
        initial[name] = getattr(value, "code", value)
    return initial


@draft_required
def apply_question(request: HttpRequest, slug: str, *, case: Case, actor: Actor) -> HttpResponse:
    """Every question page that saves applicant fields (name, birth, passport, ...)."""
    question = BY_SLUG.get(slug)
    if question is None or question.form_class is None:
        raise Http404
    if request.method == "POST":
        form = question.form_class.for_case(case, request.POST)
        if form.is_valid():
            try:
                draft_update(reference=case.reference, actor=actor, changes=form.cleaned_data)
            except IntakeInvalid as exc:
                form.apply_service_errors(exc)
            else:
                return redirect(next_url(slug, back_to_check=_back_to_check(request)))
        else:
            # The answers the form could read are checked too: every problem at once.
            try:
                draft_check(changes=form.cleaned_data)
            except IntakeInvalid as exc:
                form.apply_service_errors(exc)
    else:
        form = question.form_class.for_case(case, initial=_initial(case, question.form_class))
    return page(
        request,
        "portal/apply/question.html",
        {
            "form": form,
            "question": question,
            "single": len(form.fields) == 1,
            "back_url": previous_url(slug),
        },
    )


@draft_required
def apply_languages(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Working languages: a list the applicant adds to one language at a time."""
    form = forms.LanguageAddForm()
    if request.method == "POST":
        if "continue" in request.POST and not request.POST.get("code"):
            if case.applicant.languages:
                return redirect(next_url("languages", back_to_check=_back_to_check(request)))
            form = forms.LanguageAddForm(request.POST)
            form.is_valid()
        else:
            form = forms.LanguageAddForm(request.POST)
            if form.is_valid():
                try:
                    draft_add_language(reference=case.reference, actor=actor, **form.cleaned_data)
                except IntakeInvalid as exc:
                    form.apply_service_errors(exc)
                else:
                    if "continue" in request.POST:
                        return redirect(
                            next_url("languages", back_to_check=_back_to_check(request))
                        )
                    return redirect(request.get_full_path())
    levels = dict(forms.LANGUAGE_LEVELS)
    added = [
        {"code": i["code"], "name": language_name(i["code"]), "level": levels.get(i["level"], "")}
        for i in case.applicant.languages or []
    ]
    return page(
        request,
        "portal/apply/languages.html",
        {
            "form": form,
            "added": added,
            "working_languages": cldr.format_list(
                language_name(code, in_sentence=True) for code in working_languages()
            ),
            "question": BY_SLUG["languages"],
            "back_url": previous_url("languages"),
        },
    )


@require_POST
@draft_required
def apply_language_remove(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    draft_remove_language(reference=case.reference, actor=actor, code=request.POST.get("code", ""))
    return redirect("portal:apply_languages")


@draft_required
def apply_experience(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """The experience entries so far, with a link to add one; none is a valid answer."""
    if request.method == "POST":
        return redirect(next_url("experience", back_to_check=_back_to_check(request)))
    return page(
        request,
        "portal/apply/experience.html",
        {
            "records": list(case.service_records.all()),
            "question": BY_SLUG["experience"],
            "back_url": previous_url("experience"),
        },
    )


@draft_required
def apply_experience_add(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        form = forms.ServiceRecordForm(request.POST)
        if form.is_valid():
            try:
                draft_add_service_record(reference=case.reference, actor=actor, **form.cleaned_data)
            except IntakeInvalid as exc:
                form.apply_service_errors(exc)
            else:
                return redirect("portal:apply_experience")
    else:
        form = forms.ServiceRecordForm(initial={"country": case.applicant.nationality.code or ""})
    return page(
        request,
        "portal/apply/experience_add.html",
        {"form": form, "back_url": reverse("portal:apply_experience")},
    )


@require_POST
@draft_required
def apply_experience_remove(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    try:
        record_id = int(request.POST.get("record", ""))
        draft_remove_service_record(reference=case.reference, actor=actor, record_id=record_id)
    except (ValueError, CaseError) as exc:
        raise Http404 from exc
    return redirect("portal:apply_experience")


@applicant_required
def documents(request: HttpRequest, *, case: Case, actor: Actor, wizard: bool) -> HttpResponse:
    """Upload documents: in the application form (a draft) and later, while the mission
    still reviews the case (to replace a rejected document)."""
    if wizard and case.state != CaseState.DRAFT:
        return redirect("portal:status_documents")
    if not wizard and case.state == CaseState.DRAFT:
        return redirect("portal:apply_documents")
    form = forms.DocumentUploadForm(initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST":
        if "continue" in request.POST:
            target = next_url("documents", back_to_check=_back_to_check(request))
            return redirect(target if wizard else reverse("portal:status"))
        form = forms.DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = document_upload(
                    reference=case.reference,
                    actor=actor,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except DocumentRefused as exc:
                form.add_error("kind" if exc.code == "wrong_kind" else "file", exc.message)
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("“%(name)s” was uploaded as: %(kind)s.")
                    # Isolated (FSI…PDI): a name in Arabic or Hebrew keeps the sentence's order.
                    % {
                        "name": f"\u2068{document.original_name}\u2069",
                        "kind": document.get_kind_display(),
                    },
                )
                return redirect(request.get_full_path())
    can_upload = case.state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.IN_REVIEW)
    return page(
        request,
        "portal/apply/documents.html",
        {
            "form": form,
            "case": case,
            "wizard": wizard,
            "can_upload": can_upload,
            "documents": list(case.documents.all()),
            "checklist": documents_checklist(case),
            "question": BY_SLUG["documents"],
            "back_url": previous_url("documents") if wizard else reverse("portal:status"),
        },
    )


@require_POST
@draft_required
def document_delete(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    try:
        document_id = int(request.POST.get("document", ""))
        document_remove(reference=case.reference, actor=actor, document_id=document_id)
    except ValueError as exc:
        raise Http404 from exc
    except CaseError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document was removed."))
    return redirect("portal:apply_documents")


@draft_required
def apply_advice(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """The legal advice for the applicant's nationality and the risk notice, confirmed."""
    if not case.applicant.nationality:
        return redirect(BY_SECTION["nationality"].url())
    form = forms.AdvisoryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft_acknowledge_advisories(
                reference=case.reference, actor=actor, language=get_language()
            )
        except IntakeInvalid as exc:
            form.add_error("confirm", exc.message)
        else:
            return redirect(next_url("advice", back_to_check=_back_to_check(request)))
    return page(
        request,
        "portal/apply/advice.html",
        {
            "form": form,
            "advisories": draft_advisories(case=case, language=get_language()),
            "acknowledged": "advisory" not in draft_missing(case=case),
            "question": BY_SLUG["advice"],
            "back_url": previous_url("advice"),
        },
    )


@draft_required
def apply_check(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Check your answers, see the eligibility pre-check, and send."""
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            draft_submit(reference=case.reference, actor=actor)
        except IntakeInvalid as exc:
            errors = [(BY_SECTION[s].url(), m) for s, m in exc.errors.items()]
        except CaseError as exc:
            if exc.code == "not_draft":
                return redirect("portal:apply_sent")
            errors = [("", exc.message)]
        else:
            return redirect("portal:apply_sent")
    eligibility = evaluate_case(case, language=get_language())
    missing = draft_missing(case=case)
    return page(
        request,
        "portal/apply/check.html",
        {
            "case": case,
            "rows": answer_rows(case),
            "eligibility": eligibility,
            "missing": [(BY_SECTION[s].url(), m) for s, m in missing.items()],
            "errors": errors,
            "has_errors": bool(errors),
            "back_url": reverse("portal:apply"),
        },
        status=400 if errors else 200,
    )


@applicant_required
def apply_sent(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """The confirmation page: the reference number, and what happens next."""
    if case.state == CaseState.DRAFT:
        return redirect("portal:apply_check")
    steps = next_steps(case.state, evaluate_case(case, language=get_language()))
    return page(request, "portal/apply/sent.html", {"case": case, "steps": steps})


@draft_required
def apply_save(request: HttpRequest, *, case: Case, actor: Actor) -> HttpResponse:
    """Save and come back later: e-mail a one-time link to the draft."""
    if request.method == "POST":
        form = forms.SaveForm(request.POST)
        if form.is_valid():
            try:
                draft_update(
                    reference=case.reference,
                    actor=actor,
                    changes={"email": form.cleaned_data["email"]},
                )
            except IntakeInvalid as exc:
                form.apply_service_errors(exc)
            else:
                case.refresh_from_db()
                access_email_send(case=case, purpose="resume")
                hours = int(token_lifetime().total_seconds() // 3600)
                return page(request, "portal/apply/saved.html", {"case": case, "link_hours": hours})
    else:
        form = forms.SaveForm(initial={"email": case.applicant.email})
    return page(
        request,
        "portal/apply/save.html",
        {"form": form, "back_url": reverse("portal:apply")},
    )
