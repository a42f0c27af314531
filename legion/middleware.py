"""Site-wide middleware."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from legion.cases.policy import NotInScope


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


def request_body_limit(content_type: str) -> int:
    """The largest request body accepted: one document upload and the form around it for
    multipart forms, DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own ceiling) for anything else."""
    if content_type.lower().startswith("multipart/form-data"):
        return settings.LEGION_MAX_UPLOAD_BYTES + settings.LEGION_UPLOAD_FORM_OVERHEAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or settings.LEGION_MAX_UPLOAD_BYTES


def declared_body_length(meta: dict) -> int | None:
    """CONTENT_LENGTH as a number (0 when absent), or None when it is not one."""
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def too_large_response(request: HttpRequest) -> HttpResponse:
    """413 in the shape of the face that was asked: JSON for the API, the workspace's
    error page for staff, the portal's page (in the applicant's language) otherwise."""
    size = filesizeformat(settings.LEGION_MAX_UPLOAD_BYTES)
    if request.path.startswith("/api/"):
        detail = (
            f"The request body is larger than this server accepts ({size} for a document "
            "upload, less for anything else)."
        )
        response = JsonResponse({"detail": detail, "code": "request_too_large"}, status=413)
    elif request.path.startswith("/staff/"):
        context = {
            "title": "File too large",
            "explanation": f"Files can be at most {size}. Nothing was uploaded or saved.",
        }
        response = render(request, "workspace/error.html", context, status=413)
    else:
        response = render(
            request,
            "portal/errors/413.html",
            {"size": size, "form_url": request.path},
            status=413,
        )
    # The unread body is the WSGI/ASGI server's to discard (a hop-by-hop Connection
    # header is not the application's to set); with a length, the client can read the
    # answer while the server is still discarding.
    response["Content-Length"] = str(len(response.content))
    return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is over the limit with 413 before anything
    reads the body: nothing reaches memory, the temporary upload folder or the media
    folder. Runs before every middleware that could read request.POST (CSRF, sessions
    never do; the order in settings.MIDDLEWARE keeps it so). A body of unknown length is
    never read by Django under WSGI; under ASGI legion.asgi enforces the same limit."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_body_length(request.META)
        limit = request_body_limit(request.META.get("CONTENT_TYPE", ""))
        if length is None or length > limit:
            return too_large_response(request)
        return self.get_response(request)


class NotInScopeMiddleware:
    """A case or mission outside the access policy's scope is a 404 on every page, the
    same answer as one that does not exist (the API answers its own 404 JSON, the CLI
    exits with 1)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotInScope):
            raise Http404(exception.message) from exception
