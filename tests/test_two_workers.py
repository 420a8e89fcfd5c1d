"""The guarantees that must hold when the service runs as several workers on one database: two uvicorn processes
(two workers as a load balancer would see them, each with its own pools and read cache) serve the same database,
and requests alternate between them.

- a revoked key is refused by the other worker on its very next request, its read cache warm;
- a write through one worker is read back through the other at once (the read caches follow the data version);
- a rate limit holds across workers (the budget lives in the database, spent in leases);
- concurrent writes through both workers give gap-free revisions and a gap-free change feed in commit order;
- an idempotent retry sent to the other worker replays the first answer instead of writing again.

On PostgreSQL each worker answers key checks from memory kept current by notifications (api/auth/notified.py), and a
write is fenced before it is answered. So, besides the above:

- revocations are refused by the other worker at once while both are busy serving reads;
- a worker whose listening connection is lost reads the database until it listens again, missing nothing;
- a worker that stops answering (paused) does not hold writes up for long: its listener is cut off, and once it
  resumes it refuses a key revoked meanwhile.
"""

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from itertools import cycle

import httpx
import pytest
from sqlalchemy import text

from api.auth.models import Scope
from api.auth.notified import FENCE_SECONDS, listener_name
from api.auth.rate_limit import WINDOW_SECONDS
from api.db import make_engine
from tests.asserts import assert_problem
from tests.auth.helpers import key_id_of
from tests.conftest import Minter
from tests.live import Workers, serving

KPI = "repeat-child-protection-plans-within-2-years"  # a Council Plan KPI of the strategy, by financial year
pytestmark = pytest.mark.usefixtures("loaded")


@pytest.fixture
async def workers(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Workers]:
    """Two workers with their read caches on; a test's marker may add settings (e.g. a rate limit)."""
    marker = request.node.get_closest_marker("worker_settings")
    settings = {"READ_CACHE_ENTRIES": "512", "RATE_LIMIT_PER_MINUTE": "0"} | (marker.kwargs if marker else {})
    async with serving(database_url, 2, **settings) as bases:
        yield bases


