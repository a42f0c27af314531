"""E-mails to applicants, in the language of their case.

How to send one (the shape every notification follows): a service changes data and,
inside its transaction, calls `applicant_email_queue()`. That renders the message and
writes it, sealed, to the outbox (legion/outbox) in the same transaction: nothing is
sent for a change that is rolled back, nothing is lost for one that commits, and the
request never waits for the mail server. The task worker delivers it with retries.

Templates come in three files: `<name>_subject.txt`, `<name>.txt` and optionally
`<name>.html`, rendered with the case's language active; mark their text with
{% translate %} so it can be translated.
"""

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from legion.cases.models import Case
from legion.outbox.models import OutboxMessage
from legion.outbox.services import outbox_email_add

Attachment = tuple[str, bytes | str, str]  # file name, content, MIME type


def applicant_email(
    *,
    case: Case,
    template: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
) -> EmailMultiAlternatives | None:
    """The message `template` for the applicant of `case`, rendered in the case's
    language with times in the mission's time zone; None when the applicant left no
    e-mail address."""
    if not case.applicant.email:
        return None
    values = {
        "case": case,
        "applicant": case.applicant,
        "mission": case.mission,
        "site_url": settings.SITE_URL.rstrip("/"),
        **(context or {}),
    }
    # Times in the mission's zone: the date and time filters convert aware datetimes
    # to the active zone, which outside this block is UTC (finding M1).
    with translation.override(case.language), timezone.override(ZoneInfo(case.mission.timezone)):
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


def applicant_email_queue(
    *,
    case: Case,
    template: str,
    kind: str,
    context: dict[str, Any] | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage | None:
    """Render one e-mail to the applicant and put it in the outbox, in the caller's
    transaction; None when the applicant left no e-mail address. `kind` names it for
    staff on the case page ("interview invitation")."""
    message = applicant_email(
        case=case, template=template, context=context, attachments=attachments
    )
    if message is None:
        return None
    return outbox_email_add(email=message, kind=kind, case_id=case.pk)
