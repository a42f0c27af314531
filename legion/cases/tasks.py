"""Background tasks about cases: thin, they load by id and call a service."""

from django.tasks import task

from legion.cases.instructions import instructions_email_send


@task
def send_travel_instructions(instructions_id: int) -> int:
    """E-mail issued travel instructions (with the PDF) to the applicant."""
    return instructions_email_send(instructions_id=instructions_id)


@task
def send_document_rejected(document_id: int) -> int:
    """E-mail the applicant that a document was rejected, with the reason."""
    from legion.cases.documents import document_rejection_email_send

    return document_rejection_email_send(document_id=document_id)
