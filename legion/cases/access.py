"""How applicants reach their own case without a password.

The applicant holds the case reference; we e-mail them a one-time link and, for
when the e-mail is read on another device, a short code to type in with the
reference. Only keyed hashes of links and codes are stored. Each works once and
expires; using one cancels every older one of the same case. Asking for a new
e-mail never reveals whether a case with that reference and address exists.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from legion.cases.models import REFERENCE_ALPHABET, AccessToken, Case
from legion.cases.notifications import applicant_email_queue
from legion.cases.policy import cases_for
from legion.cases.services import CaseError
from legion.crypto import email_index
from legion.missions.actors import Actor

logger = logging.getLogger(__name__)

CODE_LENGTH = 8
# Wrong codes tolerated per reference before code entry pauses (the link still works).
MAX_CODE_FAILURES = 5
CODE_LOCK_SECONDS = 15 * 60
# E-mails sent on request per reference per hour, so nobody can flood an inbox.
MAX_REQUESTS_PER_HOUR = 3


class AccessRefused(CaseError):
    """A link or code that does not open a case; `code` is invalid, expired, used or locked."""


@dataclass(frozen=True)
class AccessGrant:
    """What goes into one e-mail. The raw values exist only here, never in the database."""

    case: Case
    link_token: str
    code: str
    expires_at: datetime

    @property
    def url(self) -> str:
        path = reverse("portal:access_link", kwargs={"token": self.link_token})
        return settings.SITE_URL.rstrip("/") + path

    @property
    def code_display(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def token_lifetime() -> timedelta:
    return timedelta(seconds=settings.LEGION_ACCESS_TOKEN_SECONDS)


def _hash(value: str) -> str:
    return salted_hmac("legion.cases.access", value, algorithm="sha256").hexdigest()


def _link_hash(token: str) -> str:
    return _hash(f"link:{token}")


def _code_hash(reference: str, code: str) -> str:
    return _hash(f"code:{reference}:{code}")


def normalise_reference(reference: str) -> str:
    """Accept references as people type them: lower case, spaces, O for 0, I or L for 1."""
    raw = "".join(ch for ch in reference.upper() if ch.isalnum())
    raw = raw.removeprefix("LGN").translate(str.maketrans("OIL", "011"))
    return f"LGN-{raw[:4]}-{raw[4:]}" if len(raw) == 8 else reference.strip().upper()


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return raw.translate(str.maketrans("OIL", "011"))


def access_grant_issue(*, case: Case) -> AccessGrant:
    """Create a one-time link and code for this case and return them (to be e-mailed)."""
    expires_at = timezone.now() + token_lifetime()
    link_token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))
    AccessToken.objects.bulk_create(
        [
            AccessToken(case=case, token_hash=_link_hash(link_token), expires_at=expires_at),
            AccessToken(
                case=case, token_hash=_code_hash(case.reference, code), expires_at=expires_at
            ),
        ]
    )
    return AccessGrant(case=case, link_token=link_token, code=code, expires_at=expires_at)


def _consume(token: AccessToken) -> Case:
    """Use the token once (safe against two requests at the same moment) and cancel
    every other open token of the case."""
    now = timezone.now()
    with transaction.atomic():
        used = AccessToken.objects.filter(pk=token.pk, used_at__isnull=True).update(used_at=now)
        if used != 1:
            raise AccessRefused(_link_messages()["used"], code="used")
        AccessToken.objects.filter(case_id=token.case_id, used_at__isnull=True).update(used_at=now)
    return token.case


def _link_messages() -> dict[str, str]:
    return {
        "invalid": _("This link is not valid. Check that you copied the whole link."),
        "expired": _("This link has expired. Ask for a new one below."),
        "used": _("This link has already been used. Ask for a new one below."),
    }


def access_link_check(*, token: str) -> AccessToken:
    """The open token behind a link, without using it (for the page that asks to continue)."""
    messages = _link_messages()
    found = AccessToken.objects.select_related("case").filter(token_hash=_link_hash(token)).first()
    if found is None:
        raise AccessRefused(messages["invalid"], code="invalid")
    if found.used_at is not None:
        raise AccessRefused(messages["used"], code="used")
    if found.expires_at <= timezone.now():
        raise AccessRefused(messages["expired"], code="expired")
    return found


def access_redeem_link(*, token: str) -> Case:
    """Use a one-time link; returns the case it opens."""
    return _consume(access_link_check(token=token))


def _failures_key(reference: str) -> str:
    return "legion:access:code-failures:" + hashlib.sha256(reference.encode()).hexdigest()


def access_redeem_code(*, reference: str, code: str) -> Case:
    """Use a one-time code typed in with the case reference; returns the case.

    The refusal never says which of the two was wrong."""
    reference = normalise_reference(reference)
    failures_key = _failures_key(reference)
    if cache.get(failures_key, 0) >= MAX_CODE_FAILURES:
        raise AccessRefused(
            _(
                "Too many wrong codes. Wait 15 minutes, or use the link in the e-mail, "
                "or ask for a new e-mail."
            ),
            code="locked",
        )
    found = (
        AccessToken.objects.select_related("case")
        .filter(token_hash=_code_hash(reference, normalise_code(code)))
        .first()
    )
    if found is None or found.used_at is not None or found.expires_at <= timezone.now():
        cache.add(failures_key, 0, CODE_LOCK_SECONDS)
        cache.incr(failures_key)
        raise AccessRefused(
            _(
                "The reference number or the code is not right, or the code has expired "
                "or been used. Check both, or ask for a new e-mail."
            ),
            code="invalid",
        )
    case = _consume(found)
    cache.delete(failures_key)
    return case


ACCESS_EMAIL_PURPOSES = ("resume", "submitted", "return")


def access_email_send(*, case: Case, purpose: str) -> AccessGrant:
    """Issue a new link and code and put the e-mail carrying them in the outbox, in the
    case's language, in one transaction (the caller's, if it has one).

    The raw link is in the outbox row only sealed, and only until it is delivered."""
    if purpose not in ACCESS_EMAIL_PURPOSES:
        raise ValueError(f"Unknown access e-mail purpose {purpose!r}")
    site = settings.SITE_URL.rstrip("/")
    with transaction.atomic():
        grant = access_grant_issue(case=case)
        applicant_email_queue(
            case=case,
            template="cases/email/access",
            kind=f"access link ({purpose})",
            context={
                "grant": grant,
                "purpose": purpose,
                "hours": int(token_lifetime().total_seconds() // 3600),
                "code_url": site + reverse("portal:access_code"),
                "return_url": site + reverse("portal:access_request"),
            },
        )
    return grant


def _requests_key(reference: str) -> str:
    return "legion:access:requests:" + hashlib.sha256(reference.encode()).hexdigest()


def access_request(*, reference: str, email: str) -> None:
    """Someone asks for a new link to the case with this reference and e-mail address.

    If both match a case, a new link goes to that address (never to any other); in
    every case the caller learns nothing: this returns the same way whether or not
    a case exists.
    """
    reference = normalise_reference(reference)
    email = email.strip()
    if not email:
        return
    case = (
        cases_for(Actor.system())
        .select_related("applicant")
        .filter(
            reference=reference,
            # The address is sealed: its blind index finds it (case and spaces ignored).
            applicant__email_index=email_index(email),
            applicant__erased_at__isnull=True,
        )
        .first()
    )
    if case is None:
        return
    key = _requests_key(reference)
    cache.add(key, 0, 3600)
    if cache.incr(key) > MAX_REQUESTS_PER_HOUR:
        return
    access_email_send(case=case, purpose="return")
