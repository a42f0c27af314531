"""Portal-only services: starting a draft exactly once per form."""

import secrets
from datetime import timedelta

from legion.cases.intake import draft_start
from legion.cases.models import Case
from legion.idempotency.services import IdempotencyError, idempotent_run

# A repeated form is a double click or a resubmission, seconds or minutes later. After
# this long a key opens nothing: it must not become a lasting way into someone's draft.
KEY_LIFETIME = timedelta(minutes=15)
KEY_OWNER = "portal:application-start"


def new_start_key() -> str:
    """The random key a "start an application" form carries."""
    return secrets.token_urlsafe(32)


def application_start(*, key: str, mission_code: str, language: str) -> Case:
    """Open a draft for this form key, or return the draft the same key already opened.

    Two requests with the same key (a double click, a resubmitted page) give one case:
    this is the same safe-retry mechanism as the API's Idempotency-Key. A key that is not
    one the form could have carried is replaced by a fresh one.
    """
    if len(key or "") < 32:
        key = new_start_key()

    def start() -> dict:
        return {"case": draft_start(mission_code=mission_code, language=language).pk}

    try:
        outcome, _ = idempotent_run(
            owner=KEY_OWNER, key=key, fingerprint="", run=start, lifetime=KEY_LIFETIME
        )
    except IdempotencyError:
        outcome, _ = idempotent_run(
            owner=KEY_OWNER, key=new_start_key(), fingerprint="", run=start, lifetime=KEY_LIFETIME
        )
    return Case.objects.get(pk=outcome["case"])
