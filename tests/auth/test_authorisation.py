"""Scopes: a matrix over every write endpoint, and every write route must declare the scope it needs."""

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from httpx import ASGITransport, AsyncClient

from api.auth.models import Scope
from tests.asserts import assert_problem
from tests.auth.helpers import read_routes, write_routes
from tests.conftest import Minter


def _required_scopes(dependant: Dependant) -> set[Scope]:
    """The scope a route needs, or the scopes of which it needs one (the item written decides which)."""
    found = {getattr(dependant.call, "required_scope", None)} - {None}
    found |= set(getattr(dependant.call, "required_scopes", ()))
    for sub in dependant.dependencies:
        found |= _required_scopes(sub)
    return found  # type: ignore[return-value]


async def _client(app: FastAPI, token: str) -> AsyncClient:
    return AsyncClient(
        transport=ASGITransport(app=app), base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    )


class TestWriteMatrix:
    async def test_every_write_route_declares_the_scope_it_needs(self, app: FastAPI) -> None:
        routes = write_routes(app)
        assert routes, "there are write routes to check"
        for method, path, route in routes:
            assert _required_scopes(route.dependant), f"{method} {path} declares no scope"

    async def test_every_write_needs_a_key(self, app: FastAPI, anonymous: AsyncClient) -> None:
        for method, path, _route in write_routes(app):
            response = await anonymous.request(method, path, json={})
            assert_problem(response, 401)

    async def test_a_key_without_the_scope_gets_403(self, app: FastAPI, mint: Minter) -> None:
        every_scope_but_admin = [scope for scope in Scope if scope is not Scope.admin]
        for method, path, route in write_routes(app):
            needed = _required_scopes(route.dependant)
            others = [scope for scope in every_scope_but_admin if scope not in needed]
            async with await _client(app, await mint(*others)) as client:
                response = await client.request(method, path, json={})
            body = assert_problem(response, 403)
            assert all(f"'{scope.value}'" in body["detail"] for scope in needed), (method, path, body["detail"])
            assert body["instance"] == path

    async def test_an_admin_key_passes_every_scope_check(self, app: FastAPI, admin: AsyncClient) -> None:
        for method, path, _route in write_routes(app):
            response = await admin.request(method, path, json={})
            assert response.status_code not in (401, 403), (method, path, response.text)


class TestReadScope:
    async def test_reads_need_the_read_scope(self, app: FastAPI, mint: Minter) -> None:
        async with await _client(app, await mint(Scope.kpi_submit)) as client:
            for path in read_routes(app):
                assert_problem(await client.get(path), 403, detail_contains="'read'")

    async def test_a_read_key_cannot_write(self, client: AsyncClient) -> None:
        body: dict[str, Any] = {"name": "escalate", "scopes": ["admin"]}
        assert_problem(await client.post("/api/v1/api-keys", json=body), 403, detail_contains="'admin'")
