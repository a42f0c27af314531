"""Staff sign-in: a password and a TOTP code for every staff account, enrolment with
recovery codes, lockout after repeated failures, inactivity expiry, re-authentication
before sensitive actions."""

import re
import time

import pytest
from django.db import connection
from django.test import override_settings
from django_otp.oath import TOTP

from legion.accounts.middleware import LAST_SEEN_SESSION_KEY
from legion.accounts.models import RecoveryCode, StaffTOTPDevice
from legion.accounts.services import REAUTH_SESSION_KEY, two_factor_provision
from legion.audit.models import AuditEntry
from legion.testing.auth import staff_device, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.urls("legion.accounts.tests.urls")]

PASSWORD = "correct horse battery staple"
PAGE = "/staff/test-page/"
SENSITIVE = "/staff/test-sensitive/"


@pytest.fixture(autouse=True)
def _pages(settings):
    # Independent of the workspace's home and login pages.
    settings.LOGIN_REDIRECT_URL = PAGE
    settings.LOGIN_URL = "/admin/login/"


@pytest.fixture
def signed_in_with_password(anonymous_client, officer):
    """Past the password step only."""
    assert anonymous_client.login(username="officer", password=PASSWORD)
    return anonymous_client


def verify(client, code):
    return client.post("/staff/account/verify/", {"code": code, "next": PAGE})


def test_staff_without_an_authenticator_must_enrol_first(signed_in_with_password):
    response = signed_in_with_password.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/account/two-factor/?next=")


