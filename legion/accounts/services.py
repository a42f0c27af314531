"""Staff authentication beyond the password: authenticator-app enrolment, the second step
after the password login, recovery codes, re-authentication before sensitive actions
(visa decision, export, erasure) and lockout after repeated failures (django-axes).
"""

import secrets
import time

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.util import random_hex

from legion.accounts.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    StaffTOTPDevice,
    recovery_code_hash,
)
from legion.audit.services import audit_record

REAUTH_SESSION_KEY = "legion_reauth_at"
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits people do not confuse when reading them off paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class AccountError(Exception):
    """A refused authentication step; `message` is for people."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed attempts: this account is locked for %(minutes)d minutes. "
        "If it was not you, tell HQ security now."
    ) % {"minutes": minutes}


def staff_totp_device(user) -> StaffTOTPDevice | None:
    return StaffTOTPDevice.objects.filter(user=user, confirmed=True).first()


def user_has_two_factor(user) -> bool:
    return StaffTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _check_not_locked_out(request: HttpRequest, user) -> None:
    if not AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        raise AccountError(lockout_message(), code="locked_out")


def _second_factor_failed(request: HttpRequest, user) -> None:
    """Count a wrong code like a wrong password: both lead to the same lockout."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "second_factor": True},
        request=request,
    )


def _wrong_code() -> AccountError:
    return AccountError(
        _("That code is not right. Use the newest code from your authenticator app."),
        code="invalid_code",
    )


def mark_recently_authenticated(request: HttpRequest) -> None:
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def recently_authenticated(request: HttpRequest) -> bool:
    """True within LEGION_REAUTH_SECONDS of the last password-and-code confirmation."""
    at = request.session.get(REAUTH_SESSION_KEY)
    return at is not None and 0 <= time.time() - at <= settings.LEGION_REAUTH_SECONDS


def two_factor_enrol_start(*, user) -> StaffTOTPDevice:
    """A new, unconfirmed authenticator for this user, replacing an unfinished one."""
    StaffTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return StaffTOTPDevice.objects.create(
        user=user, name="Authenticator app", key=random_hex(20), confirmed=False
    )


def two_factor_enrol_confirm(
    *, request: HttpRequest, device: StaffTOTPDevice, token: str
) -> list[str]:
    """Confirm the new authenticator with its first code; it replaces any earlier one.

    Returns fresh recovery codes (shown once) and marks the session as verified."""
    user = request.user
    _check_not_locked_out(request, user)
    if device.user_id != user.pk or device.confirmed:
        raise AccountError(_("Start the set-up again."), code="stale")
    if not device.verify_token(token):
        _second_factor_failed(request, user)
        raise _wrong_code()
    with transaction.atomic():
        StaffTOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_replace(user=user)
    otp_login(request, device)
    mark_recently_authenticated(request)
    return codes


def recovery_codes_replace(*, user) -> list[str]:
    """Ten new one-time recovery codes; the earlier ones stop working."""
    codes = [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _ = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Recovery codes", "confirmed": True}
        )
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=recovery_code_hash(c)) for c in codes
        )
        audit_record(action="auth.recovery_codes_issued", data={"user": user.get_username()})
    return codes


def _matching_device(user, token: str) -> Device | None:
    token = token.strip()
    totp = staff_totp_device(user)
    if totp is not None and token.replace(" ", "").isdigit():
        return totp if totp.verify_token(token) else None
    recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if totp is not None and recovery is not None and recovery.verify_token(token):
        return recovery
    return None


def two_factor_verify(*, request: HttpRequest, token: str) -> Device:
    """The second step after the password: a code from the authenticator app or a
    recovery code. Wrong codes count towards the lockout."""
    user = request.user
    _check_not_locked_out(request, user)
    device = _matching_device(user, token)
    if device is None:
        _second_factor_failed(request, user)
        raise _wrong_code()
    otp_login(request, device)
    mark_recently_authenticated(request)
    axes_reset(username=user.get_username())
    audit_record(action="auth.2fa_verified", actor=user, data={"device": device._meta.model_name})
    return device


def reauthenticate(*, request: HttpRequest, password: str, token: str) -> None:
    """Password and a fresh code again, before a sensitive action (visa decision,
    export, erasure). Opens a window of LEGION_REAUTH_SECONDS."""
    user = request.user
    _check_not_locked_out(request, user)
    # authenticate() reports a wrong password to the lockout itself.
    if authenticate(request, username=user.get_username(), password=password) is None:
        raise AccountError(_("Your password is not right."), code="invalid_password")
    if _matching_device(user, token) is None:
        _second_factor_failed(request, user)
        raise _wrong_code()
    mark_recently_authenticated(request)
    audit_record(action="auth.reauthenticated", actor=user)


def two_factor_reset(*, username: str) -> int:
    """Remove a staff member's authenticator and recovery codes (lost phone): they enrol
    again at their next login. Returns how many devices were removed."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise AccountError(_("No such user."), code="not_found")
    with transaction.atomic():
        removed = 0
        for model in (StaffTOTPDevice, RecoveryCodeDevice):
            for device in model.objects.filter(user=user):
                device.delete()
                removed += 1
    return removed


def two_factor_provision(*, user, key_hex: str = "") -> tuple[StaffTOTPDevice, list[str]]:
    """A confirmed authenticator (with a new key, or `key_hex`) and recovery codes, for
    demo data and first administrators set up from the command line: the caller hands
    them over."""
    with transaction.atomic():
        StaffTOTPDevice.objects.filter(user=user).delete()
        device = StaffTOTPDevice.objects.create(
            user=user, name="Authenticator app", key=key_hex or random_hex(20), confirmed=True
        )
        codes = recovery_codes_replace(user=user)
    return device, codes
