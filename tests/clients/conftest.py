"""The SDK against a live uvicorn worker on the test database: one worker per test run (per xdist worker), shared by
every SDK test; each test has the strategy restored and mints its own keys, as the rest of the suite does."""

from collections.abc import AsyncIterator, Iterator

import pytest

from api.auth.models import Scope
from api.seeding.sync import Tally
from strategy_client import AsyncClient, Client
from tests.conftest import Minter
from tests.live import serving


@pytest.fixture(scope="session")
async def sdk_server(migrated: str) -> AsyncIterator[str]:
    """A live worker, read cache off (the tests rebuild the tables under it) and no rate limit."""
    async with serving(migrated, READ_CACHE_ENTRIES="0", RATE_LIMIT_PER_MINUTE="0") as (base,):
        yield base


@pytest.fixture
async def admin_key(loaded: Tally, mint: Minter) -> str:
    return await mint(Scope.admin, name="sdk tests")


@pytest.fixture
def sdk(sdk_server: str, admin_key: str) -> Iterator[Client]:
    """The sync client with an admin key, on the strategy as loaded."""
    with Client(sdk_server, api_key=admin_key, backoff=0.05) as client:
        yield client


@pytest.fixture
async def async_sdk(sdk_server: str, admin_key: str) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(sdk_server, api_key=admin_key, backoff=0.05) as client:
        yield client
