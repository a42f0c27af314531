"""Creating, checking and revoking API tokens.

A token is `lgn_` + 32 random bytes (base64url). It is shown once, at creation; the
database keeps its SHA-256 only (a hash suffices: the token is random, not a password).
Every token has a scope (read-only unless asked otherwise) and an expiry (90 days unless
asked otherwise, a year at most): least privilege, and no credential that lives forever.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from legion.api.models import ApiToken, TokenScope
from legion.missions.models import Membership

TOKEN_PREFIX = "lgn_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=5)
DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=365)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LIFETIME_PATTERN = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$")
LIFETIME_UNITS = {"h": "hours", "d": "days", "w": "weeks"}

MESSAGES = {
    "unauthorized": "A valid API token is required (Authorization: Bearer ...).",
    "token_expired": (
        "This API token expired on {expires}. Ask for a new one "
        "(legion api-token create --user USERNAME)."
    ),
    "read_only_token": (
        "This API token is read-only: it may read but not change anything. "
        "Use a read-write token for this request."
    ),
}


class TokenError(Exception):
    pass


class TokenRefused(Exception):
    """A request's token does not allow it: 401 (no such token, expired) or 403 (scope)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime_parse(text: str) -> timedelta:
    """'90d', '12w', '36h' as a lifetime; refused when malformed, zero or over a year."""
    match = LIFETIME_PATTERN.match(text or "")
    if not match:
        raise TokenError(f"Expiry {text!r} is not a number of hours, days or weeks (e.g. 90d).")
    lifetime = timedelta(**{LIFETIME_UNITS[match[2]]: int(match[1])})
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise TokenError(f"A token lives between one hour and {MAX_LIFETIME.days} days.")
    return lifetime


def api_token_create(
    *,
    username: str,
    name: str,
    scope: str = TokenScope.READ,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> tuple[ApiToken, str]:
    """A new token for an active staff member; returns the row and the token itself,
    which is never stored and cannot be shown again."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise TokenError(f"No active user named {username!r}.")
    if not Membership.objects.filter(user=user).exists():
        raise TokenError(f"{username!r} holds no staff role; API tokens are for staff only.")
    if scope not in TokenScope.values:
        raise TokenError(f"Scope {scope!r} is not one of: {', '.join(TokenScope.values)}.")
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise TokenError(f"A token lives between one hour and {MAX_LIFETIME.days} days.")
    name = name.strip() or "integration"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + lifetime,
    )
    return token, raw


def api_token_authenticate(*, raw: str, method: str) -> ApiToken:
    """The live token for a request with this HTTP method, its user loaded; raises
    TokenRefused when there is none, it has expired, or its scope forbids the method."""
    unauthorized = TokenRefused(401, "unauthorized", MESSAGES["unauthorized"])
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise unauthorized
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        raise unauthorized
    now = timezone.now()
    if token.expires_at <= now:
        expires = token.expires_at.isoformat(timespec="minutes")
        raise TokenRefused(401, "token_expired", MESSAGES["token_expired"].format(expires=expires))
    if token.scope != TokenScope.READ_WRITE and method.upper() not in SAFE_METHODS:
        raise TokenRefused(403, "read_only_token", MESSAGES["read_only_token"])
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_revoke(*, prefix: str) -> int:
    """Revoke every live token starting with `prefix`; returns how many."""
    with transaction.atomic():
        return ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
