"""Webhook tests: fast settings (plain http to 127.0.0.1 allowed, short retries and leases), a real HTTP receiver on
127.0.0.1 in a thread, and the worker's rounds run in the test's own process."""

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from httpx import AsyncClient

from api import settings
from api.auth.models import Scope
from api.webhooks import worker

FAST = {
    "WEBHOOK_ALLOW_INSECURE_URLS": "true",
    "WEBHOOK_RETRY_SCHEDULE": "0,0,0,0,0,0",
    "WEBHOOK_PAUSE_AFTER_FAILURES": "3",
    "WEBHOOK_LEASE_SECONDS": "3",
    "WEBHOOK_TIMEOUT": "2.5",
}


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server that records every POST and answers with the next status of ``answers`` (then 200)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    hold_first: threading.Event | None = None  # set: the first request waits for it before it is answered
    arrived: threading.Event = field(default_factory=threading.Event)

    def ids(self) -> list[str]:
        return [request.headers["webhook-id"] for request in self.received]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with lock:
                first = not receiver.arrived.is_set()
                receiver.arrived.set()
            if first and receiver.hold_first is not None:
                receiver.hold_first.wait(30)
                return  # the worker was killed meanwhile: nothing to answer
            with lock:
                receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.answers.pop(0) if receiver.answers else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fast_webhooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    settings.get_settings.cache_clear()
    yield
    monkeypatch.undo()
    settings.get_settings.cache_clear()


@pytest.fixture
def receiver(fast_webhooks: None) -> Iterator[Receiver]:
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    server.daemon_threads = True
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    if found.hold_first is not None:
        found.hold_first.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
async def manager(fast_webhooks: None, key_client: Callable[..., Awaitable[AsyncClient]]) -> AsyncIterator[AsyncClient]:
    """An integration's key: reads, and manages its own webhook subscriptions."""
    async with await key_client(Scope.read, Scope.webhooks_manage) as client:
        yield client


Rounds = Callable[[], Awaitable[int]]


@pytest.fixture
def deliver(fast_webhooks: None) -> Rounds:
    """One round of the worker's deliveries, in this process; returns how many it sent."""

    async def round_() -> int:
        async with worker.http_client(settings.get_settings()) as client:
            return await worker.deliver_due(client, "test-worker", settings.get_settings())

    return round_


async def subscribe(client: AsyncClient, url: str, *types: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhook-subscriptions", json={"url": url, "event_types": list(types), **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
