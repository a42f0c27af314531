"""The advisory step of the application: what the applicant must read, and their
acknowledgement, on the draft (the portal's "advice" page and assisted intake)."""

import copy

from django.db import transaction
from django.utils.translation import gettext as _

from legion.advisories.services import (
    AdvisoryView,
    advisories_for_case,
    case_acknowledge_advisories,
    case_has_current_acknowledgements,
)
from legion.cases.intake import IntakeInvalid, draft_lock
from legion.cases.models import Case
from legion.missions.actors import Actor


def draft_advisories(*, case: Case, language: str) -> list[AdvisoryView]:
    """The advisories this draft's applicant must read, in `language` (the page's)."""
    # A copy, never saved: the language only selects the texts shown.
    shown = copy.copy(case)
    shown.language = language
    return advisories_for_case(shown)


def draft_acknowledge_advisories(*, reference: str, actor: Actor, language: str) -> None:
    """Record that the applicant read the advisories for their nationality and the risk
    notice, in the language they were shown. Reading the same version again adds nothing."""
    with transaction.atomic():
        case = draft_lock(reference, actor)
        if not case.applicant.nationality:
            raise IntakeInvalid(
                {"confirm": _("Select your nationality first: the advice depends on it.")}
            )
        if case_has_current_acknowledgements(case=case):
            return
        # A copy, never saved: the acknowledgement records the texts in the language shown.
        shown = copy.copy(case)
        shown.language = language
        case_acknowledge_advisories(case=shown)
