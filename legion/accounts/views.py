"""The sign-in steps after the password: enrol an authenticator, verify a code,
confirm again before sensitive actions, replace recovery codes."""

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from legion.accounts.decorators import reauth_url, require_recent_auth
from legion.accounts.forms import CodeForm, ReauthForm
from legion.accounts.models import RecoveryCodeDevice, StaffTOTPDevice
from legion.accounts.services import (
    AccountError,
    reauthenticate,
    recently_authenticated,
    recovery_codes_replace,
    staff_totp_device,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_verify,
)

PENDING_DEVICE_SESSION_KEY = "legion_pending_totp"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _refused(request: HttpRequest, form, error: AccountError, template: str, **context):
    if error.code == "locked_out":
        logout(request)
        return locked_out_response(request)
    form.add_error(None, error.message)
    return render(request, template, {"form": form, **context}, status=400)


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: QR code and secret, then a first code to confirm.

    With an authenticator already set up: its status, and (after confirming password
    and code) replacing it."""
    user = request.user
    has_device = staff_totp_device(user) is not None
    if has_device and not user.is_verified():
        return HttpResponseRedirect(resolve_url("accounts:verify"))
    if has_device and request.method == "GET" and "replace" not in request.GET:
        recovery = RecoveryCodeDevice.objects.filter(user=user).first()
        return render(
            request,
            "accounts/two_factor.html",
            {"remaining": recovery.remaining() if recovery else 0},
        )
    if has_device and not recently_authenticated(request):
        return HttpResponseRedirect(reauth_url(request))
    device = StaffTOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE_SESSION_KEY), user=request.user, confirmed=False
    ).first()
    if device is None or request.method == "GET":
        device = two_factor_enrol_start(user=request.user)
        request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    form = CodeForm(request.POST or None)
    context = {
        "device": device,
        "qr": segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2),
        "next": _next_url(request),
    }
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_enrol_confirm(
                request=request, device=device, token=form.cleaned_data["code"]
            )
        except AccountError as error:
            return _refused(request, form, error, "accounts/enrol.html", **context)
        request.session.pop(PENDING_DEVICE_SESSION_KEY, None)
        return render(
            request, "accounts/recovery_codes.html", {"codes": codes, "next": context["next"]}
        )
    return render(request, "accounts/enrol.html", {"form": form, **context})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    if not staff_totp_device(request.user):
        return HttpResponseRedirect(resolve_url("accounts:enrol"))
    form = CodeForm(request.POST or None)
    context = {"next": _next_url(request)}
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_verify(request=request, token=form.cleaned_data["code"])
        except AccountError as error:
            return _refused(request, form, error, "accounts/verify.html", **context)
        return HttpResponseRedirect(context["next"])
    return render(request, "accounts/verify.html", {"form": form, **context})


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Password and code again before a sensitive action."""
    form = ReauthForm(request.POST or None)
    context = {"next": _next_url(request)}
    if request.method == "POST" and form.is_valid():
        try:
            reauthenticate(
                request=request,
                password=form.cleaned_data["password"],
                token=form.cleaned_data["code"],
            )
        except AccountError as error:
            return _refused(request, form, error, "accounts/reauth.html", **context)
        return HttpResponseRedirect(context["next"])
    return render(request, "accounts/reauth.html", {"form": form, **context})


@require_POST
@login_required
@require_recent_auth
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = recovery_codes_replace(user=request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": resolve_url("accounts:enrol")},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """What django-axes answers once an account is locked (AXES_LOCKOUT_CALLABLE)."""
    from django.http import JsonResponse

    from legion.accounts.middleware import is_api
    from legion.accounts.services import lockout_message

    if is_api(request):
        return JsonResponse({"detail": lockout_message()}, status=429)
    return render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
