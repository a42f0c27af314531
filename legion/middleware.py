"""Site-wide middleware."""

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class SameOriginFetchMiddleware:
    """Let our own forms pass Django's CSRF origin check under `Referrer-Policy: no-referrer`.

    With that policy browsers send `Origin: null` on every form post, even to the same
    site, and Django's CSRF check rejects it. `Sec-Fetch-Site`, which no page can set
    or forge, tells whether the post really comes from one of our own pages; only then
    is the origin restored. The CSRF token is still checked as always.
    Must come before django.middleware.csrf.CsrfViewMiddleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            try:
                host = request.get_host()
            except DisallowedHost:
                host = None
            if host:
                scheme = "https" if request.is_secure() else "http"
                meta["HTTP_ORIGIN"] = f"{scheme}://{host}"
        return self.get_response(request)


class StaffEnglishMiddleware:
    """The staff workspace (/staff/) is written in English: its dates, numbers and the
    services' messages follow it whatever the browser asks for, so a French month or a
    Polish refusal never appears in an English work tool. After LocaleMiddleware."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/staff/"):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)
