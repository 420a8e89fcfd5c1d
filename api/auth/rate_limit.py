"""Per-key request limits, counted in the database so that every worker shares them, without a write per request.

Each worker takes a lease of the window's allowance (a twentieth of the limit at a time, at least one request),
recording it in the shared counter, and spends it locally. A lease is clamped to what the window has left, so all
workers together never exceed the limit; a worker that stops with part of a lease unspent only makes the limit a
little stricter for that minute. A limit of 20 or less is counted request by request, exactly.
"""

import time
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from api.auth.models import RateLimitWindow
from api.errors import RateLimited

WINDOW_SECONDS = 60
LEASES_PER_WINDOW = 20


@dataclass
class Lease:
    window: int
    left: int


_leases: dict[tuple[str, int], Lease] = {}
PRUNE_ABOVE = 10_000  # subjects held at once (anonymous addresses can be many)


def _window(now: float) -> int:
    return int(now // WINDOW_SECONDS * WINDOW_SECONDS)


def spend_leased(subject: str, limit: int) -> bool:
    """Count one request from this worker's lease, if it has one for the current window with some left (or there
    is no limit); False when a lease must be taken first (spend)."""
    if limit == 0:
        return True
    lease = _leases.get((subject, limit))
    if lease is not None and lease.window == _window(time.time()) and lease.left > 0:
        lease.left -= 1
        return True
    return False


async def spend(connection: AsyncConnection, subject: str, limit: int) -> None:
    """Count one request for this subject (a key, or an address); RateLimited past the limit (0: no limit)."""
    if spend_leased(subject, limit):
        return
    now = time.time()
    window = _window(now)
    granted = await _reserve(connection, subject, window, max(1, limit // LEASES_PER_WINDOW), limit)
    if granted <= 0:
        raise RateLimited(limit, max(1, int(window + WINDOW_SECONDS - now) + 1))
    if len(_leases) > PRUNE_ABOVE:
        for stale in [held for held, old in _leases.items() if old.window < window]:
            del _leases[stale]
    _leases[(subject, limit)] = Lease(window, granted - 1)


async def _reserve(connection: AsyncConnection, subject: str, window: int, wanted: int, limit: int) -> int:
    """Add ``wanted`` to the shared count for this window; returns how many of them fit under the limit."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(RateLimitWindow)
        .values(subject=subject, window_start=window, count=wanted)
        .on_conflict_do_update(
            index_elements=[RateLimitWindow.subject, RateLimitWindow.window_start],
            set_={"count": RateLimitWindow.count + wanted},
        )
        .returning(RateLimitWindow.count)
    )
    count = int((await connection.execute(statement)).scalar_one())
    if count == wanted:  # a new window: forget this subject's old ones
        await connection.execute(
            delete(RateLimitWindow).where(RateLimitWindow.subject == subject, RateLimitWindow.window_start < window)
        )
    return min(wanted, limit - (count - wanted))
