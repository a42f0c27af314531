"""Second factors for staff: a TOTP authenticator app and one-time recovery codes.

Both are django-otp devices. Unlike django-otp's own TOTP device, the shared secret
is sealed at rest (EncryptedTextField, rotated by `legion rotate-keys`), and recovery
codes are stored only as hashes.
"""

import hashlib
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from legion.crypto import EncryptedTextField


def totp_time() -> float:
    """The clock TOTP codes are checked against (tests move it instead of sleeping)."""
    return time.time()


class StaffTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (RFC 6238: 30-second steps, 6 digits, SHA-1)."""

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1  # one step either side: clocks on phones drift

    key = EncryptedTextField()  # hex
    drift = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is accepted once only.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def totp(self) -> TOTP:
        totp = TOTP(self.bin_key, self.STEP, 0, self.DIGITS, self.drift)
        totp.time = totp_time()
        return totp

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).strip().replace(" ", "")
        verified = False
        if token.isdigit() and len(token) == self.DIGITS:
            totp = self.totp()
            verified = totp.verify(int(token), self.TOLERANCE, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return settings.OTP_TOTP_THROTTLE_FACTOR

    @property
    def config_url(self) -> str:
        """otpauth:// URL for authenticator apps (shown as a QR code and as text)."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        label = f"{issuer}:{self.user.get_username()}"
        params = urlencode(
            {
                "secret": b32encode(self.bin_key).decode(),
                "algorithm": "SHA1",
                "digits": self.DIGITS,
                "period": self.STEP,
            }
        )
        return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(issuer)}"

    @property
    def secret_base32(self) -> str:
        return b32encode(self.bin_key).decode()


def recovery_code_hash(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """Ten one-time codes printed at enrolment, for a lost or broken phone."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(
            code_hash=recovery_code_hash(str(token)), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            self.throttle_reset(commit=True)
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return settings.OTP_TOTP_THROTTLE_FACTOR

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code of {self.device.user}"
