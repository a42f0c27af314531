"""Reads of the conversation for other apps' lists (the staff queue)."""

from django.db.models import QuerySet

from legion.conversation.models import CaseMessage, InformationRequest


def conversation_case_ids(waiting_on: str) -> QuerySet:
    """Ids of the cases whose conversation waits on someone, as a subquery: "waiting"
    (a request the applicant has not answered yet) or "replied" (the applicant wrote or
    sent something the mission has not answered). Both read partial indexes that hold
    only the open rows, so the filter stays cheap however many cases a mission has."""
    if waiting_on == "waiting":
        return InformationRequest.objects.filter(answered_at__isnull=True).values("case_id")
    if waiting_on == "replied":
        return CaseMessage.objects.filter(
            sender=CaseMessage.Sender.APPLICANT, handled_at__isnull=True
        ).values("case_id")
    raise ValueError(f"unknown conversation filter {waiting_on!r}")
