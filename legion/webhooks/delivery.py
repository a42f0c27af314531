"""Sending one webhook delivery: the outbox's sender for the webhook channel.

The outbox claims the message, records the attempt and retries with back-off; this
only checks that the subscription may still hear of the case, signs the body for this
attempt and POSTs it. Any 2xx is delivered; anything else (another status, a refused
connection, a timeout, a redirect, which is not followed) is a failure to retry.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

from legion.outbox.delivery import Receipt, SendFailed
from legion.outbox.models import OutboxMessage
from legion.webhooks.models import WebhookDelivery
from legion.webhooks.services import subscription_sees_case
from legion.webhooks.signing import webhook_headers

USER_AGENT = "Legion-Webhooks/1"
RESPONSE_BYTES = 500


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could point the signed payload anywhere: it is an answer, not a hop.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def endpoint_allowed(url: str) -> bool:
    """HTTPS only; plain HTTP only where LEGION_WEBHOOK_ALLOW_HTTP says so (development,
    tests with a receiver on loopback)."""
    scheme = urlsplit(url).scheme
    return scheme == "https" or (scheme == "http" and settings.LEGION_WEBHOOK_ALLOW_HTTP)


def _timeout() -> float:
    # An attempt that outlives the outbox lease would be taken for a dead worker's and
    # sent again while still running.
    lease = settings.LEGION_OUTBOX_LEASE_SECONDS
    return max(1.0, min(settings.LEGION_WEBHOOK_TIMEOUT_SECONDS, lease / 3))


def webhook_send(message: OutboxMessage) -> Receipt:
    """POST the delivery of outbox `message`, signed now; what the endpoint answered."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription__token__user", "case")
        .filter(message=message)
        .first()
    )
    if delivery is None:
        raise SendFailed("The delivery record is gone.", permanent=True)
    subscription = delivery.subscription
    if not subscription_sees_case(subscription=subscription, case=delivery.case):
        raise SendFailed(
            "Not sent: the subscription is off or may no longer read this case.", permanent=True
        )
    if not endpoint_allowed(subscription.url):
        raise SendFailed("Not sent: the endpoint is not HTTPS.", permanent=True)
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked just above)
        subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **webhook_headers(
                secret=subscription.secret, webhook_id=delivery.webhook_id, body=body
            ),
        },
    )
    try:
        with _opener.open(request, timeout=_timeout()) as response:
            answer = response.read(RESPONSE_BYTES).decode(errors="replace")
            return Receipt(response_status=response.status, response_body=answer)
    except urllib.error.HTTPError as exc:  # any status outside 2xx, redirects included
        answer = exc.read(RESPONSE_BYTES).decode(errors="replace") if exc.fp else ""
        raise SendFailed(
            f"The endpoint answered HTTP {exc.code}.",
            response_status=exc.code,
            response_body=answer,
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendFailed(f"Could not reach the endpoint: {type(reason).__name__}.") from exc
