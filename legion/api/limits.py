"""Rate limits on the API: per token and per client address, in the shared cache.

Both limits apply to every request under /api/: the address limit also covers requests
without a token (or with a guessed one), the token limit an integration that spreads
over several addresses. Over a limit the answer is 429 with `Retry-After`.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from legion.audit.context import client_ip
from legion.ratelimit import Limit, rate_limit_hit

API_PREFIX = "/api/"


def rate_limited_response(retry_after: int) -> HttpResponse:
    body = {
        "detail": f"Too many requests. Try again in {retry_after} seconds.",
        "code": "rate_limited",
    }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(retry_after)
    return response


def bearer_token(request: HttpRequest) -> str:
    """The token of `Authorization: Bearer ...`, or an empty string."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class ApiRateLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            per_address = Limit.parse("api-address", settings.LEGION_API_RATE_PER_ADDRESS)
            wait = rate_limit_hit(limit=per_address, key=client_ip(request))
            if wait is None and (token := bearer_token(request)):
                per_token = Limit.parse("api-token", settings.LEGION_API_RATE_PER_TOKEN)
                key = hashlib.sha256(token.encode()).hexdigest()
                wait = rate_limit_hit(limit=per_token, key=key)
            if wait is not None:
                return rate_limited_response(wait)
        return self.get_response(request)
