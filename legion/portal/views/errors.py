"""Error pages in the portal's style and the applicant's language, each with a way on.

Django calls these for every URL (legion/urls.py), staff pages included: they say
nothing about the case or the request beyond what went wrong."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

logger = logging.getLogger(__name__)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "portal/errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without touching the session or the database, which may be what failed;
    if even that fails, Django's plain page."""
    try:
        return render(request, "portal/errors/500.html", status=500)
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
