"""Helpers for access-control tests: apps built with other settings, the routes to try, a key check held."""

import asyncio
from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.auth import checks
from api.auth.deps import SAFE_METHODS
from api.routing import API_PREFIX

SAMPLE_PATH_VALUES = {"key": "some-key", "code": "some-code", "key_id": "k0000000000"}


def _concrete(path: str) -> str:
    for name, value in SAMPLE_PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route the app serves under /api/v1."""
    routes = [route for route in app.routes if isinstance(route, APIRoute) and route.path.startswith(API_PREFIX)]
    assert len(routes) > 50, "the API's routes are on the app's own list"
    documented = set(app.openapi()["paths"])
    assert {route.path for route in routes} <= documented, "every route is in the OpenAPI document"
    return routes


def read_routes(app: FastAPI) -> list[str]:
    """Every GET path under /api/v1, with sample values for path parameters."""
    return [_concrete(route.path) for route in api_routes(app) if "GET" in (route.methods or ())]


def write_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """Every (method, path, route) that changes data."""
    return [
        (method, _concrete(route.path), route)
        for route in api_routes(app)
        for method in sorted(set(route.methods or ()) - SAFE_METHODS)
    ]


def key_id_of(token: str) -> str:
    return token.split("_", 2)[1]


class HeldChecks:
    """The real check, held after it has read the database until released: what a slow round trip looks like."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read_once = asyncio.Event()
        self.release = asyncio.Event()
        self.asked: list[list[str]] = []
        real = checks._read

        async def held(key_ids: Sequence[str]) -> checks.Checked:
            checked = await real(key_ids)
            self.asked.append(list(key_ids))
            self.read_once.set()
            await self.release.wait()
            return checked

        monkeypatch.setattr(checks, "_read", held)
