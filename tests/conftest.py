"""Test set-up: one real database per run (SQLite by default, Postgres with TEST_DATABASE_URL), its schema built by
`alembic upgrade head`, emptied after every test so that order never matters.

The expensive parts are done once per run: the app is built once, and the real strategy is loaded through the seed
loader once and kept as a snapshot of every table's rows, which a test asking for `loaded` gets restored into the
empty database before anything else is written (a few milliseconds instead of a fresh load)."""

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from api import db, schema, settings
from api.auth import service as auth_service
from api.auth.models import Scope
from api.auth.principal import system_actor
from api.auth.schemas import ApiKeyCreate
from api.main import create_app
from api.seeding import service as seeding
from api.seeding.sync import Tally
from tests import answers
from tests.documented import DocumentedHeaders
from tests.factories import (
    DROP_COPIES,
    SEED_DIR,
    Scenario,
    SeedSnapshot,
    empty_database,
    make_scenario,
    restore_snapshot,
    take_snapshot,
)
from tests.live import serving

pytest_plugins = ["tests.browser"]  # the `browser` fixture: headless Chromium

Minter = Callable[..., Awaitable[str]]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject's addopts): a worker a core on SQLite; on PostgreSQL half as many again. There a test's
    worker waits on the server's process for every statement, and a core-count of workers left the cores idle about
    a third of the time: on two cores, three workers ran the PostgreSQL suite in 290 s against 328 s with two, while
    on SQLite (the database in the worker's own process) three took 285 s against 253 s with two.
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides where it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    given = os.environ.get("TEST_DATABASE_URL", "")  # as _database_url reads it: unset or empty is SQLite
    return cores * 3 // 2 if given and not given.startswith("sqlite") else cores


def _database_url(tmp_dir: Path) -> str:
    """SQLite in the run's temporary directory, or TEST_DATABASE_URL; with several workers (pytest -n), each has a
    database of its own beside it (test_gw0, test_gw1 ...)."""
    given = os.environ.get("TEST_DATABASE_URL")
    if not given:
        return f"sqlite+aiosqlite:///{tmp_dir}/test.db"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return given
    url = make_url(given)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


async def _create_database(url: str) -> None:
    """Create a PostgreSQL database (a worker's own) next to TEST_DATABASE_URL's, if it is not there yet."""
    name = make_url(url).database
    admin = db.make_engine(os.environ["TEST_DATABASE_URL"], timeouts=db.ADMIN_TIMEOUTS)
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


def _reset_caches() -> None:
    settings.get_settings.cache_clear()
    db.forget_engines()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = _database_url(tmp_path_factory.mktemp("db"))
    os.environ["DATABASE_URL"] = url
    # On, as in production: rows arranged without the change feed are forgotten by tests/answers.py.
    os.environ["READ_CACHE_ENTRIES"] = "512"
    _reset_caches()
    yield url
    _reset_caches()


@pytest.fixture(scope="session")
async def migrated(database_url: str) -> AsyncIterator[str]:
    """The test database, emptied and upgraded to head once per run."""
    if not database_url.startswith("sqlite"):
        await _create_database(database_url)
        engine = db.make_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text(DROP_COPIES))
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    # Alembic's env.py runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(schema.upgrade, database_url)
    yield database_url
    await db.dispose_engines()


@pytest.fixture(scope="session")
async def seeded(migrated: str) -> SeedSnapshot:
    """The real strategy loaded once through the seed loader, kept as a snapshot; the database is left empty."""
    tally, _report = await seeding.load_seed(SEED_DIR)
    snapshot = SeedSnapshot(tally, await take_snapshot())
    await empty_database()
    return snapshot


@pytest.fixture
async def clean_tables(request: pytest.FixtureRequest, seeded: SeedSnapshot) -> AsyncIterator[None]:
    """Every test that touches the database starts and leaves it empty; a test asking for `loaded` starts with the
    strategy already in it (restored first, so that keys and rows other fixtures add come after it)."""
    if "loaded" in request.fixturenames:
        await restore_snapshot(seeded.rows)
    yield
    await empty_database()


