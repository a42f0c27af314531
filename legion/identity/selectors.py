"""Read-only queries about identity review items."""

from typing import Any

from django.db.models import Q

from legion.identity.models import DuplicateCandidate, ReviewStatus, WatchlistHit


def case_has_open_review(*, case: Any) -> bool:
    """True while a duplicate or watch-list item naming this case awaits HQ security."""
    return (
        DuplicateCandidate.objects.filter(
            Q(case=case) | Q(other_case=case), status=ReviewStatus.OPEN
        ).exists()
        or WatchlistHit.objects.filter(case=case, status=ReviewStatus.OPEN).exists()
    )


def cases_under_review_q() -> Q:
    """Cases named in any duplicate or watch-list review item: HQ security's scope."""
    return (
        Q(pk__in=DuplicateCandidate.objects.values("case_id"))
        | Q(pk__in=DuplicateCandidate.objects.values("other_case_id"))
        | Q(pk__in=WatchlistHit.objects.values("case_id"))
    )
