"""Background tasks about interviews: thin, they load by id and call a service."""

from django.tasks import task

from legion.interviews.invitations import interview_cancellation_send, interview_invitation_send


@task
def send_interview_invitation(interview_id: int) -> int:
    """E-mail the interview invitation with its calendar file to the applicant."""
    return interview_invitation_send(interview_id=interview_id)


@task
def send_interview_cancellation(interview_id: int) -> int:
    """E-mail the applicant that their interview is cancelled (the calendar entry too)."""
    return interview_cancellation_send(interview_id=interview_id)
