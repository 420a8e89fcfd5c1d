"""Long loops that share the event loop. A worker serves every request on one event loop, so a 10,000-row batch
checked in one go holds every other request (a dashboard's read, a key check) until it is done: a quarter of a
second or more. Walked in slices with a turn for the others between them, the batch takes as long and the reads
wait a slice at most (a few milliseconds)."""

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import ParamSpec, TypeVar

from api.settings import get_settings

ItemT = TypeVar("ItemT")
P = ParamSpec("P")
R = TypeVar("R")
SLICE = 100


async def in_turns(items: Iterable[ItemT], size: int = SLICE) -> AsyncIterator[ItemT]:
    """Each item in order; after every ``size`` items, other tasks get a turn."""
    for count, item in enumerate(items, 1):
        yield item
        if count % size == 0:
            await asyncio.sleep(0)


@functools.cache
def _bulkhead() -> asyncio.Semaphore:
    return asyncio.Semaphore(get_settings().bulk_jobs_per_worker)


def one_bulk_job_at_a_time(endpoint: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """A bulkhead for bulk writes: a worker works on this many at once (BULK_JOBS_PER_WORKER, default 1) and the
    rest wait their turn before they touch the database. Four batches at once would finish no sooner on one core
    (they share it) but would take every turn of the event loop from the reads meanwhile."""

    @functools.wraps(endpoint)
    async def queued(*args: P.args, **kwargs: P.kwargs) -> R:
        async with _bulkhead():
            return await endpoint(*args, **kwargs)

    return queued
