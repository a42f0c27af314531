"""The states a case can be in. The transitions between them live in workflow.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
    INTERVIEWED = "interviewed", _("Interviewed")
    VISA_PENDING = "visa_pending", _("Visa pending")
    VISA_ISSUED = "visa_issued", _("Visa issued")
    INSTRUCTIONS_ISSUED = "instructions_issued", _("Travel instructions issued")
    ARRIVED = "arrived", _("Arrived")
    REJECTED = "rejected", _("Rejected")
    REFERRED = "referred", _("Referred")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ON_HOLD = "on_hold", _("On hold")
    UNDER_APPEAL = "under_appeal", _("Under appeal")


# States from which a case can still move forward (and so be withdrawn or held).
OPEN_STATES = (
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.IN_REVIEW,
    CaseState.INTERVIEW_SCHEDULED,
    CaseState.INTERVIEWED,
    CaseState.VISA_PENDING,
    CaseState.VISA_ISSUED,
    CaseState.INSTRUCTIONS_ISSUED,
    # A refusal being reconsidered is open again: it can be withdrawn or held.
    CaseState.UNDER_APPEAL,
)
FINAL_STATES = (
    CaseState.ARRIVED,
    CaseState.REJECTED,
    CaseState.REFERRED,
    CaseState.WITHDRAWN,
)
# The assembly point and other confidential travel details exist only from here on.
VISA_GRANTED_STATES = (
    CaseState.VISA_ISSUED,
    CaseState.INSTRUCTIONS_ISSUED,
    CaseState.ARRIVED,
)
# The decisions an applicant may ask once to have reconsidered.
APPEALABLE_STATES = (CaseState.REJECTED, CaseState.REFERRED)
