"""`Idempotency-Key` on every POST of the API: a retry with the same key and body gets
the first response again and creates nothing new (legion/idempotency/services.py).

Only successful responses are kept: a refusal or an error rolls back with its key, so a
retry after fixing the cause is a fresh attempt. Keys belong to the token that sent
them: another integration's key of the same spelling is another key.
"""

import hashlib
import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from legion.api.limits import API_PREFIX, bearer_token
from legion.idempotency.services import IdempotencyError, idempotent_run, request_fingerprint

HEADER = "Idempotency-Key"


def _fingerprint(request: HttpRequest) -> str:
    try:
        body = request.body
    except RequestDataTooBig:
        # Too large to hold in memory (an upload): what the client declared stands in.
        body = f"{request.content_type}:{request.headers.get('Content-Length', '')}".encode()
    return request_fingerprint(request.method or "", request.get_full_path(), body)


class ApiIdempotencyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        token = bearer_token(request)
        if request.method != "POST" or not request.path.startswith(API_PREFIX) or key is None:
            return self.get_response(request)
        if not token:
            return self.get_response(request)  # answered 401 by the API itself
        first: list[HttpResponse] = []

        def run() -> dict:
            response = self.get_response(request)
            first.append(response)
            return {
                "status": response.status_code,
                "content_type": response.get("Content-Type", "application/json"),
                "body": response.content.decode(),
                "headers": {h: response[h] for h in ("ETag", "Location") if response.has_header(h)},
            }

        try:
            outcome, replayed = idempotent_run(
                owner="api:" + hashlib.sha256(token.encode()).hexdigest()[:40],
                key=key,
                fingerprint=_fingerprint(request),
                run=run,
                keep=lambda outcome: outcome["status"] < 400,
            )
        except IdempotencyError as exc:
            body = {"detail": exc.message, "code": exc.code}
            status = 400
            if exc.code == "idempotency_key_reused":  # the 422 shape, naming the header
                status = 422
                body["errors"] = [{"field": HEADER, "message": exc.message}]
            return HttpResponse(json.dumps(body), status=status, content_type="application/json")
        if not replayed:
            return first[0]
        response = HttpResponse(
            outcome["body"], status=outcome["status"], content_type=outcome["content_type"]
        )
        for header, value in outcome["headers"].items():
            response[header] = value
        response["Idempotent-Replayed"] = "true"
        return response
