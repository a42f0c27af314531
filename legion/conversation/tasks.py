"""Tasks of the conversation: thin, they call the service."""

from django.tasks import task

from legion.conversation.services import information_requests_remind


@task
def remind_information_requests() -> int:
    """Daily: remind applicants of requests for information due soon."""
    return information_requests_remind()
