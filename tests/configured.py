"""Apps built with other settings (environment variables), and clients for them. The test's own settings and
engines come back afterwards, whatever happens inside."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from api import db, settings
from api.main import create_app


def _forget() -> None:
    settings.get_settings.cache_clear()
    db.forget_engines()


@asynccontextmanager
async def configured_app(monkeypatch: pytest.MonkeyPatch, **environment: str) -> AsyncIterator[FastAPI]:
    try:
        with monkeypatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            _forget()
            try:
                yield create_app()
            finally:
                await db.dispose_engines()
    finally:
        _forget()


@asynccontextmanager
async def client_for(app: FastAPI, token: str | None = None) -> AsyncIterator[AsyncClient]:
    """A client for an app, sending a key if one is given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test", headers=headers) as client:
        yield client


@asynccontextmanager
async def configured_client(monkeypatch: pytest.MonkeyPatch, **environment: str) -> AsyncIterator[AsyncClient]:
    """A client (sending no key) for an app built with extra settings."""
    async with configured_app(monkeypatch, **environment) as app, client_for(app) as client:
        yield client
