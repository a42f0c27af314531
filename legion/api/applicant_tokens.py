"""Applicant access to the API: the one-time link or code of the portal, exchanged for a
bearer token (`lga_...`) that opens that one case and nothing else.

The token lives as long as a portal session: LEGION_APPLICANT_IDLE_SECONDS after its
last use (extended at most once a minute, not on every request). Only its SHA-256 is
stored; signing out revokes it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from legion.api.models import ApplicantApiToken
from legion.api.tokens import TokenRefused
from legion.cases.models import Case

APPLICANT_TOKEN_PREFIX = "lga_"
EXTEND_PRECISION = timedelta(minutes=1)
UNAUTHORIZED = "A valid applicant token is required (Authorization: Bearer lga_...)."


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(seconds=settings.LEGION_APPLICANT_IDLE_SECONDS)


def applicant_token_issue(*, case: Case) -> tuple[ApplicantApiToken, str]:
    """A new token for the case's applicant; the raw token is returned once, never stored."""
    raw = APPLICANT_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApplicantApiToken.objects.create(
        case=case, token_hash=_digest(raw), expires_at=timezone.now() + _lifetime()
    )
    return token, raw


def applicant_token_authenticate(*, raw: str) -> ApplicantApiToken:
    """The live token, its idle time restarted; TokenRefused (401) otherwise."""
    refused = TokenRefused(401, "unauthorized", UNAUTHORIZED)
    if not raw.startswith(APPLICANT_TOKEN_PREFIX) or len(raw) > 200:
        raise refused
    now = timezone.now()
    token = ApplicantApiToken.objects.filter(
        token_hash=_digest(raw), revoked_at__isnull=True, expires_at__gt=now
    ).first()
    if token is None:
        raise refused
    if token.expires_at - now < _lifetime() - EXTEND_PRECISION:
        token.expires_at = now + _lifetime()
        ApplicantApiToken.objects.filter(pk=token.pk).update(expires_at=token.expires_at)
    return token


def applicant_token_revoke(*, token_id: int) -> None:
    ApplicantApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
