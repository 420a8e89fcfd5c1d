from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from httpx import AsyncClient

from tests.configured import client_for, configured_app


@asynccontextmanager
async def client_on(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncClient]:
    """A client for an app configured with another DATABASE_URL; the test database comes back afterwards."""
    async with configured_app(monkeypatch, DATABASE_URL=database_url) as app, client_for(app) as client:
        yield client


async def test_healthz_says_the_process_is_up(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_checks_the_database_is_reachable_and_at_head(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["migrations"]) == ("ready", "reachable", "at_head")
    assert body["current_revisions"] == body["head_revisions"] != []


async def test_readyz_is_503_when_the_database_is_unreachable(migrated: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with client_on("postgresql+asyncpg://nobody@127.0.0.1:1/none", monkeypatch) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert (response.json()["status"], response.json()["database"]) == ("not_ready", "unreachable")


async def test_readyz_is_503_when_migrations_are_behind(
    migrated: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with client_on(f"sqlite+aiosqlite:///{tmp_path}/never-migrated.db", monkeypatch) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["migrations"]) == ("reachable", "behind")
