"""The export pages: ask (after re-authentication), wait, download."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from legion.accounts.decorators import require_recent_auth
from legion.cases.policy import mission_for
from legion.cases.services import CaseError
from legion.exports.columns import columns_for
from legion.exports.models import CaseExport
from legion.exports.services import (
    case_export_for,
    case_export_open,
    case_export_request,
    export_access,
)
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.workspace.access import staff_view
from legion.workspace.selectors import QueueFilters
from legion.workspace.views.common import render_at


@require_http_methods(["GET", "POST"])
@staff_view
def export_new(request: HttpRequest, mission: str) -> HttpResponse:
    """Confirm what is exported (filters, columns, format), then ask for it."""
    # The mission first: staff of other missions get 404, not a re-authentication.
    return _export_new(request, mission_for(request.actor, mission))


@require_recent_auth
def _export_new(request: HttpRequest, mission_obj: Mission) -> HttpResponse:
    actor: Actor = request.actor
    params = request.POST if request.method == "POST" else request.GET
    filters = QueueFilters.from_query(params)
    if request.method == "POST":
        try:
            export = case_export_request(
                actor=actor,
                mission_code=mission_obj.code,
                query=filters.as_query(),
                format=request.POST.get("format", ""),
            )
        except CaseError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("exports:detail", export.pk)
    columns = columns_for(export_access(actor, mission_obj))
    return render_at(
        request,
        mission_obj,
        "exports/new.html",
        {
            "filters": filters,
            "filter_items": [(k, v) for k, v in filters.as_query().items()],
            "columns": columns,
            "formats": CaseExport.Format.choices,
        },
    )


def _own(actor: Actor, export_id: str) -> CaseExport:
    export = case_export_for(actor=actor, export_id=export_id)
    if export is None:
        raise Http404("No such export")
    return export


@require_GET
@staff_view
def export_detail(request: HttpRequest, export_id: str) -> HttpResponse:
    export = _own(request.actor, export_id)
    return render_at(request, export.mission, "exports/detail.html", {"export": export})


@require_GET
@staff_view
@never_cache
def export_file(request: HttpRequest, export_id: str) -> HttpResponse:
    try:
        export = case_export_open(actor=request.actor, export_id=export_id)
    except CaseError as exc:
        if exc.code == "not_found":
            raise Http404("No such export") from exc
        messages.error(request, exc.message)
        return redirect("exports:detail", export_id)
    name = f"cases-{export.mission.code}-{export.created_at:%Y%m%d-%H%M}.{export.format}"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store, private"
    return response