def test_enrolment_shows_a_qr_code_and_confirms_with_a_first_code(signed_in_with_password, officer):
    client = signed_in_with_password
    page = client.get("/staff/account/two-factor/")
    assert page.status_code == 200
    assert b'<img src="data:image/png;base64,' in page.content
    device = StaffTOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    assert device.secret_base32.encode() in page.content

    wrong = client.post("/staff/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 400
    assert b"That code is not right" in wrong.content

    StaffTOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post("/staff/account/two-factor/", {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(rb"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.content)
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PAGE).content == b"staff page"
    assert AuditEntry.objects.filter(action="permission.second_factor_added").exists()


def test_password_alone_reaches_no_staff_page_or_api(signed_in_with_password, officer):
    two_factor_provision(user=officer)
    client = signed_in_with_password
    page = client.get(PAGE)
    assert page.status_code == 302
    assert page["Location"] == "/staff/account/verify/?next=%2Fstaff%2Ftest-page%2F"
    api = client.get("/api/v1/openapi.json")
    assert api.status_code == 401
    assert api.json()["detail"] == "Two-factor verification is required."
    htmx = client.get(PAGE, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/staff/account/verify/"


def test_code_from_the_authenticator_completes_the_sign_in(signed_in_with_password, officer):
    device, _ = two_factor_provision(user=officer)
    response = verify(signed_in_with_password, totp_code(device))
    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert signed_in_with_password.get(PAGE).content == b"staff page"
    assert AuditEntry.objects.filter(action="auth.2fa_verified", actor_id=officer.pk).exists()


def test_a_code_is_accepted_only_once(anonymous_client, officer):
    device, _ = two_factor_provision(user=officer)
    code = totp_code(device)
    anonymous_client.login(username="officer", password=PASSWORD)
    assert verify(anonymous_client, code).status_code == 302
    other = type(anonymous_client)()
    other.login(username="officer", password=PASSWORD)
    StaffTOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert verify(other, code).status_code == 400


def test_recovery_code_signs_in_once(signed_in_with_password, officer):
    _, codes = two_factor_provision(user=officer)
    assert verify(signed_in_with_password, codes[3].upper()).status_code == 302
    second = type(signed_in_with_password)()
    second.login(username="officer", password=PASSWORD)
    assert verify(second, codes[3]).status_code == 400


def test_recovery_codes_and_totp_secrets_are_not_stored_readable(officer):
    device, codes = two_factor_provision(user=officer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_stafftotpdevice")
        (stored_key,) = cursor.fetchone()
    assert device.key.encode() not in bytes(stored_key)
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code in hashes or code.replace("-", "") in hashes for code in codes)


@override_settings(AXES_FAILURE_LIMIT=5)
def test_wrong_codes_lock_the_account_with_a_clear_message(signed_in_with_password, officer):
    device, _ = two_factor_provision(user=officer)
    for _ in range(4):
        assert verify(signed_in_with_password, "123456").status_code == 400
    locked = verify(signed_in_with_password, "123456")
    assert locked.status_code == 429
    assert b"this account is locked for 15 minutes" in locked.content
    # Locked means locked: the right code is refused too, and the session ends.
    StaffTOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert verify(signed_in_with_password, totp_code(device)).status_code == 429
    assert "_auth_user_id" not in signed_in_with_password.session
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


@override_settings(AXES_FAILURE_LIMIT=5)
def test_a_password_alone_does_not_clear_failed_codes(signed_in_with_password, officer):
    two_factor_provision(user=officer)
    for _ in range(3):
        verify(signed_in_with_password, "123456")
    again = type(signed_in_with_password)()
    assert again.login(username="officer", password=PASSWORD)
    for _ in range(2):
        response = verify(again, "123456")
    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=5)
def test_wrong_passwords_lock_the_account_with_a_clear_message(anonymous_client, officer):
    for _ in range(5):
        response = anonymous_client.post(
            "/admin/login/", {"username": "officer", "password": "guess"}
        )
    assert response.status_code == 429
    assert b"Too many failed attempts: this account is locked for 15 minutes" in response.content
    right = anonymous_client.post("/admin/login/", {"username": "officer", "password": PASSWORD})
    assert right.status_code == 429
    assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 5


@override_settings(AXES_FAILURE_LIMIT=5)
def test_wrong_passwords_lock_the_attacked_account_not_colleagues_at_the_same_address(
    officer, attache
):
    """Two colleagues behind one embassy address: the attacked account is locked, the
    colleague still signs in (and is then locked only by failures of their own)."""
    from django.test import Client

    office = {"REMOTE_ADDR": "203.0.113.7"}
    attacker, colleague = Client(**office), Client(**office)
    for _ in range(5):
        response = attacker.post("/staff/login/", {"username": "officer", "password": "guess"})
    assert response.status_code == 429
    right = attacker.post("/staff/login/", {"username": "officer", "password": PASSWORD})
    assert right.status_code == 429
    signed_in = colleague.post("/staff/login/", {"username": "attache", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert "_auth_user_id" in colleague.session


def test_session_expires_after_inactivity(client, officer, settings):
    client.force_login(officer)
    assert client.get(PAGE).content == b"staff page"
    session = client.session
    idle = settings.LEGION_STAFF_IDLE_MINUTES * 60
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - idle - 1
    session.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.session_expired", actor_id=officer.pk).exists()


def test_activity_keeps_the_session_alive(client, officer, settings):
    client.force_login(officer)
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - settings.LEGION_STAFF_IDLE_MINUTES * 60 + 5
    session.save()
    assert client.get(PAGE).content == b"staff page"
    assert client.session[LAST_SEEN_SESSION_KEY] >= int(time.time()) - 1


def test_sensitive_action_asks_for_password_and_code_again(client, officer):
    client.force_login(officer)
    response = client.get(SENSITIVE)
    assert response.status_code == 302
    assert response["Location"] == "/staff/account/confirm/?next=%2Fstaff%2Ftest-sensitive%2F"
    device = staff_device(officer)
    wrong = client.post(
        "/staff/account/confirm/",
        {"password": "not it", "code": totp_code(device), "next": SENSITIVE},
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/staff/account/confirm/",
        {"password": PASSWORD, "code": totp_code(device, steps_ahead=1), "next": SENSITIVE},
    )
    assert (ok.status_code, ok["Location"]) == (302, SENSITIVE)
    assert client.get(SENSITIVE).content == b"visa decision form"
    assert AuditEntry.objects.filter(action="auth.reauthenticated").exists()


def test_re_authentication_wears_off(client, officer, settings):
    client.force_login(officer)
    client.reauthenticate()
    assert client.get(SENSITIVE).status_code == 200
    session = client.session
    session[REAUTH_SESSION_KEY] -= settings.LEGION_REAUTH_SECONDS + 1
    session.save()
    assert client.get(SENSITIVE).status_code == 302


def test_posting_a_sensitive_action_without_re_authentication_does_nothing(client, officer):
    client.force_login(officer)
    response = client.post(SENSITIVE, headers={"Referer": "http://testserver/staff/case/X/"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/staff/account/confirm/?next=http%3A%2F%2Ftestserver%2Fstaff%2Fcase%2FX%2F"
    )


def test_api_clients_confirm_sensitive_actions_with_a_code(rf, officer):
    from legion.accounts.decorators import sensitive_action_allowed

    device, _ = two_factor_provision(user=officer)
    request = rf.post("/api/v1/x", headers={"X-Legion-OTP": totp_code(device)})
    request.user = officer
    assert sensitive_action_allowed(request)
    stale = rf.post("/api/v1/x", headers={"X-Legion-OTP": "000000"})
    stale.user = officer
    assert not sensitive_action_allowed(stale)


def test_replacing_recovery_codes_needs_recent_confirmation(client, officer):
    client.force_login(officer)
    assert client.post("/staff/account/recovery-codes/").status_code == 302
    client.reauthenticate()
    response = client.post("/staff/account/recovery-codes/")
    assert response.status_code == 200
    assert len(re.findall(rb"<code>", response.content)) == 10


def test_reset_command_makes_the_user_enrol_again(officer, capsys):
    from django.core.management import call_command

    two_factor_provision(user=officer)
    call_command("reset-2fa", "officer")
    assert not StaffTOTPDevice.objects.filter(user=officer).exists()
    assert "Removed 2" in capsys.readouterr().out


def test_codes_follow_the_authenticator_clock(officer):
    device, _ = two_factor_provision(user=officer)
    expected = TOTP(device.bin_key, 30, 0, 6, 0)
    expected.time = time.time()
    assert totp_code(device) == f"{expected.token():06d}"
