"""Re-authentication before sensitive actions: the visa decision, exports, erasure.

Views wrap themselves in @require_recent_auth; django-ninja operations call
api_require_recent_auth(request) first. Both accept a session confirmed with password
and code within LEGION_REAUTH_SECONDS; API clients may instead send a current code in
the X-Legion-OTP header.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from legion.accounts.middleware import redirect_or_refuse
from legion.accounts.services import recently_authenticated

# Transitions that are visa decisions: the API asks for a fresh code before them too.
SENSITIVE_ACTIONS = frozenset({"issue_visa", "refuse_visa"})
REAUTH_MESSAGE = "Confirm your password and a code from your authenticator app to do this."


def _return_to(request: HttpRequest) -> str:
    """After confirming, come back to the page the action was started from."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path()


def reauth_url(request: HttpRequest) -> str:
    return f"{resolve_url('accounts:reauth')}?{urlencode({'next': _return_to(request)})}"


def require_recent_auth(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view runs only within minutes of the user confirming password and code."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and recently_authenticated(request):
            return view(request, *args, **kwargs)
        return redirect_or_refuse(request, reauth_url(request), _(REAUTH_MESSAGE))

    wrapper.requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapper


def sensitive_action_allowed(request: HttpRequest, user: Any = None) -> bool:
    """Recently re-authenticated session, or a valid current code in X-Legion-OTP.

    `user` is the API client's user when it is not request.user (token auth)."""
    user = user or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    same_user = getattr(request, "user", None) == user
    if same_user and hasattr(request, "session") and recently_authenticated(request):
        return True
    token = request.headers.get("X-Legion-OTP", "")
    if token:
        from legion.accounts.services import staff_totp_device

        device = staff_totp_device(user)
        return device is not None and device.verify_token(token)
    return False


def api_require_recent_auth(request: HttpRequest, user: Any = None) -> None:
    """For django-ninja operations: raise 401 unless sensitive_action_allowed()."""
    from ninja.errors import HttpError

    if not sensitive_action_allowed(request, user):
        raise HttpError(401, REAUTH_MESSAGE)
