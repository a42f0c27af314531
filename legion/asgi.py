import asyncio
import io
import os

import django
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
django.setup(set_prefix=False)

from legion.middleware import request_body_limit  # noqa: E402  (needs settings)


class BodyTooLarge(Exception):
    pass


class LimitedASGIHandler(ASGIHandler):
    """Django's ASGI handler reads the whole body into a temporary file (on disk past
    FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware runs. This one reads nothing of a
    body declared too large (RequestSizeLimitMiddleware then answers 413 from the
    declared length) and keeps a body of undeclared length in memory, answering 413 as
    soon as it grows past the limit: no request body is ever written to disk."""

    async def handle(self, scope, receive, send):
        headers = dict(scope.get("headers") or ())
        limit = request_body_limit(headers.get(b"content-type", b"").decode("latin-1"))
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = -1
        if declared > limit or declared < 0:
            # The middleware refuses it from the header; Django gets an empty body.
            return await super().handle(scope, _without_body(receive), send)
        try:
            return await super().handle(scope, _limited(receive, limit), send)
        except BodyTooLarge:
            response = HttpResponse(
                "The request body is larger than this server accepts.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
            await self.send_response(response, send)

    async def read_body(self, receive):
        """The body in memory (bounded by _limited), never in a temporary file."""
        body = io.BytesIO()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise RequestAborted()
            body.write(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body.seek(0)
        return body


def _without_body(receive):
    """An empty body, then nothing: Django's wait for a disconnect must not pull the
    refused body from the server (it is cancelled once the 413 is sent)."""
    sent = False

    async def receive_nothing():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Future()

    return receive_nothing


def _limited(receive, limit: int):
    received = 0

    async def receive_at_most():
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise BodyTooLarge
        return message

    return receive_at_most


application = LimitedASGIHandler()

# Web workers live long: load the name romanisation rules before the first applicant.
from legion.identity.normalise import warm_up  # noqa: E402

warm_up()
