"""Public information pages: start, how it works, legal advice, other ways to help."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from legion import cldr
from legion.advisories.models import Advisory
from legion.advisories.services import advisory_for_nationality, risk_notice
from legion.cases.eligibility import DEFAULT_PARAMETERS, active_rules
from legion.portal.session import public_page
from legion.portal.views.common import page


def _requirements() -> dict:
    """The age limits and passport validity the rules currently ask for."""
    rules = dict(active_rules())
    passport = rules.get("passport_validity", DEFAULT_PARAMETERS["passport_validity"])
    return {
        "age": rules.get("age", DEFAULT_PARAMETERS["age"]),
        "passport_months": passport.get("min_months", 6),
    }


@public_page
def start(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/start.html", _requirements())


@public_page
def steps(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/steps.html", _requirements())


@public_page
def advice_index(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("country", "").upper()
    if chosen:
        if chosen not in countries:
            return page(
                request,
                "portal/pages/advice_index.html",
                {"countries": cldr.country_choices(), "recorded": _recorded(), "error": True},
                status=400,
            )
        return redirect("portal:advice_country", country=chosen.lower())
    return page(
        request,
        "portal/pages/advice_index.html",
        {"countries": cldr.country_choices(), "recorded": _recorded()},
    )


def _recorded() -> list[tuple[str, str, str]]:
    """Countries whose government's position is recorded: (code, name, stance label)."""
    rows = [
        (a.nationality.code, cldr.country_name(a.nationality.code), a.get_stance_display())
        for a in Advisory.objects.exclude(nationality="")
    ]
    return sorted(rows, key=lambda r: cldr.sort_key(r[1]))


@public_page
def advice_country(request: HttpRequest, country: str) -> HttpResponse:
    code = country.upper()
    if code not in countries:
        raise Http404
    language = get_language()
    return page(
        request,
        "portal/pages/advice_country.html",
        {
            "country_name": cldr.country_name(code),
            "advisory": advisory_for_nationality(nationality=code, language=language),
            "notice": risk_notice(language=language),
            "back_url": reverse("portal:advice_index"),
            "back_label": _("All countries"),
        },
    )


@public_page
def other_ways(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/other_ways.html")


@public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/privacy.html")


def session_ended(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/session_ended.html")


def signed_out(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/pages/signed_out.html")
