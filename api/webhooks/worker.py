"""The webhook worker (`python -m api worker`): every WEBHOOK_POLL_SECONDS it sends the deliveries that are due, and
every WEBHOOK_SWEEP_SECONDS it sweeps for derived events. Everything it knows is in the database, so any number of
workers (PostgreSQL) may run, be killed and be restarted: a delivery whose lease runs out is sent again, with the
same webhook-id (at least once)."""

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable

import httpx

from api.db import get_sessionmaker
from api.settings import Settings, get_settings
from api.webhooks import dispatch, sweep

logger = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:64]


async def sweep_once() -> int:
    """One sweep in its own transaction; returns the events written."""
    async with get_sessionmaker()() as session, session.begin():
        return await sweep.sweep(session)


async def _deliver(client: httpx.AsyncClient, job: dispatch.Job, worker_id: str, settings: Settings) -> None:
    outcome = await dispatch.send(client, job)
    async with get_sessionmaker()() as session, session.begin():
        await dispatch.record(session, job, outcome, worker_id, settings)


async def deliver_due(client: httpx.AsyncClient, worker_id: str, settings: Settings) -> int:
    """Claim what is due (one transaction), send it all at once (no transaction held), record each outcome."""
    async with get_sessionmaker()() as session, session.begin():
        jobs = await dispatch.claim(session, worker_id, settings)
    await asyncio.gather(*(_deliver(client, job, worker_id, settings) for job in jobs))
    return len(jobs)


async def _logged(work: Awaitable[int], what: str) -> int:
    """Run one round; a failure (the database away, a bug in one event) is logged and the worker goes on."""
    try:
        return await work
    except Exception:
        logger.exception("webhook worker: a %s failed", what)
        return 0


def http_client(settings: Settings) -> httpx.AsyncClient:
    # No redirects: a receiver cannot send a signed delivery on to an address the checks did not see.
    return httpx.AsyncClient(timeout=settings.webhook_timeout, follow_redirects=False, trust_env=False)


async def run(stop: asyncio.Event | None = None) -> None:
    """Deliver and sweep until ``stop`` is set (or the process is stopped)."""
    settings = get_settings()
    stop = stop or asyncio.Event()
    worker_id = worker_name()
    logger.info("webhook worker %s started", worker_id)
    loop = asyncio.get_running_loop()
    next_sweep = loop.time()
    async with http_client(settings) as client:
        while not stop.is_set():
            sent = 0
            if loop.time() >= next_sweep:
                next_sweep = loop.time() + settings.webhook_sweep_seconds
                await _logged(sweep_once(), "sweep")
            sent = await _logged(deliver_due(client, worker_id, settings), "delivery round")
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.webhook_poll_seconds)
