"""Creating, checking and revoking API tokens.

A token is `lgn_` + 32 random bytes (base64url). It is shown once, at creation; the
database keeps its SHA-256 only (a hash suffices: the token is random, not a password).
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from legion.api.models import ApiToken
from legion.missions.models import Membership

TOKEN_PREFIX = "lgn_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(Exception):
    pass


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, username: str, name: str) -> tuple[ApiToken, str]:
    """A new token for an active staff member; returns the row and the token itself,
    which is never stored and cannot be shown again."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise TokenError(f"No active user named {username!r}.")
    if not Membership.objects.filter(user=user).exists():
        raise TokenError(f"{username!r} holds no staff role; API tokens are for staff only.")
    name = name.strip() or "integration"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=_digest(raw)
    )
    return token, raw


def api_token_authenticate(*, raw: str) -> AbstractBaseUser | None:
    """The active user a live token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, prefix: str) -> int:
    """Revoke every live token starting with `prefix`; returns how many."""
    with transaction.atomic():
        return ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
