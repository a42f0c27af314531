"""Signing webhook deliveries the Standard Webhooks way (https://www.standardwebhooks.com,
as Svix and, in spirit, Stripe do), so receivers can use an existing library.

Each delivery carries three headers:

- `webhook-id`: the delivery's id, the same on every retry and replay (deduplicate on it);
- `webhook-timestamp`: seconds since the epoch when this attempt was signed;
- `webhook-signature`: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
  where key is the base64-decoded part of the subscription's secret after `whsec_`.

A receiver recomputes the signature over the raw body, compares in constant time and
refuses timestamps more than five minutes away from its clock (that defeats replays of
a captured request). `webhook_verify` below is that check, for tests and for readers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class SignatureInvalid(Exception):
    pass


def webhook_secret_generate() -> str:
    """A new signing secret: `whsec_` + 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def webhook_signature(*, secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for one attempt."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(*, secret: str, webhook_id: str, body: bytes) -> dict[str, str]:
    """The signing headers for an attempt made now."""
    timestamp = int(time.time())
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(
            secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }


def webhook_verify(
    *, secret: str, headers: dict[str, str], body: bytes, now: float | None = None
) -> None:
    """What a receiver does: raises SignatureInvalid unless the headers sign `body` with
    `secret` within the tolerance. Header names are case-insensitive."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        webhook_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        offered = lower["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise SignatureInvalid("missing or malformed webhook headers") from exc
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        raise SignatureInvalid("timestamp outside the tolerance")
    expected = webhook_signature(
        secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body
    )
    # Several signatures may be offered (while a secret is being rotated).
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureInvalid("no signature matches")
