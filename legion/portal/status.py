"""What each case state means to the applicant, in plain words, and what comes next.

The applicant never sees internal states: a case on hold reads exactly like one in
review, so that a security check reveals nothing.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from legion.cases.eligibility import EligibilityReport, Outcome
from legion.cases.states import CaseState as S


@dataclass(frozen=True)
class StatusText:
    label: str | Promise
    explanation: str | Promise
    next_step: str | Promise
    tone: str = "neutral"  # neutral, progress, done, closed


ACTION_NEEDED = _(
    "The embassy or consulate cannot go on with your application until you have done "
    "what is listed under “What you still need to do”."
)

IN_REVIEW = StatusText(
    _("Being checked"),
    _("The embassy or consulate is checking your documents, your experience and your answers."),
    _(
        "When your documents have been checked you can book an interview here. If a document "
        "is not accepted, we tell you why and you can upload a new one."
    ),
    "progress",
)

STATUS_TEXTS = {
    S.DRAFT: StatusText(
        _("Not sent yet"),
        _("You have started an application but have not sent it."),
        _("Finish your answers, upload your documents and send your application."),
    ),
    S.SUBMITTED: StatusText(
        _("Received"),
        _("We have received your application. Nobody has started checking it yet."),
        _("You do not need to do anything now. We will e-mail you when something changes."),
        "progress",
    ),
    S.IN_REVIEW: IN_REVIEW,
    # A hold must not be visible to the applicant: it reads as an ordinary review.
    S.ON_HOLD: IN_REVIEW,
    S.INTERVIEW_SCHEDULED: StatusText(
        _("Interview booked"),
        _(
            "You will meet the defence attaché, who asks about your military experience, "
            "and the consul, who checks your identity and your visa application."
        ),
        _(
            "Come on time with your passport and the originals of the documents you uploaded. "
            "If you cannot come, cancel the interview and book another time."
        ),
        "progress",
    ),
    S.INTERVIEWED: StatusText(
        _("Interview done"),
        _("The defence attaché and the consul have given their assessments."),
        _("The consul will now decide on your visa. We will e-mail you."),
        "progress",
    ),
    S.VISA_PENDING: StatusText(
        _("Visa being decided"),
        _("Your interview went well. The consul is deciding on your visa."),
        _("You do not need to do anything now. We will e-mail you."),
        "progress",
    ),
    S.VISA_ISSUED: StatusText(
        _("Visa issued"),
        _("Your visa has been issued."),
        _(
            "Your travel instructions will follow soon: where to cross the border, what to "
            "bring and whom to contact. Do not travel before you have them."
        ),
        "progress",
    ),
    S.INSTRUCTIONS_ISSUED: StatusText(
        _("Travel instructions ready"),
        _("Your travel instructions are ready."),
        _(
            "Read them carefully and follow them exactly. Keep them private: the meeting "
            "point is confidential."
        ),
        "progress",
    ),
    S.ARRIVED: StatusText(
        _("Arrived"),
        _("You have arrived and your contract has been signed."),
        _("There is nothing more to do here. Thank you."),
        "done",
    ),
    S.REJECTED: StatusText(
        _("Not accepted"),
        _("We cannot accept your application."),
        _(
            "You cannot join the legion through this application. If you want to help in "
            "another way, see the options below."
        ),
        "closed",
    ),
    S.REFERRED: StatusText(
        _("Other ways to help"),
        _(
            "The legion can only take people with military, law-enforcement or medical "
            "experience, because there is no time for basic training."
        ),
        _("There are other ways to help that need people like you. See the options below."),
        "closed",
    ),
    S.UNDER_APPEAL: StatusText(
        _("Appeal being considered"),
        _(
            "You asked for the decision on your application to be reconsidered. Someone "
            "who did not make the decision is looking at it."
        ),
        _("You do not need to do anything now. We will e-mail you with the outcome."),
        "progress",
    ),
    S.WITHDRAWN: StatusText(
        _("Withdrawn"),
        _("You have withdrawn your application."),
        _("If you change your mind, you can start a new application at any time."),
        "closed",
    ),
}


def status_text(state: str) -> StatusText:
    return STATUS_TEXTS[S(state)]


# Before the mission decides, for an application the rules would refer elsewhere: no
# promise of an interview, and no request for documents that cannot change the outcome.
REFERRAL_EXPECTED = _(
    "The embassy or consulate will look at your answers and tell you what they decide. "
    "From your answers, the legion cannot take you, so you will not be asked for "
    "documents or an interview."
)
# States in which the eligibility outcome changes what the status page offers.
OUTCOME_STATES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.ON_HOLD, S.REJECTED, S.REFERRED})


@dataclass(frozen=True)
class NextSteps:
    """What the status page offers, from the case state and the eligibility outcome."""

    text: StatusText
    reasons: list  # "Why": the decisive failures, each once
    to_do: list  # what the applicant can still do (only while the case is open)
    ask_for_documents: bool
    offer_referral: bool
    referral_explained: bool  # the status text already says why (no time for training)


def next_steps(state: str, report: EligibilityReport | None) -> NextSteps:
    """The next steps of a case in `state` whose rules give `report` (None where the
    outcome no longer matters, e.g. after the interview)."""
    text = status_text(state)
    outcome = report.outcome if report else Outcome.ELIGIBLE
    closed = state in (S.REJECTED, S.REFERRED, S.WITHDRAWN)
    if not closed and outcome == Outcome.REFERRAL:
        text = StatusText(text.label, text.explanation, REFERRAL_EXPECTED, text.tone)
    to_do = report.to_do if report and not closed and outcome != Outcome.REFERRAL else []
    if to_do:
        # What the rules already know is missing is a to-do, without anyone asking; the
        # page must not also say there is nothing to do (finding M4).
        text = StatusText(text.label, text.explanation, ACTION_NEEDED, text.tone)
    return NextSteps(
        text=text,
        reasons=report.reasons() if report and state in (S.REJECTED, S.REFERRED) else [],
        to_do=to_do,
        ask_for_documents=state in (S.SUBMITTED, S.IN_REVIEW) and outcome != Outcome.REFERRAL,
        offer_referral=closed or outcome == Outcome.REFERRAL,
        referral_explained=state == S.REFERRED,
    )
