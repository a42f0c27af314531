"""Read-only queries about identity review items."""

from typing import Any

from django.db.models import Exists, Q

from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit


def case_has_open_review(*, case: Any) -> bool:
    """True while a duplicate or watch-list item naming this case awaits HQ security."""
    duplicate = DuplicateCandidate.objects.filter(
        Q(case=case.pk) | Q(other_case=case.pk), status=ReviewStatus.OPEN
    )
    hit = WatchlistHit.objects.filter(case=case.pk, status=ReviewStatus.OPEN)
    # One statement for both: the case page asks on every view.
    return type(case).objects.filter(pk=case.pk).filter(Exists(duplicate) | Exists(hit)).exists()


def no_open_review(case: Any) -> bool:
    """The guard of the case lifecycle: no review item of this case awaits HQ security."""
    return not case_has_open_review(case=case)


def cases_under_review_q() -> Q:
    """Cases named in any duplicate or watch-list review item: HQ security's scope."""
    return (
        Q(pk__in=DuplicateCandidate.objects.values("case_id"))
        | Q(pk__in=DuplicateCandidate.objects.values("other_case_id"))
        | Q(pk__in=WatchlistHit.objects.values("case_id"))
    )


def hq_security_review_scope(actor: Any) -> Q:
    """HQ security's scope extension (registered with the access policy): the cases
    named in a review item, whoever the officer."""
    return cases_under_review_q()


REVIEW_KINDS = {"duplicate": "Duplicates", "watchlist": "Watch-list hits"}


def review_items(
    *,
    kind: str = "",
    mission_code: str = "",
    min_score: float = 0.0,
    status: str = ReviewStatus.OPEN,
    limit: int = 200,
) -> list[Any]:
    """HQ security's queue: duplicate and watch-list items, highest score first.

    Filters: kind ("duplicate", "watchlist" or both), a mission (either case of a
    duplicate pair may be there), the lowest score, and the status."""
    items: list[Any] = []
    if kind in ("", "duplicate"):
        duplicates = DuplicateCandidate.objects.filter(score__gte=min_score).select_related(
            "case__applicant", "case__mission", "other_case__applicant", "other_case__mission"
        )
        if status:
            duplicates = duplicates.filter(status=status)
        if mission_code:
            duplicates = duplicates.filter(
                Q(case__mission__code=mission_code) | Q(other_case__mission__code=mission_code)
            )
        items += list(duplicates.order_by("-score", "-created_at")[:limit])
    if kind in ("", "watchlist"):
        hits = WatchlistHit.objects.filter(score__gte=min_score).select_related(
            "case__applicant", "case__mission", "entry"
        )
        if status:
            hits = hits.filter(status=status)
        if mission_code:
            hits = hits.filter(case__mission__code=mission_code)
        items += list(hits.order_by("-score", "-created_at")[:limit])
    items.sort(key=lambda item: (-item.score, -item.created_at.timestamp()))
    return items[:limit]
