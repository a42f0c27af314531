"""Reads about interviews and slots."""

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from legion.interviews.models import Assessment, Interview, InterviewSlot

LIVE = (Interview.Status.BOOKED, Interview.Status.HELD)


def current_interview(*, case: Any) -> Interview | None:
    """The case's live (booked or held) interview, from the case's prefetched
    interviews when a page loaded them."""
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("interviews")
    if prefetched is not None:
        return next((i for i in prefetched if i.status in LIVE), None)
    return case.interviews.filter(status__in=LIVE).select_related("slot").first()


def current_interview_assessments(*, case: Any) -> list[Assessment]:
    """The signed assessments of the case's live interview (at most one per kind)."""
    return list(
        Assessment.objects.filter(interview__case=case, interview__status__in=LIVE).order_by("kind")
    )


def open_slots(*, mission_id: int) -> QuerySet[InterviewSlot]:
    """Future, not cancelled slots of a mission that still have room."""
    return (
        InterviewSlot.objects.filter(
            mission_id=mission_id, is_cancelled=False, starts_at__gt=timezone.now()
        )
        .annotate(booked=Count("interviews", filter=Q(interviews__status__in=LIVE)))
        .filter(booked__lt=F("capacity"))
        .order_by("starts_at")
    )
