"""The travel letter: a code on the travel instructions (printed and as a QR code) that
anyone at the border can check on a public page, without logging in.

The check answers only what a border guard or the assembly point needs: valid or not,
the mission, the validity dates and the holder's initials (the guard compares them
with the passport). It says "not valid" for an unknown code and for a letter whose case
is on hold, withdrawn, refused or erased alike, so it tells nobody why. Codes are 80
random bits; every check is rate-limited by the page and audited here.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from legion.audit.services import audit_record
from legion.cases.models import REFERENCE_ALPHABET, Case, TravelInstructions, TravelLetter
from legion.cases.states import CaseState
from legion.crypto import blind_index

CODE_LENGTH = 16  # 16 symbols of 32: 80 bits, far beyond guessing at a few checks a minute
VERIFY_PATH = "/verify/"
# Once the volunteer has arrived the letter has served; before, it is not yet valid.
VALID_STATES = frozenset({CaseState.INSTRUCTIONS_ISSUED})
# How long a letter stays valid after the report date when the visa gives no end date.
DEFAULT_VALIDITY = dt.timedelta(days=30)
# What people type for the symbols Crockford's alphabet leaves out.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def letter_code_new() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))


def letter_code_display(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS: easier to read out and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def letter_code_normalise(text: str) -> str:
    """What a guard typed, as the code: spaces and hyphens dropped, any case, the
    look-alike letters read as the digits they resemble."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    return (
        cleaned if len(cleaned) == CODE_LENGTH and set(cleaned) <= set(REFERENCE_ALPHABET) else ""
    )


def letter_verify_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{VERIFY_PATH}{code}/"


def _validity(instructions: TravelInstructions) -> tuple[dt.date, dt.date]:
    from legion.cases.models import VisaDecision

    visa = VisaDecision.objects.filter(
        case_id=instructions.case_id, decision=VisaDecision.Decision.ISSUED
    ).first()
    start = timezone.localdate()
    end = visa.valid_until if visa and visa.valid_until else None
    return start, end or instructions.report_by + DEFAULT_VALIDITY


def travel_letter_issue(*, instructions: TravelInstructions) -> TravelLetter:
    """The case's travel letter, issued with the travel instructions (in their
    transaction); an earlier letter is kept, so a printed copy stays checkable."""
    existing = TravelLetter.objects.filter(case_id=instructions.case_id).first()
    if existing is not None:
        return existing
    valid_from, valid_until = _validity(instructions)
    code = letter_code_new()
    try:
        with transaction.atomic():
            return TravelLetter.objects.create(
                case_id=instructions.case_id,
                code=code,
                code_index=blind_index(code),
                valid_from=valid_from,
                valid_until=valid_until,
            )
    except IntegrityError:
        # Issued at the same moment by another request (instructions issued before the
        # letter existed, opened twice at once): that one stands.
        return TravelLetter.objects.get(case_id=instructions.case_id)


@dataclass(frozen=True)
class LetterCheck:
    """What the public page may say. Everything but `valid` is empty when not valid."""

    valid: bool
    mission: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    initials: str = ""


def holder_initials(given_name: str, surname: str) -> str:
    """ "J. S." for John Smith; "M. A. d. S." for Maria Ana da Silva."""
    words = f"{given_name} {surname}".split()
    return " ".join(f"{word[0].upper()}." for word in words if word)


def travel_letter_check(*, code: str, request: HttpRequest | None = None) -> LetterCheck:
    """Check a travel letter's code (as typed or scanned); the check is audited with
    the client's address, and with the case when the code belongs to one."""
    normalised = letter_code_normalise(code)
    letter = None
    if normalised:
        letter = (
            TravelLetter.objects.select_related("case__mission", "case__applicant")
            .filter(code_index=blind_index(normalised))
            .first()
        )
    case: Case | None = letter.case if letter else None
    today = timezone.localdate()
    valid = bool(
        letter is not None
        and case is not None
        and case.state in VALID_STATES
        and case.applicant.erased_at is None
        and letter.valid_from <= today <= letter.valid_until
    )
    audit_record(
        action="travel_letter.check",
        case=case,
        data={"found": letter is not None, "valid": valid},
        request=request,
    )
    if not valid or letter is None or case is None:
        return LetterCheck(valid=False)
    return LetterCheck(
        valid=True,
        mission=case.mission.name,
        valid_from=letter.valid_from,
        valid_until=letter.valid_until,
        initials=holder_initials(case.applicant.given_name, case.applicant.surname),
    )
