"""The REST API under /api/v1/ (django-ninja); routers call the same services as the UI.

Every error answers `{"detail": ..., "code": ...}`: 400 `malformed_body` for a body that
is not JSON at all (or another 400 for a header that cannot be read), 401 without a valid
token, 403 when the token or its user may not do this (`read_only_token` for a write with
a read-only token), 404 for a case or mission outside the caller's scope
(indistinguishable from a missing one), 409 when the workflow refuses, 412 when
`If-Match` names an old version of the case, 413 `request_too_large` for a body over the
limit (refused before it is read), 422 `invalid` with per-field `errors` for well-formed
input that fails validation, 429 with `Retry-After` over a rate limit. Every POST accepts
an `Idempotency-Key`.
"""

import json

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from legion.api.examples import EXAMPLES
from legion.api.tokens import TokenRefused, api_token_authenticate
from legion.api.versions import VersionMismatch
from legion.audit.context import request_credential_note
from legion.cases.intake import IntakeInvalid
from legion.cases.services import CaseError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lgn_...`, created with `legion api-token create --user NAME`.
    The token's scope and expiry are checked for every operation, and every audit entry
    written while serving the request names the token."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = api_token_authenticate(raw=token, method=request.method or "GET")
        request_credential_note(request, api_token.audit_label())
        return api_token.user


# Answers every operation can give, whatever it does (listed in the OpenAPI document).
COMMON_RESPONSES = {
    400: "The request could not be read: the body is not JSON, or a header is malformed.",
    401: "No valid API token (Authorization: Bearer ...): `unauthorized`, or "
    "`token_expired` for a token past its expiry.",
    403: "The token or its user may not do this: `read_only_token` for a write with a "
    "read-only token.",
    413: "The request body is larger than the upload limit.",
    429: "Too many requests from this token or address; wait for Retry-After seconds.",
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Any unique string (a UUID): a retry with the same key and body gets the first "
        "response again (header Idempotent-Replayed: true) and changes nothing. The same "
        "key with another body is refused with 422 idempotency_key_reused."
    ),
    "schema": {"type": "string", "maxLength": 255},
}
IF_MATCH_HEADER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": (
        "The case's ETag as you last read it: the write is refused with 412 "
        "stale_version if the case has changed since."
    ),
    "schema": {"type": "string"},
}


class LegionAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's document, completed with what the middleware adds to every operation:
        the common error answers, Idempotency-Key on POSTs, If-Match and 412 on writes
        to one case."""
        schema = super().get_openapi_schema(**kwargs)
        for name, component in schema["components"]["schemas"].items():
            if name in EXAMPLES:
                component["examples"] = [EXAMPLES[name]]
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
                if method != "post":
                    continue
                parameters = operation.setdefault("parameters", [])
                parameters.append(IDEMPOTENCY_HEADER)
                if "{reference}" in path:
                    parameters.append(IF_MATCH_HEADER)
                    responses.setdefault(
                        412,
                        {
                            "description": "The case changed since your If-Match version.",
                            "content": error,
                        },
                    )
        return schema


api = LegionAPI(
    title="Legion API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
    # Swagger UI from Legion's own static files ("ninja" is an installed app, so ninja
    # serves its bundled copy instead of a CDN's): allowed by the strict CSP.
    docs_url="/docs",
)


def error(request: HttpRequest, status: int, detail: str, code: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(CaseError)
def case_error(request: HttpRequest, exc: CaseError) -> HttpResponse:
    if exc.code == "not_found":
        return error(request, 404, exc.message, exc.code)
    return error(request, 409, exc.message, exc.code)


@api.exception_handler(IntakeInvalid)
def answers_invalid(request: HttpRequest, exc: IntakeInvalid) -> HttpResponse:
    # The portal's message per answer, in the 422 shape.
    errors = [{"field": field, "message": str(message)} for field, message in exc.errors.items()]
    return error(request, 422, "Some answers cannot be accepted.", "invalid", errors=errors)


@api.exception_handler(VersionMismatch)
def stale_version(request: HttpRequest, exc: VersionMismatch) -> HttpResponse:
    response = error(
        request,
        412,
        "The case has changed since you read it. Read it again (its ETag) and retry.",
        "stale_version",
    )
    response["ETag"] = exc.current
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error(
        request, 401, "A valid API token is required (Authorization: Bearer ...).", "unauthorized"
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(TokenRefused)
def token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = error(request, exc.status, exc.message, exc.code)
    if exc.status == 401:
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


from legion.api import (  # noqa: E402  (routers import `api` helpers)
    applicant,
    cases,
    conversation,
    decisions,
    documents,
    reference,
)

api.add_router("/cases", cases.router)
api.add_router("/cases", decisions.router)
api.add_router("/cases", documents.router)
api.add_router("/cases", conversation.router)
api.add_router("/", reference.router)
api.add_router("/applicant", applicant.router)
