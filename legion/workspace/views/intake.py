"""Taking an application down for an applicant who phoned, wrote or came in: the
portal's questions on one page, the legal advice read out, then the same submission."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods
from django_countries import countries

from legion.advisories.services import advisory_for_nationality, risk_notice
from legion.assisted.services import answers_read, application_take, may_take_applications
from legion.cases.intake import IntakeInvalid
from legion.cases.languages import language_name
from legion.cases.policy import mission_for
from legion.cases.services import CaseError
from legion.missions.actors import Actor
from legion.workspace.access import staff_view
from legion.workspace.forms import TakeApplicationForm, TakeApplicationStartForm
from legion.workspace.views.common import render_at


@require_http_methods(["GET", "POST"])
@staff_view
def application_take_view(request: HttpRequest, mission: str) -> HttpResponse:
    actor: Actor = request.actor
    mission_obj = mission_for(actor, mission)
    if not may_take_applications(actor=actor, mission=mission_obj):
        raise PermissionDenied("Only consular officers of this mission take applications.")
    start = TakeApplicationStartForm(request.GET or None)
    if not start.is_valid():
        return render_at(request, mission_obj, "workspace/take.html", {"start": start})
    nationality = start.cleaned_data["nationality"]
    channel = start.cleaned_data["channel"]
    language = start.cleaned_data["language"]
    form = TakeApplicationForm(
        request.POST or None, request.FILES or None, initial={"passport_country": nationality}
    )
    refused = False
    if request.method == "POST" and form.is_valid():
        application, errors = answers_read(form.row(nationality=nationality, language=language))
        try:
            if errors:
                raise IntakeInvalid(errors)
            case = application_take(
                mission_code=mission_obj.code,
                actor=actor,
                application=application,
                channel=channel,
            )
        except IntakeInvalid as exc:
            refused = True
            for name, message in exc.errors.items():
                field = name if name in form.fields else None
                if name == "languages":
                    field = "language_1"
                form.add_error(field, message)
        except CaseError as exc:
            refused = True
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Application {case.reference} taken and submitted. The applicant has been "
                "e-mailed the reference and a link to follow it.",
            )
            return redirect("workspace:case", reference=case.reference)
    return render_at(
        request,
        mission_obj,
        "workspace/take.html",
        {
            "start": start,
            "form": form,
            "nationality": countries.name(nationality),
            "channel": dict(start.fields["channel"].choices)[channel],
            "language": language_name(language),
            "advisory": advisory_for_nationality(nationality=nationality, language=language),
            "notice": risk_notice(language=language),
        },
        status=400 if refused else 200,
    )
