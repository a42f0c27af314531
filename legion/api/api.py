"""The REST API under /api/v1/ (django-ninja); routers call the same services as the UI.

Every error answers `{"detail": ..., "code": ...}`: 401 without a valid token, 404 for a
case or mission outside the caller's scope (indistinguishable from a missing one),
409 when the workflow refuses, 422 with per-field `errors` for well-formed input that
fails validation, 400 `malformed_body` for a body that is not JSON at all, 403
`read_only_token` for a write with a read-only token, 413 `request_too_large` for a body
over the limit (refused before it is read).
"""

import json

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from legion.api.tokens import api_token_authenticate
from legion.cases.services import CaseError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lgn_...`, created with `legion api-token create --user NAME`."""

    def authenticate(self, request: HttpRequest, token: str):
        return api_token_authenticate(raw=token)


api = NinjaAPI(
    title="Legion API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
    # The interactive docs page loads scripts from a CDN, which the CSP forbids;
    # the schema itself is at /api/v1/openapi.json.
    docs_url=None,
)


def error(request: HttpRequest, status: int, detail: str, code: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(CaseError)
def case_error(request: HttpRequest, exc: CaseError) -> HttpResponse:
    if exc.code == "not_found":
        return error(request, 404, exc.message, exc.code)
    return error(request, 409, exc.message, exc.code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request, 401, "A valid API token is required (Authorization: Bearer ...).", "unauthorized"
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, str(exc) or "Not found.", "not_found")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ValueError):  # JSONDecodeError, UnicodeDecodeError
        cause = exc.__cause__
        where = (
            f" (line {cause.lineno}, column {cause.colno}: {cause.msg})"
            if isinstance(cause, json.JSONDecodeError)
            else ""
        )
        return error(
            request,
            400,
            f"The request body is not valid JSON{where}. Send a JSON object with "
            "Content-Type: application/json.",
            "malformed_body",
        )
    code = {403: "forbidden", 404: "not_found"}.get(exc.status_code, "error")
    return error(request, exc.status_code, str(exc), code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            # ("body", "payload", "action") -> "action"; ("query", "page") -> "page"
            "field": ".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload") or "body",
            "message": e.get("msg", "Invalid value."),
        }
        for e in exc.errors
    ]
    return error(request, 422, "The request is not valid.", "invalid", errors=errors)


from legion.api import cases, reference  # noqa: E402  (routers import `api` helpers)

api.add_router("/cases", cases.router)
api.add_router("/", reference.router)
