"""When to retry a request and how long to wait first: pure rules shared by the sync and the async client."""

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

RETRIED_STATUSES = frozenset({429, 503})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Errors raised before the request could reach the server: any request may be sent again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    backoff: float = 0.5  # seconds before the first retry when the server does not say; doubled for each retry
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a server asking for a longer wait is not waited for: the error is raised

    def delay(self, attempt: int, retry_after: str | None = None, *, now: float | None = None) -> float | None:
        """Seconds to wait before retry number ``attempt`` (0-based), or None to give up: Retry-After when the server
        sent it, else exponential backoff with jitter."""
        if attempt >= self.max_retries:
            return None
        asked = parse_retry_after(retry_after, now=now)
        if asked is not None:
            return asked if asked <= self.max_retry_after else None
        ceiling = min(self.max_backoff, self.backoff * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); None if absent or
    unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def replayable(request: httpx.Request) -> bool:
    """Whether sending ``request`` twice has the effect of sending it once: a safe or idempotent method, a PATCH
    bound to one version by If-Match, or a POST carrying an Idempotency-Key the server replays."""
    if request.method in IDEMPOTENT_METHODS:
        return True
    if request.method == "PATCH":
        return "if-match" in request.headers
    return "idempotency-key" in request.headers


def retry_after_error(error: httpx.TransportError, request: httpx.Request) -> bool:
    """A request that got no answer may be retried if it never left, or if repeating it is harmless."""
    return isinstance(error, NOT_SENT) or replayable(request)
