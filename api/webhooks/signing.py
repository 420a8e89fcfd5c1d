"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256, keyed with the base64-decoded part
of the secret after `whsec_`, over `{webhook-id}.{webhook-timestamp}.{body}`, sent as `v1,<base64>` (several,
space-separated, while a rotated secret still signs)."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One signature, `v1,<base64 of the HMAC>`."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers(secrets_in_force: Iterable[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers a delivery carries, signed with every secret in force."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, message_id, timestamp, body) for secret in secrets_in_force),
    }
