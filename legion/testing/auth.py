"""Signing staff in for tests: past the password and the second factor.

The `client` fixture is a StaffClient, so `client.force_login(user)` gives a fully
signed-in staff session (password and TOTP), as a person has after the sign-in steps.
Tests of the sign-in steps themselves use `anonymous_client` and the real pages.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from legion.accounts.models import StaffTOTPDevice, totp_time
from legion.accounts.services import REAUTH_SESSION_KEY, two_factor_provision


def staff_device(user) -> StaffTOTPDevice:
    """The user's confirmed authenticator, set up if they have none."""
    device = StaffTOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or two_factor_provision(user=user)[0]


def totp_code(device: StaffTOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows now (or `steps_ahead` 30-second steps later:
    a code is accepted once, so a second sign-in within a step needs the next one)."""
    totp = TOTP(device.bin_key, device.STEP, 0, device.DIGITS, 0)
    totp.time = totp_time() + steps_ahead * device.STEP
    return f"{totp.token():0{device.DIGITS}d}"


class StaffClient(Client):
    def force_login(self, user, backend=None) -> None:
        """Signed in with password and second factor."""
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = staff_device(user).persistent_id
        session.save()

    def reauthenticate(self) -> None:
        """As if the user had just confirmed password and code (sensitive actions)."""
        import time

        session = self.session
        session[REAUTH_SESSION_KEY] = int(time.time())
        session.save()
