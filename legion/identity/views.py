"""HQ security's review pages: the queue of duplicate and watch-list items, a
side-by-side comparison with the model's explanation per field, and the decision.

Views are thin: the queue comes from `review_items`, decisions go through the
services (which check the role, require a reason and write the case events)."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from legion.audit.services import audit_case_view
from legion.cases.policy import StaffAccess
from legion.cases.services import CaseError
from legion.identity.decisions import (
    duplicate_confirm,
    duplicate_dismiss,
    watchlist_hit_confirm,
    watchlist_hit_dismiss,
)
from legion.identity.model import COMPARISONS
from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit
from legion.identity.people import review_values
from legion.identity.selectors import REVIEW_KINDS, review_items
from legion.missions.models import Mission
from legion.workspace.access import staff_view

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

SCORE_CHOICES = ("0", "0.5", "0.8", "0.95")
STATUS_CHOICES = {"open": "Open", "confirmed": "Confirmed", "dismissed": "Dismissed", "": "All"}


def security_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff log-in, and the HQ security role; anyone else gets a 404."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not StaffAccess.of(request.actor).reviews_identity:  # type: ignore[attr-defined]
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


@security_view
def review_queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in REVIEW_KINDS else ""
    status = request.GET.get("status", "open")
    status = status if status in STATUS_CHOICES else "open"
    mission = request.GET.get("mission", "")
    try:
        min_score = min(max(float(request.GET.get("min_score", "0")), 0.0), 1.0)
    except ValueError:
        min_score = 0.0
    items = review_items(kind=kind, mission_code=mission, min_score=min_score, status=status)
    rows = [_row(item) for item in items]
    return render(
        request,
        "identity/queue.html",
        {
            "rows": rows,
            "filters": {
                "kind": kind,
                "status": status,
                "mission": mission,
                "min_score": request.GET.get("min_score", "0"),
            },
            "kinds": REVIEW_KINDS,
            "statuses": STATUS_CHOICES,
            "scores": SCORE_CHOICES,
            "missions": Mission.objects.order_by("name"),
        },
    )


def _row(item: Any) -> dict[str, Any]:
    if isinstance(item, DuplicateCandidate):
        return {
            "kind": "Duplicate",
            "score": item.score,
            "status": item.get_status_display(),
            "created_at": item.created_at,
            "url": reverse("security:duplicate", args=[item.pk]),
            "case": item.case,
            "other": f"{item.other_case.reference} · {item.other_case.applicant} "
            f"({item.other_case.mission.city})",
        }
    return {
        "kind": "Watch list",
        "score": item.score,
        "status": item.get_status_display(),
        "created_at": item.created_at,
        "url": reverse("security:hit", args=[item.pk]),
        "case": item.case,
        "other": f"{item.entry.caption} ({item.entry.source})",
    }


def _comparison_rows(
    explanation: dict[str, Any], values: tuple[dict[str, str], dict[str, str]]
) -> list[dict[str, Any]]:
    """One row per compared field: both values (from the people's records, see
    review_values), what the model made of them at screening, the weight."""
    ours, theirs = values
    rows = []
    for comparison in COMPARISONS:
        field = explanation.get(comparison.name, {})
        weight = field.get("weight", 0)
        rows.append(
            {
                "label": comparison.label,
                "a": ours.get(comparison.name, ""),
                "b": theirs.get(comparison.name, ""),
                "level": field.get("level_label", ""),
                "weight": weight,
                "effect": "for" if weight > 0.05 else "against" if weight < -0.05 else "neutral",
            }
        )
    return rows


@security_view
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        DuplicateCandidate.objects.select_related(
            "case__applicant", "case__mission", "other_case__applicant", "other_case__mission"
        ),
        pk=pk,
    )
    for case in (item.case, item.other_case):
        audit_case_view(actor=request.actor, case=case, what="identity review: duplicate")  # type: ignore[attr-defined]
    return render(
        request,
        "identity/duplicate.html",
        {
            "item": item,
            "rows": _comparison_rows(
                item.explanation, review_values(item.case.applicant, item.other_case.applicant)
            ),
            "is_open": item.status == ReviewStatus.OPEN,
        },
    )


@security_view
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        WatchlistHit.objects.select_related("case__applicant", "case__mission", "entry"), pk=pk
    )
    audit_case_view(actor=request.actor, case=item.case, what="identity review: watch list")  # type: ignore[attr-defined]
    properties = item.entry.properties
    listed = [
        ("Names", properties.get("name", [])),
        ("Aliases", properties.get("alias", [])),
        ("Born", properties.get("birthDate", [])),
        ("Nationality", properties.get("nationality", [])),
        ("Documents", item.entry.document_numbers()),
    ]
    return render(
        request,
        "identity/hit.html",
        {
            "item": item,
            "rows": _comparison_rows(
                item.explanation, review_values(item.case.applicant, item.entry)
            ),
            "listed": [(label, ", ".join(values)) for label, values in listed if values],
            "is_open": item.status == ReviewStatus.OPEN,
        },
    )


DECISIONS = {
    "duplicate": {"confirm": duplicate_confirm, "dismiss": duplicate_dismiss},
    "hit": {"confirm": watchlist_hit_confirm, "dismiss": watchlist_hit_dismiss},
}


@require_POST
@security_view
def decide(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    service = DECISIONS.get(kind, {}).get(decision)
    if service is None:
        raise Http404("No such decision")
    reason = request.POST.get("reason", "")
    key = "candidate_id" if kind == "duplicate" else "hit_id"
    try:
        service(**{key: pk}, actor=request.actor, reason=reason)  # type: ignore[attr-defined]
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("security:duplicate" if kind == "duplicate" else "security:hit", pk=pk)
    done = "confirmed" if decision == "confirm" else "dismissed"
    messages.success(request, f"Review item {done}; the decision is recorded on the case.")
    return redirect("security:queue")
