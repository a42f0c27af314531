"""Background tasks about cases: thin, they load by id and call a service."""

from django.tasks import task

from legion.cases.instructions import instructions_email_send


@task
def send_travel_instructions(instructions_id: int) -> int:
    """E-mail issued travel instructions (with the PDF) to the applicant."""
    return instructions_email_send(instructions_id=instructions_id)
