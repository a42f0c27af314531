"""E-mails to applicants, in the language of their case.

How to send one (the shape every notification follows):

1. a service changes data and, inside its transaction, calls
   `enqueue_on_commit(some_task, object_id)`, so nothing is sent for a change that is
   rolled back and the request does not wait for the mail server;
2. the task (a `django.tasks` task in `<app>/tasks.py`) loads the object by id and
   calls a service that builds the message with `applicant_email()` and sends it with
   `applicant_email_send()`, through the MAILERS "default" mailer.

Templates come in three files: `<name>_subject.txt`, `<name>.txt` and optionally
`<name>.html`, rendered with the case's language active; mark their text with
{% translate %} so it can be translated.
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import Task
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from legion.cases.models import Case

MAILER = "default"
Attachment = tuple[str, bytes | str, str]  # file name, content, MIME type


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.enqueue, *args))


def applicant_email(
    *,
    case: Case,
    template: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives | None:
    """The message `template` for the applicant of `case`, rendered in the case's
    language; None when the applicant left no e-mail address."""
    if not case.applicant.email:
        return None
    values = {
        "case": case,
        "applicant": case.applicant,
        "mission": case.mission,
        "site_url": settings.SITE_URL.rstrip("/"),
        **(context or {}),
    }
    with translation.override(case.language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
        text = render_to_string(f"{template}.txt", values)
        try:
            html = render_to_string(f"{template}.html", values)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[case.applicant.email],
        reply_to=[case.mission.email] if case.mission.email else None,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def applicant_email_send(
    *,
    case: Case,
    template: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
) -> int:
    """Render and send one e-mail to the applicant; returns how many were sent (0 when
    there is no address)."""
    message = applicant_email(
        case=case, template=template, context=context, attachments=attachments
    )
    if message is None:
        return 0
    return message.send(using=MAILER)
