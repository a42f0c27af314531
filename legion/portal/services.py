"""Portal-only services: starting a draft exactly once per form."""

import re
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from legion.cases.intake import draft_start
from legion.cases.models import Case
from legion.portal.models import ApplicationStart

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
# A repeated form is a double click or a resubmission, seconds or minutes later. After
# this long a key opens nothing: it must not become a lasting way into someone's draft.
KEY_LIFETIME = timedelta(minutes=15)


def new_start_key() -> str:
    """The random key a "start an application" form carries."""
    return secrets.token_urlsafe(32)


def application_start(*, key: str, mission_code: str, language: str) -> Case:
    """Open a draft for this form key, or return the draft the same key already opened.

    Two requests with the same key (a double click, a resubmitted page) give one case:
    the second one either sees the first one's key or fails on its unique constraint
    and then finds it.
    """
    if not KEY_PATTERN.match(key or ""):
        key = new_start_key()
    existing = ApplicationStart.objects.filter(key=key).select_related("case").first()
    if existing is not None:
        if existing.created_at >= timezone.now() - KEY_LIFETIME:
            return existing.case
        key = new_start_key()
    try:
        with transaction.atomic():
            case = draft_start(mission_code=mission_code, language=language)
            ApplicationStart.objects.create(key=key, case=case)
    except IntegrityError:
        return ApplicationStart.objects.select_related("case").get(key=key).case
    return case