def _client(base: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def test_a_revoked_key_is_refused_by_the_other_worker_at_once(workers: list[str], mint: Minter) -> None:
    reader, admin = await mint(Scope.read, name="dashboard"), await mint(Scope.admin, name="admin")
    first, second = workers
    async with _client(first, reader) as on_first, _client(second, reader) as on_second:
        for client in (on_first, on_second, on_first, on_second):  # both caches hold the answer
            assert (await client.get("/api/v1/focus-areas")).status_code == 200
        async with _client(first, admin) as administrator:
            assert (await administrator.delete(f"/api/v1/api-keys/{key_id_of(reader)}")).status_code == 200
        assert_problem(await on_second.get("/api/v1/focus-areas"), 401, detail_contains="revoked")
        assert_problem(await on_first.get("/api/v1/focus-areas"), 401, detail_contains="revoked")


async def test_a_write_through_one_worker_is_read_through_the_other(workers: list[str], mint: Minter) -> None:
    token = await mint(Scope.read, Scope.kpi_submit)
    first, second = workers
    async with _client(first, token) as on_first, _client(second, token) as on_second:
        for figure in (11, 12, 13):
            before = await on_second.get(f"/api/v1/kpis/{KPI}")  # cached on the second worker
            assert before.status_code == 200, before.text
            written = await on_first.put(f"/api/v1/kpis/{KPI}/values/FY2016-17", json={"value": figure})
            assert written.status_code in (200, 201), written.text
            value = await on_second.get(f"/api/v1/kpis/{KPI}/values/FY2016-17")
            assert value.json()["value"] == figure
            detail = (await on_second.get(f"/api/v1/kpis/{KPI}")).json()
            assert detail != before.json()


async def test_a_packs_etag_from_one_worker_is_a_304_on_the_other(workers: list[str], mint: Minter) -> None:
    """A pack states when it was made, so each worker's bytes differ; its weak ETag is the same on both."""
    token = await mint(Scope.read)
    first, second = workers
    async with _client(first, token) as on_first, _client(second, token) as on_second:
        made = await on_first.get("/api/v1/governance-bodies/csmt/pack")
        tag = made.headers["etag"]
        assert tag.startswith('W/"')
        polled = await on_second.get("/api/v1/governance-bodies/csmt/pack", headers={"If-None-Match": tag})
        assert polled.status_code == 304, polled.text
        assert polled.headers["etag"] == tag


@pytest.mark.worker_settings(RATE_LIMIT_PER_MINUTE="40")
async def test_a_rate_limit_holds_across_workers(workers: list[str], mint: Minter) -> None:
    token = await mint(Scope.read)
    clients = [_client(base, token) for base in workers]
    if (into := time.time() % WINDOW_SECONDS) > WINDOW_SECONDS - 10:  # the 60 requests must fall in one window
        await asyncio.sleep(WINDOW_SECONDS - into + 0.1)
    try:
        statuses = [(await client.get("/api/v1/scopes")).status_code for client, _ in zip(cycle(clients), range(60))]
    finally:
        for client in clients:
            await client.aclose()
    allowed = statuses.count(200)
    assert statuses.count(429) == 60 - allowed
    # Never more than the limit; at most a lease's worth (limit / 20 per worker) left unspent in a worker.
    assert 40 - 2 * 2 <= allowed <= 40


async def test_concurrent_writes_through_both_workers_keep_revisions_and_the_feed_gap_free(
    workers: list[str], mint: Minter
) -> None:
    writer, admin = await mint(Scope.read, Scope.kpi_submit, name="writer"), await mint(Scope.admin, name="feed")
    async with _client(workers[0], admin) as feed_reader:
        start = (await feed_reader.get("/api/v1/events", params={"after": "0", "limit": 1000})).json()["next_cursor"]
    clients = [_client(base, writer) for base in workers]
    try:
        writes = [
            client.put(f"/api/v1/kpis/{KPI}/values/FY2017-18", json={"value": figure})
            for client, figure in zip(cycle(clients), range(41, 81))
        ]
        answers = await asyncio.gather(*writes)
    finally:
        for client in clients:
            await client.aclose()
    assert all(answer.status_code in (200, 201) for answer in answers), [a.text for a in answers if a.is_error]
    assert sorted(int(answer.headers["etag"].strip('W/"')) for answer in answers) == list(range(1, 41))
    async with _client(workers[1], admin) as feed_reader:
        feed = (await feed_reader.get("/api/v1/events", params={"after": start, "limit": 1000})).json()
    events = [event for event in feed["events"] if event["resource"] == "kpi_value"]
    cursors = [int(event["cursor"]) for event in feed["events"]]
    assert cursors == list(range(int(start) + 1, int(start) + 1 + len(cursors)))  # no gap, in order
    assert len(events) == 40
    async with _client(workers[1], writer) as reader:
        params: dict[str, str | int] = {"period": "FY2017-18", "history": "true", "limit": 100}
        history = (await reader.get(f"/api/v1/kpis/{KPI}/values", params=params)).json()
    assert sorted(item["revision"] for item in history["items"]) == list(range(1, 41))


async def test_an_idempotent_retry_on_the_other_worker_replays_the_first_answer(
    workers: list[str], mint: Minter
) -> None:
    token = await mint(Scope.read, Scope.kpi_submit)
    headers = {"Idempotency-Key": "case-system-retry-1"}
    body = {"rows": [{"kpi": KPI, "period": "FY2018-19", "value": "7"}]}
    async with _client(workers[0], token) as on_first, _client(workers[1], token) as on_second:
        first = await on_first.post("/api/v1/kpi-submissions", json=body, headers=headers)
        retry = await on_second.post("/api/v1/kpi-submissions", json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert (retry.status_code, retry.json()) == (first.status_code, first.json())
        submissions = (await on_second.get("/api/v1/kpi-submissions")).json()
        assert submissions["total"] == 1


LISTENERS = text(
    "SELECT pid FROM pg_stat_activity WHERE application_name = ANY(CAST(:names AS text[])) "
    "AND datname = current_database()"
)


async def _listeners(database_url: str, workers: Workers) -> list[int]:
    """The workers' live listeners' backends (each worker's, once it answers from memory; other tests' servers on the
    same database have their own)."""
    names = [listener_name(process.pid) for process in workers.processes.values()]
    engine = make_engine(database_url, pooled=False)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(LISTENERS, {"names": names})).scalars())
    finally:
        await engine.dispose()


@pytest.fixture
async def listening(workers: Workers, database_url: str) -> Workers:
    """Both workers, once both listen (PostgreSQL only: SQLite has no notifications and reads for every check)."""
    if database_url.startswith("sqlite"):
        pytest.skip("notifications: PostgreSQL only")
    await _both_listening(database_url, workers)
    return workers


async def _both_listening(database_url: str, workers: Workers) -> list[int]:
    for _ in range(200):
        if len(found := await _listeners(database_url, workers)) == 2:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the workers' listeners did not come up")


