"""Error pages, each with a way on: in the portal's style and the applicant's language,
or in the workspace's style for staff pages (under /staff/).

Django calls these for every URL (legion/urls.py): they say nothing about the case or
the request beyond what went wrong (a case of another mission is simply not found)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

logger = logging.getLogger(__name__)


STAFF_ERRORS = {
    404: (
        "Not found",
        "This page does not exist, or what it shows is not within your missions.",
    ),
    403: ("Not allowed", "Your role does not allow this page or action."),
    500: (
        "Something went wrong",
        "The error has been logged. Try again in a few minutes; if it persists, tell HQ.",
    ),
}


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    if request.path.startswith("/staff/"):
        title, explanation = STAFF_ERRORS[status]
        context = {"title": title, "explanation": explanation}
        return render(request, "workspace/error.html", context, status=status)
    return render(request, f"portal/errors/{status}.html", status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without touching the session or the database, which may be what failed;
    if even that fails, Django's plain page."""
    try:
        return _error_page(request, 500)
    except Exception:
        logger.exception("The portal's error page failed; Django's plain one was sent")
        return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: usually a page left open for hours, or cookies
    turned off. The applicant is sent back to the form (a GET shows it again)."""
    back = request.path
    if back == reverse("portal:set_language"):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("portal:start")
    return render(request, "portal/errors/csrf.html", {"form_url": back}, status=403)
