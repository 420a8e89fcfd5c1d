"""When PostgreSQL is down or hung the service answers 503 problem+json with Retry-After, quickly, never 500 and never
a hang; it recovers without a restart; an outage is logged once when it starts and once when it ends. Every
response, a 500 included, carries X-Request-ID."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.engine import make_url

from api.auth.models import Scope
from api.main import create_app
from tests.asserts import assert_problem
from tests.configured import client_for, configured_app
from tests.conftest import Minter
from tests.factories import Scenario
from tests.faults import Proxy, through

A_KEY = "csk_k0000000000_not-a-real-secret"
DATA = "/api/v1/kpis/cp-repeat-plans"


@pytest.fixture
def postgres(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("a database server to lose: PostgreSQL only (SQLite is a file in the process)")
    return database_url


@pytest.fixture
async def proxy(postgres: str) -> AsyncIterator[Proxy]:
    url = make_url(postgres)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.stop()


QUICK = {"DB_CONNECT_TIMEOUT": "1", "DB_POOL_TIMEOUT": "1", "DB_STATEMENT_TIMEOUT": "1", "READYZ_TIMEOUT": "0.5"}


def assert_unavailable(response: Response, *, within: float, started: float) -> None:
    elapsed = time.monotonic() - started
    assert_problem(response, 503, detail_contains="database is not answering")
    assert response.headers["retry-after"].isdigit()
    assert response.headers["x-request-id"]
    assert elapsed < within, f"answered in {elapsed:.2f} s"


class TestDown:
    async def test_data_requests_get_503_with_retry_after_within_a_second(
        self, postgres: str, monkeypatch: pytest.MonkeyPatch, migrated: str
    ) -> None:
        async with (
            configured_app(monkeypatch, DATABASE_URL=through(postgres, 1)) as app,
            client_for(app, A_KEY) as client,
        ):
            for path in (DATA, "/api/v1/actions", "/api/v1/scorecard"):
                started = time.monotonic()
                assert_unavailable(await client.get(path), within=1, started=started)
            started = time.monotonic()
            put = await client.put(f"{DATA}/values/FY2016-17", json={"value": 9})
            assert_unavailable(put, within=1, started=started)
            ready = await client.get("/readyz")
            assert (ready.status_code, ready.json()["database"]) == (503, "unreachable")

    async def test_the_service_recovers_when_the_database_comes_back(
        self, proxy: Proxy, monkeypatch: pytest.MonkeyPatch, mint: Minter, scenario: Scenario, postgres: str
    ) -> None:
        token = await mint(Scope.read)
        environment = QUICK | {"DATABASE_URL": through(postgres, proxy.port)}
        async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
            assert (await client.get(DATA)).status_code == 200
            await proxy.cut()
            started = time.monotonic()
            assert_unavailable(await client.get(DATA), within=1.5, started=started)
            await proxy.start()  # same port: the server is back
            assert (await client.get(DATA)).status_code == 200, "no restart needed"
            assert (await client.get("/readyz")).status_code == 200


class TestHung:
    async def test_a_hung_database_is_a_503_after_the_timeouts_not_a_hang(
        self, proxy: Proxy, monkeypatch: pytest.MonkeyPatch, mint: Minter, scenario: Scenario, postgres: str
    ) -> None:
        token = await mint(Scope.read, Scope.kpi_submit)
        environment = QUICK | {"DATABASE_URL": through(postgres, proxy.port)}
        async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
            assert (await client.get(DATA)).status_code == 200, "a pooled connection is open"
            proxy.freeze()
            started = time.monotonic()
            assert_unavailable(await client.get(DATA), within=2.5, started=started)
            started = time.monotonic()
            write = await client.put(f"{DATA}/values/FY2016-17?scope=england", json={"value": 9})
            assert_unavailable(write, within=2.5, started=started)
            started = time.monotonic()
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert time.monotonic() - started < 1.5, "readyz answers within its own short timeout"
            proxy.thaw()
            assert (await client.get(DATA)).status_code == 200, "recovered without a restart"
            assert (await client.get("/readyz")).status_code == 200

    async def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
        self,
        proxy: Proxy,
        monkeypatch: pytest.MonkeyPatch,
        mint: Minter,
        scenario: Scenario,
        postgres: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        token = await mint(Scope.read)
        environment = QUICK | {"DATABASE_URL": through(postgres, proxy.port)}
        async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
            assert (await client.get(DATA)).status_code == 200
            await proxy.cut()
            with caplog.at_level(logging.WARNING):
                for _ in range(5):
                    assert (await client.get(DATA)).status_code == 503
                await proxy.start()
                for _ in range(3):
                    assert (await client.get(DATA)).status_code == 200
        lines = [r for r in caplog.records if r.name.startswith(("api", "uvicorn", "sqlalchemy"))]
        messages = [r.getMessage() for r in lines]
        assert len(messages) == 2, messages
        assert messages[0].startswith("database unavailable: ")
        assert messages[1].startswith("database available again after ")
        assert all(r.exc_info is None for r in lines), "no tracebacks"


class TestRequestIds:
    async def test_an_unforeseen_failure_is_a_500_problem_carrying_the_request_id(
        self, migrated: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        app: FastAPI = create_app()

        async def broken() -> None:
            raise RuntimeError("a bug nobody foresaw")

        app.add_api_route("/broken", broken)
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get("/broken", headers={"X-Request-ID": "support-ticket-42"})
        body = assert_problem(response, 500, detail_contains="support-ticket-42")
        assert "nobody foresaw" not in body["detail"], "no internals leak to the client"
        assert response.headers["x-request-id"] == "support-ticket-42"
        [logged] = [r for r in caplog.records if "unhandled error" in r.getMessage()]
        assert "support-ticket-42" in logged.getMessage()
        assert logged.exc_info is not None

    async def test_every_kind_of_answer_carries_one(self, client: AsyncClient) -> None:
        for response in (
            await client.get("/healthz"),
            await client.get("/api/v1/nothing-here"),
            await client.delete("/api/v1/focus-areas"),
            await client.get("/api/v1/actions?page=0"),
            await client.options("/api/v1/actions"),
        ):
            assert len(response.headers["x-request-id"]) == 32, response.request.url


async def test_concurrent_requests_during_an_outage_all_get_503(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch, mint: Minter, scenario: Scenario, postgres: str
) -> None:
    token = await mint(Scope.read)
    environment = QUICK | {"DATABASE_URL": through(postgres, proxy.port), "DB_POOL_SIZE": "2"}
    async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
        await proxy.cut()
        started = time.monotonic()
        responses = await asyncio.gather(*(client.get(DATA) for _ in range(20)))
        assert {r.status_code for r in responses} == {503}
        assert time.monotonic() - started < 3


async def test_requests_queued_for_a_hung_pool_get_503_after_the_pool_timeout(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch, mint: Minter, scenario: Scenario, postgres: str
) -> None:
    token = await mint(Scope.read)
    environment = QUICK | {"DATABASE_URL": through(postgres, proxy.port), "DB_POOL_SIZE": "1"}
    async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
        assert (await client.get(DATA)).status_code == 200
        proxy.freeze()
        started = time.monotonic()
        responses = await asyncio.gather(*(client.get(DATA) for _ in range(6)))
        assert {r.status_code for r in responses} == {503}, [r.text[:120] for r in responses]
        assert time.monotonic() - started < 4, "held connections time out, queued requests give up on the pool"
        proxy.thaw()
        assert (await client.get(DATA)).status_code == 200


async def test_a_write_stuck_behind_a_lock_is_a_503_after_the_statement_timeout(
    postgres: str, monkeypatch: pytest.MonkeyPatch, mint: Minter, scenario: Scenario
) -> None:
    """Another session holds the KPI's row lock (a long batch, an administrator's open transaction)."""
    token = await mint(Scope.kpi_submit)
    blocker = await asyncpg.connect(postgres.replace("+asyncpg", ""))
    try:
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute("SELECT id FROM kpi WHERE code = 'cp-repeat-plans' FOR UPDATE")
        environment = {"DB_STATEMENT_TIMEOUT": "0.5"}
        async with configured_app(monkeypatch, **environment) as app, client_for(app, token) as client:
            started = time.monotonic()
            response = await client.put(f"{DATA}/values/FY2016-17?scope=england", json={"value": 9})
            assert_unavailable(response, within=2, started=started)
        await transaction.rollback()
    finally:
        await blocker.close()