async def _new_reader(admin: httpx.AsyncClient, clients: list[httpx.AsyncClient], name: str) -> tuple[str, str]:
    """A reader key made through the API, its answers cached on every worker; its id and token."""
    made = await admin.post("/api/v1/api-keys", json={"name": name, "scopes": ["read"]})
    assert made.status_code == 201, made.text
    token = made.json()["key"]
    for client in clients * 2:
        answer = await client.get("/api/v1/focus-areas", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
    return made.json()["id"], token


@asynccontextmanager
async def _callers(
    workers: Workers, admin_token: str
) -> AsyncIterator[tuple[list[httpx.AsyncClient], list[httpx.AsyncClient]]]:
    """A client without a key for each worker (requests bring their own), and an administrator's for each."""
    clients = [httpx.AsyncClient(base_url=base, timeout=30) for base in workers]
    admins = [_client(base, admin_token) for base in workers]
    try:
        yield clients, admins
    finally:
        for client in [*clients, *admins]:
            await client.aclose()


async def _refused(client: httpx.AsyncClient, token: str) -> None:
    answer = await client.get("/api/v1/focus-areas", headers={"Authorization": f"Bearer {token}"})
    assert_problem(answer, 401, detail_contains="revoked")


async def test_revocations_are_refused_by_the_other_worker_at_once_while_both_are_busy(
    listening: Workers, mint: Minter, database_url: str
) -> None:
    admin_token, busy_token = await mint(Scope.admin, name="admin"), await mint(Scope.read, name="dashboard")
    listeners = sorted(await _listeners(database_url, listening))
    stop = asyncio.Event()

    async def poll(client: httpx.AsyncClient) -> int:  # a dashboard polling as fast as it can
        served = 0
        while not stop.is_set():
            answer = await client.get("/api/v1/focus-areas", headers={"Authorization": f"Bearer {busy_token}"})
            assert answer.status_code == 200, answer.text
            served += 1
        return served

    async with _callers(listening, admin_token) as (clients, admins):
        pollers = [asyncio.create_task(poll(client)) for client in clients for _ in range(3)]
        try:
            for round_ in range(10):
                first, second = (0, 1) if round_ % 2 == 0 else (1, 0)
                key_id, token = await _new_reader(admins[first], clients, f"reader {round_}")
                revoked = await admins[first].delete(f"/api/v1/api-keys/{key_id}")
                assert revoked.status_code == 200, revoked.text
                await _refused(clients[second], token)  # the very next request, on the other worker
        finally:
            stop.set()
            served = await asyncio.gather(*pollers)
    assert sum(served) > 0
    # every write's fence was acknowledged, the writer's own included: no listener was cut off and listened again
    assert sorted(await _listeners(database_url, listening)) == listeners


async def test_a_worker_that_loses_its_listener_reads_the_database_until_it_listens_again(
    listening: Workers, mint: Minter, database_url: str
) -> None:
    admin_token = await mint(Scope.admin, name="admin")
    async with _callers(listening, admin_token) as (clients, (admin, _)):
        lost = await _listeners(database_url, listening)
        engine = make_engine(database_url, pooled=False)
        async with engine.connect() as connection:  # both listeners' connections cut, as a network fault would
            await connection.execute(
                text("SELECT pg_terminate_backend(pid, 1000) FROM unnest(CAST(:pids AS integer[])) AS pid"),
                {"pids": lost},
            )
        await engine.dispose()
        key_id, token = await _new_reader(admin, clients, "while lost")
        assert (await admin.delete(f"/api/v1/api-keys/{key_id}")).status_code == 200
        await _refused(clients[1], token)
        back = await _both_listening(database_url, listening)
        assert not set(back) & set(lost)  # listening afresh, on new connections
        key_id, token = await _new_reader(admin, clients, "once back")
        assert (await admin.delete(f"/api/v1/api-keys/{key_id}")).status_code == 200
        await _refused(clients[1], token)


async def test_a_stuck_worker_is_cut_off_and_refuses_a_key_revoked_meanwhile_once_it_resumes(
    listening: Workers, mint: Minter, database_url: str
) -> None:
    admin_token = await mint(Scope.admin, name="admin")
    stuck = listening.processes[listening[1]]
    async with _callers(listening, admin_token) as (clients, (admin, _)):
        key_id, token = await _new_reader(admin, clients, "revoked while the other is stuck")
        stuck.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            revoked = await admin.delete(f"/api/v1/api-keys/{key_id}")
            waited = time.monotonic() - started
            assert revoked.status_code == 200, revoked.text
            assert FENCE_SECONDS <= waited < FENCE_SECONDS + 5  # held for the fence, then the stuck one cut off
            assert len(await _listeners(database_url, listening)) == 1
        finally:
            stuck.send_signal(signal.SIGCONT)
        await _refused(clients[1], token)
        await _both_listening(database_url, listening)  # and it listens again
