"""The request being served, so that audit entries written deep inside a service
(a transition, a membership change) still name the client's address and browser."""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("legion_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the entry LEGION_PROXY_COUNT proxies back in
    X-Forwarded-For when the app runs behind that many trusted proxies."""
    proxies = settings.LEGION_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


CREDENTIAL_ATTRIBUTE = "_legion_audit_credential"


def request_credential_note(request: HttpRequest, credential: dict) -> None:
    """Name the credential other than a session (an API token: id, prefix, name, scope)
    that authenticated this request: every audit entry written while serving it records
    it under "api_token"."""
    setattr(request, CREDENTIAL_ATTRIBUTE, credential)


def request_credential(request: HttpRequest | None) -> dict | None:
    return getattr(request, CREDENTIAL_ATTRIBUTE, None) if request is not None else None


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
