"""Every authenticated session is a staff session: it expires after inactivity, and it
reaches nothing but the sign-in steps until the second factor is verified."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from legion.audit.services import audit_record

LAST_SEEN_SESSION_KEY = "legion_last_seen"
# Pages a signed-in but not yet verified user may reach: the sign-in steps themselves.
OPEN_URL_NAMES = frozenset(
    {
        ("accounts", "verify"),
        ("accounts", "enrol"),
        ("accounts", "logout"),
        ("workspace", "login"),
        ("workspace", "logout"),
        ("admin", "logout"),
    }
)
# Only write the session when the last-seen time is this old, not on every request.
LAST_SEEN_RESOLUTION = 60


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def redirect_or_refuse(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """Send a person to `url`; tell an API client (401) or an htmx request
    (HX-Redirect) in the form it understands."""
    if is_api(request):
        return JsonResponse({"detail": message}, status=401)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def with_next(url: str, request: HttpRequest) -> str:
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class StaffSessionMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if response := self._expire_idle(request):
                return response
            if not user.is_verified() and not self._open(request):
                return self._second_factor_needed(request)
        return self.get_response(request)

    def _expire_idle(self, request: HttpRequest) -> HttpResponse | None:
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        idle_limit = settings.LEGION_STAFF_IDLE_MINUTES * 60
        if last_seen is not None and now - last_seen > idle_limit:
            audit_record(action="auth.session_expired", actor=request.user, request=request)
            logout(request)
            message = _(
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again."
            ) % {"minutes": settings.LEGION_STAFF_IDLE_MINUTES}
            if not is_api(request):
                messages.info(request, message)
            return redirect_or_refuse(
                request, with_next(resolve_url(settings.LOGIN_URL), request), message
            )
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_SESSION_KEY] = now
        return None

    def _open(self, request: HttpRequest) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return (match.namespace, match.url_name) in OPEN_URL_NAMES

    def _second_factor_needed(self, request: HttpRequest) -> HttpResponse:
        from legion.accounts.services import user_has_two_factor

        step = "accounts:verify" if user_has_two_factor(request.user) else "accounts:enrol"
        return redirect_or_refuse(
            request,
            with_next(resolve_url(step), request),
            _("Two-factor verification is required."),
        )
