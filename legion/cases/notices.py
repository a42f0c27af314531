"""A notice to the applicant for every decision on their case, in the case's language.

`case_event_notify()` is called for every transition, in its transaction (from
`services._apply`, the one place that writes transition events); each notice goes
through the outbox. Interview invitations and cancellations are sent by the interview
services, travel instructions by `travel.instructions_issue`, because they carry
attachments of their own.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from legion.cases.models import Case, CaseEvent
from legion.cases.notifications import applicant_email_queue
from legion.outbox.services import outbox_messages_withdraw

TEMPLATE = "cases/email/decision"


@dataclass(frozen=True)
class Notice:
    kind: str  # for staff on the case page
    subject: str
    paragraphs: tuple[str, ...]
    # Whether the reason staff gave is for the applicant's eyes. Interview assessments
    # and security findings are not: those notices say only what was decided.
    shows_reason: bool = False
    other_ways: bool = False


REJECTED = _("We have looked at your application and cannot accept it.")
NOTICES: dict[str, Notice] = {
    "refer": Notice(
        "referral",
        _("Your application: other ways to help"),
        (
            _(
                "We have looked at your application. The legion cannot take you, but you "
                "can help in other ways, for example through humanitarian and non-combat "
                "organisations."
            ),
        ),
        shows_reason=True,
        other_ways=True,
    ),
    "reject": Notice("rejection", _("Decision on your application"), (REJECTED,), True),
    "reject_after_interview": Notice(
        "rejection after the interview",
        _("Decision on your application"),
        (_("After your interview the mission decided it cannot accept your application."),),
    ),
    "reject_on_security_grounds": Notice(
        "rejection", _("Decision on your application"), (REJECTED,)
    ),
    "refuse_visa": Notice(
        "visa refusal",
        _("Decision on your visa"),
        (_("The consul has refused your visa, so your application cannot continue."),),
        shows_reason=True,
    ),
    "hold": Notice(
        "hold",
        _("Your application is paused"),
        (
            _(
                "Your application is paused while the mission completes some checks. You "
                "do not need to do anything. We will write to you when it continues."
            ),
        ),
    ),
    "release": Notice(
        "release",
        _("Your application continues"),
        (_("The checks are complete. Your application continues from where it was."),),
    ),
    "appeal": Notice(
        "appeal received",
        _("We have received your appeal"),
        (
            _(
                "We have received your request to reconsider the decision on your "
                "application. Someone who did not make the decision will look at it and "
                "we will write to you with the outcome."
            ),
        ),
    ),
    "allow_appeal": Notice(
        "appeal allowed",
        _("Your appeal: your application is looked at again"),
        (
            _(
                "Your appeal has been allowed. The mission will look at your application "
                "again and tell you about the next steps."
            ),
        ),
        shows_reason=True,
    ),
    "dismiss_appeal": Notice(
        "appeal dismissed",
        _("Your appeal: the decision stands"),
        (
            _(
                "We have reconsidered the decision on your application, and it stands. "
                "This was your one appeal against it."
            ),
        ),
        shows_reason=True,
    ),
    "withdraw": Notice(
        "withdrawal",
        _("Your application is withdrawn"),
        (
            _(
                "Your application is withdrawn. If you did not ask for this, contact the "
                "mission at once."
            ),
        ),
    ),
}

# Waiting e-mails that a change makes wrong, taken back in the same transaction.
WITHDRAWN_BY = {
    "hold": ("travel instructions",),
    "withdraw": ("travel instructions",),
    "reject_on_security_grounds": ("travel instructions",),
}


def case_event_notify(*, case: Case, event: CaseEvent) -> None:
    """React to one transition event: take back e-mails it makes wrong, and queue the
    applicant's notice of the decision, if it is one."""
    if event.kind != CaseEvent.Kind.TRANSITION:
        return
    if stale := WITHDRAWN_BY.get(event.action):
        outbox_messages_withdraw(case_id=case.pk, kinds=stale)
    notice = NOTICES.get(event.action)
    if notice is None:
        return
    with translation.override(case.language):
        context = {
            "subject": str(notice.subject),
            "paragraphs": [str(p) for p in notice.paragraphs],
            "reason": event.reason if notice.shows_reason else "",
            "other_ways": notice.other_ways,
        }
    applicant_email_queue(case=case, template=TEMPLATE, kind=notice.kind, context=context)
