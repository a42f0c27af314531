"""The interview's guards of the case lifecycle: the transition table (cases/workflow.py)
names them, this app provides the checks (registered in InterviewsConfig.ready)."""

from typing import Any

from legion.interviews.models import Interview
from legion.interviews.selectors import current_interview_assessments


def interview_booked(case: Any) -> bool:
    """The case holds a booked interview (the record `interview_scheduled` means)."""
    return case.interviews.filter(status=Interview.Status.BOOKED).exists()


def no_interview_booked(case: Any) -> bool:
    return not interview_booked(case)


def both_assessments_signed(case: Any) -> bool:
    return len(current_interview_assessments(case=case)) == 2


def both_assessments_favourable(case: Any) -> bool:
    assessments = current_interview_assessments(case=case)
    return len(assessments) == 2 and all(a.favourable for a in assessments)


def an_assessment_unfavourable(case: Any) -> bool:
    return any(not a.favourable for a in current_interview_assessments(case=case))


GUARDS = {
    "interview_booked": interview_booked,
    "no_interview_booked": no_interview_booked,
    "both_assessments_signed": both_assessments_signed,
    "both_assessments_favourable": both_assessments_favourable,
    "an_assessment_unfavourable": an_assessment_unfavourable,
}
