"""The public check of a travel letter: a border guard scans the QR code or types the
code, without logging in. Rate-limited per client address; every check is audited by
the service."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from legion.audit.context import client_ip
from legion.cases.letters import letter_code_display, letter_code_normalise, travel_letter_check
from legion.portal import forms
from legion.portal.views.common import page
from legion.ratelimit import Limit, rate_limit_hit


def _private(response: HttpResponse) -> HttpResponse:
    # An answer about one letter is never cached, indexed or shared.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request: HttpRequest) -> HttpResponse | None:
    limit = Limit.parse("letter-check", settings.LEGION_LETTER_CHECKS_PER_ADDRESS)
    wait = rate_limit_hit(limit=limit, key=client_ip(request))
    if wait is None:
        return None
    response = page(request, "portal/verify/too_many.html", {}, status=429)
    response["Retry-After"] = str(wait)
    return _private(response)


@require_GET
def letter_check_form(request: HttpRequest) -> HttpResponse:
    """Enter the code printed on a travel letter (or arrive from the QR code)."""
    form = forms.LetterCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("portal:letter_check", code=form.cleaned_data["code"])
    return _private(page(request, "portal/verify/form.html", {"form": form}))


@require_GET
def letter_check(request: HttpRequest, code: str) -> HttpResponse:
    """Valid or not, the mission, the dates and the holder's initials; nothing else."""
    if refused := _too_many(request):
        return refused
    result = travel_letter_check(code=code, request=request)
    return _private(
        page(
            request,
            "portal/verify/result.html",
            {"result": result, "form": forms.LetterCodeForm(), "code_shown": _shown(code)},
        )
    )


def _shown(code: str) -> str:
    normalised = letter_code_normalise(code)
    return letter_code_display(normalised) if normalised else ""
