"""Checking a webhook delivery the Standard Webhooks way (https://www.standardwebhooks.com), for receivers:

    from strategy_client.webhooks import verify, WebhookInvalid
    event = verify(secret, request.headers, raw_body)   # the parsed body; WebhookInvalid if not genuine

Keep the raw body as received (the signature covers its bytes), and de-duplicate by `event_id(headers)`: a delivery
can arrive more than once (at least once)."""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

SECRET_PREFIX = "whsec_"
TOLERANCE = 300  # seconds a delivery's timestamp may be from now


class WebhookInvalid(Exception):
    """The delivery is not signed with the secret, or is too old or too new to trust."""


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookInvalid(f"missing header {name}")


def event_id(headers: Mapping[str, str]) -> str:
    """The delivery's `webhook-id`: the same for every delivery of one event."""
    return _header(headers, "webhook-id")


def signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, *, tolerance: int = TOLERANCE, now: float | None = None
) -> dict[str, Any]:
    """The delivery's body (`{type, timestamp, data}`), if one of its `v1` signatures is ``secret``'s and its
    timestamp is within ``tolerance`` seconds of now; WebhookInvalid otherwise."""
    message_id, timestamp = event_id(headers), _header(headers, "webhook-timestamp")
    try:
        sent = int(timestamp)
    except ValueError as error:
        raise WebhookInvalid("webhook-timestamp is not a number") from error
    if abs((now if now is not None else time.time()) - sent) > tolerance:
        raise WebhookInvalid("webhook-timestamp is too far from now")
    expected = signature(secret, message_id, timestamp, body)
    given = [part.partition(",") for part in _header(headers, "webhook-signature").split()]
    if not any(version == "v1" and hmac.compare_digest(value, expected) for version, _, value in given):
        raise WebhookInvalid("no signature matches the secret")
    found: dict[str, Any] = json.loads(body)
    return found