@pytest.fixture
async def session(clean_tables: None) -> AsyncIterator[AsyncSession]:
    """A session for arranging data; builders in tests/factories.py commit through it."""
    async with db.get_sessionmaker()() as session:
        yield session


@pytest.fixture(scope="session")
def shared_app(migrated: str) -> FastAPI:
    """Built once: the app holds no state of its own (everything lives in the database) but its read cache, which
    is emptied before each test and whenever a test arranges rows outside a request (tests/answers.py)."""
    return answers.watch(create_app())


@pytest.fixture
async def app(shared_app: FastAPI, clean_tables: None) -> FastAPI:
    answers.forget()
    return shared_app


async def mint_key(*scopes: Scope, name: str = "test key", **limits: Any) -> str:
    """Mint an API key straight into the database; returns its token."""
    data = ApiKeyCreate(name=name, scopes=list(scopes), **limits)
    async with db.get_sessionmaker()() as session, session.begin():
        _key, token = await auth_service.create_key(session, data, actor=system_actor("tests"))
    return token


@pytest.fixture
def mint(clean_tables: None) -> Minter:
    """Mint an API key straight into the test's database; returns its token."""
    return mint_key


def in_process(app: FastAPI, headers: dict[str, str] | None = None) -> AsyncClient:
    """A client of the app in this process, whose every response is checked against the document's headers."""
    checked = DocumentedHeaders(app.openapi())
    return AsyncClient(
        transport=ASGITransport(app=app), base_url="http://test", headers=headers, event_hooks={"response": [checked]}
    )


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client that sends no API key."""
    async with in_process(app) as client:
        yield client


@pytest.fixture
async def client(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """A dashboard's client: a key with the read scope."""
    headers = {"Authorization": f"Bearer {await mint(Scope.read, name='dashboard')}"}
    async with in_process(app, headers) as client:
        yield client


@pytest.fixture
async def admin(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """An administrator's client: a key with the admin scope."""
    headers = {"Authorization": f"Bearer {await mint(Scope.admin, name='administrator')}"}
    async with in_process(app, headers) as client:
        yield client


@pytest.fixture
async def scenario(session: AsyncSession) -> Scenario:
    return await make_scenario(session)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the real seed that a test may edit."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


@pytest.fixture
async def loaded(seeded: SeedSnapshot, clean_tables: None) -> Tally:
    """The real 2016-18 strategy, as the seed loader loads it (restored from the run's snapshot)."""
    return seeded.tally


@pytest.fixture
async def submitter(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """A performance officer's script: a key that reads and submits any KPI."""
    headers = {"Authorization": f"Bearer {await mint(Scope.read, Scope.kpi_submit, name='performance officer')}"}
    async with in_process(app, headers) as client:
        yield client


async def _client_with(app: FastAPI, token: str) -> AsyncClient:
    return in_process(app, {"Authorization": f"Bearer {token}"})


@pytest.fixture
async def csmt(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """CSMT's key: reads, and writes every business improvement action and project."""
    token = await mint(Scope.read, Scope.actions_write, Scope.projects_write, name="CSMT")
    async with await _client_with(app, token) as client:
        yield client


@pytest.fixture
def key_client(app: FastAPI, mint: Minter) -> Callable[..., Awaitable[AsyncClient]]:
    """A client for a key minted with the given scopes and grants (use it as an async context manager)."""

    async def make(*scopes: Scope, **grants: Any) -> AsyncClient:
        return await _client_with(app, await mint(*scopes, **grants))

    return make


@pytest.fixture
async def governor(app: FastAPI, mint: Minter) -> AsyncIterator[AsyncClient]:
    """A governance officer's client: reads, and writes owners and KPI definitions."""
    async with await _client_with(app, await mint(Scope.read, Scope.governance_write, name="governance officer")) as c:
        yield c


@pytest.fixture
async def live(database_url: str, clean_tables: None) -> AsyncIterator[str]:
    """One live uvicorn worker on the test's database (rate limit off, read cache on); yields its base URL."""
    async with serving(database_url, READ_CACHE_ENTRIES="512", RATE_LIMIT_PER_MINUTE="0") as (base,):
        yield base
