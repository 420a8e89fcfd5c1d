"""At least once, none lost: the worker (`python -m api worker`, a real process on the test's database) is killed
with SIGKILL while a receiver holds a delivery, and restarted; every event arrives, the held one again with the
same webhook-id once its lease has run out."""

import asyncio
import os
import signal
import sys
import threading

from httpx import AsyncClient
from sqlalchemy import select

from api import db
from api.webhooks import events
from api.webhooks.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEventType
from tests.webhooks.conftest import FAST, Receiver, subscribe

SETTLED_WITHIN = 90  # seconds: a worker imports the app in about 3 s of CPU, more on a busy machine


async def _start_worker(database_url: str) -> asyncio.subprocess.Process:
    environment = (
        os.environ
        | FAST
        | {
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "warning",
            "WEBHOOK_POLL_SECONDS": "0.2",
            "WEBHOOK_SWEEP_SECONDS": "3600",
        }
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api", "worker", env=environment, stdout=asyncio.subprocess.DEVNULL
    )


async def _emit(count: int) -> list[str]:
    ids = []
    for number in range(count):
        async with db.get_sessionmaker()() as session, session.begin():
            event = await events.emit(session, WebhookEventType.pack_issued, {"pack_id": number})
            assert event is not None
            ids.append(event.event_id)
    return ids


async def _all_delivered() -> bool:
    async with db.get_sessionmaker()() as session:
        statuses = (await session.scalars(select(WebhookDelivery.status))).all()
    return bool(statuses) and all(status is WebhookDeliveryStatus.succeeded for status in statuses)


async def test_no_event_is_lost_when_the_worker_is_killed_mid_delivery(
    manager: AsyncClient, receiver: Receiver, database_url: str
) -> None:
    receiver.hold_first = threading.Event()
    await subscribe(manager, receiver.url, "pack.issued")
    sent = await _emit(5)
    first = await _start_worker(database_url)
    try:
        assert await asyncio.to_thread(receiver.arrived.wait, SETTLED_WITHIN), "the worker sent nothing"
        await asyncio.sleep(0.5)  # the rest of its batch arrives meanwhile
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    receiver.hold_first.set()  # the held request's worker is gone: it is never answered
    sent += await _emit(2)  # while no worker runs
    second = await _start_worker(database_url)
    try:
        for _ in range(SETTLED_WITHIN * 5):
            if await _all_delivered():
                break
            await asyncio.sleep(0.2)
    finally:
        second.terminate()
        await second.wait()
    assert await _all_delivered()
    assert set(receiver.ids()) == set(sent), "every event arrived at least once"
    assert len(receiver.ids()) >= len(sent)
