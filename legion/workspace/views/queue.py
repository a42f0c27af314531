"""The mission queue: search, filters, sorting, pagination, assignment and bulk actions."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from legion.assisted.services import may_take_applications
from legion.audit.services import audit_record
from legion.cases.documents import cases_bulk_verify_documents
from legion.cases.paging import InvalidCursor
from legion.cases.policy import MissionAccess, case_assignees, cases_for, mission_for
from legion.cases.services import CaseError, case_assign, cases_bulk_transition
from legion.cases.states import CaseState
from legion.dashboard.service_levels import DUE_CHOICES
from legion.interviews.slots import interviews_bulk_book
from legion.missions.actors import Actor
from legion.workspace.access import staff_view
from legion.workspace.selectors import (
    ASSIGNED_CHOICES,
    CONVERSATION_CHOICES,
    SORT_LABELS,
    STATE_TABS,
    QueueFilters,
    mission_nationalities,
    mission_queue,
    mission_state_counts,
    queue_page,
    queue_page_details,
)
from legion.workspace.views.common import render_at

PAGE_SIZE = 50
BULK_ACTIONS = {
    "start_review": "Start review",
    "verify_documents": "Verify pending documents",
    "schedule": "Schedule in the next free slots",
    "assign": "Assign to",
    "reject": "Reject (reason required)",
}
BULK_LIMIT = 200


@require_GET
@staff_view
def queue(request: HttpRequest, mission: str) -> HttpResponse:
    actor: Actor = request.actor
    mission_obj = mission_for(actor, mission)
    filters = QueueFilters.from_query(request.GET)
    cases = mission_queue(actor=actor, mission=mission_obj, filters=filters)
    try:
        page = queue_page(cases, filters=filters, params=request.GET, per_page=PAGE_SIZE)
    except InvalidCursor as exc:
        messages.error(request, str(exc))
        page = queue_page(cases, filters=filters, params={}, per_page=PAGE_SIZE)
    page.object_list = queue_page_details(list(page.object_list))
    # A queue page shows names: which cases someone listed belongs in the audit log.
    audit_record(
        action="queue.view",
        actor=actor,
        data={
            "mission": mission_obj.code,
            # The search text may be a name or a passport number: it stays out of the log.
            "filters": {k: v for k, v in filters.as_query().items() if k != "q"},
            "searched": bool(filters.q),
            "references": [case.reference for case in page.object_list],
        },
        request=request,
    )
    counts = mission_state_counts(actor=actor, mission=mission_obj)
    tabs = [
        (
            tab,
            "Open" if tab == "open" else "All" if tab == "all" else CaseState(tab).label,
            counts.get(tab, 0),
            urlencode(filters.as_query(state=tab)),
        )
        for tab in STATE_TABS
        if tab in ("open", "all") or counts.get(tab)
    ]
    context = {
        "mission": mission_obj,
        "filters": filters,
        "page": page,
        "tabs": tabs,
        "query": urlencode(filters.as_query()),
        "sort_labels": SORT_LABELS,
        "assigned_choices": ASSIGNED_CHOICES,
        "conversation_choices": CONVERSATION_CHOICES,
        "due_choices": DUE_CHOICES,
        "nationalities": [
            (code, countries.name(code))
            for code in mission_nationalities(
                actor=actor, mission=mission_obj, selected=filters.nationality
            )
        ],
        "mission_access": MissionAccess.of(actor, mission_obj),
        "may_take_applications": may_take_applications(actor=actor, mission=mission_obj),
        "bulk_actions": BULK_ACTIONS,
        "officers": case_assignees(mission_id=mission_obj.pk),
        "bulk_results": request.session.pop(f"bulk:{mission_obj.code}", None),
    }
    template = "workspace/queue.html"
    if request.headers.get("HX-Target") == "queue-results":
        template += "#results"
    return render_at(request, mission_obj, template, context)


def _each(references: list[str], operation: Callable[[str], object]) -> dict[str, str]:
    results = {}
    for reference in references:
        try:
            operation(reference)
            results[reference] = "ok"
        except CaseError as exc:
            results[reference] = exc.message
    return results


@require_POST
@staff_view
def queue_bulk(request: HttpRequest, mission: str) -> HttpResponse:
    """Apply one action to the ticked cases, each through its service, and report per case."""
    actor: Actor = request.actor
    mission_obj = mission_for(actor, mission)
    back = reverse("workspace:queue", args=[mission_obj.code])
    if query := request.POST.get("query", ""):
        back += "?" + query
    references = list(dict.fromkeys(request.POST.getlist("references")))[:BULK_LIMIT]
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    if not references:
        messages.error(request, "Tick at least one case.")
        return redirect(back)
    if action not in BULK_ACTIONS:
        messages.error(request, "Choose an action.")
        return redirect(back)
    if action in ("start_review", "reject"):
        results = cases_bulk_transition(
            references=references, action=action, actor=actor, reason=reason
        )
    elif action == "verify_documents":
        results = cases_bulk_verify_documents(references=references, actor=actor)
    elif action == "schedule":
        results = interviews_bulk_book(references=references, actor=actor)
    else:
        raw = request.POST.get("assignee", "")
        assignee_id = None if raw in ("", "none") else int(raw) if raw.isdigit() else -1
        results = _each(
            references,
            lambda ref: case_assign(reference=ref, actor=actor, assignee_id=assignee_id),
        )
    names = dict(
        cases_for(actor)
        .filter(reference__in=references)
        .values_list("reference", "applicant__surname")
    )
    done = sum(1 for message in results.values() if message == "ok")
    request.session[f"bulk:{mission_obj.code}"] = {
        "action": BULK_ACTIONS[action],
        "done": done,
        "refused": len(results) - done,
        "rows": [
            {"reference": ref, "name": names.get(ref, ""), "ok": msg == "ok", "message": msg}
            for ref, msg in results.items()
        ],
    }
    return redirect(back)
