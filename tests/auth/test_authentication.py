"""Every endpoint but health and docs needs a key; bad, revoked and expired keys get 401 problems."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import update

from api import db
from api.auth.models import ApiKey, Scope
from api.db import utcnow
from tests.asserts import assert_problem
from tests.auth.helpers import key_id_of, read_routes
from tests.configured import configured_client
from tests.conftest import Minter


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestPublicEndpoints:
    @pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/docs"])
    async def test_need_no_key(self, anonymous: AsyncClient, path: str) -> None:
        assert (await anonymous.get(path)).status_code == 200


class TestMissingAndMalformedKeys:
    async def test_every_read_endpoint_needs_a_key(self, anonymous: AsyncClient, app: FastAPI) -> None:
        paths = read_routes(app)
        assert len(paths) >= 20
        for path in paths:
            response = await anonymous.get(path)
            body = assert_problem(response, 401, detail_contains="Authorization: Bearer")
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert body["instance"] == path

    @pytest.mark.parametrize(
        "header",
        ["Token abc", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "bearer not-a-key", "Bearer csk_only-two"],
    )
    async def test_malformed_headers_are_401(self, anonymous: AsyncClient, header: str) -> None:
        response = await anonymous.get("/api/v1/focus-areas", headers={"Authorization": header})
        assert_problem(response, 401)

    async def test_an_unknown_key_is_401(self, anonymous: AsyncClient, mint: Minter) -> None:
        token = await mint(Scope.read)
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert_problem(
            await anonymous.get("/api/v1/focus-areas", headers=_bearer(forged)), 401, detail_contains="not recognised"
        )
        unknown_id = "csk_k0000000000_" + token.split("_", 2)[2]
        assert_problem(await anonymous.get("/api/v1/focus-areas", headers=_bearer(unknown_id)), 401)

    async def test_bearer_scheme_is_case_insensitive(self, anonymous: AsyncClient, mint: Minter) -> None:
        token = await mint(Scope.read)
        response = await anonymous.get("/api/v1/focus-areas", headers={"Authorization": f"bearer {token}"})
        assert response.status_code == 200


class TestRevokedAndExpiredKeys:
    async def test_a_revoked_key_stops_working_at_once(
        self, anonymous: AsyncClient, admin: AsyncClient, mint: Minter
    ) -> None:
        token = await mint(Scope.read)
        assert (await anonymous.get("/api/v1/focus-areas", headers=_bearer(token))).status_code == 200
        assert (await admin.delete(f"/api/v1/api-keys/{key_id_of(token)}")).status_code == 200
        response = await anonymous.get("/api/v1/focus-areas", headers=_bearer(token))
        assert_problem(response, 401, detail_contains="revoked")

    async def test_an_expired_key_is_401(self, anonymous: AsyncClient, mint: Minter) -> None:
        token = await mint(Scope.read)
        async with db.get_engine().begin() as connection:
            await connection.execute(
                update(ApiKey)
                .where(ApiKey.key_id == key_id_of(token))
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
        assert_problem(
            await anonymous.get("/api/v1/focus-areas", headers=_bearer(token)), 401, detail_contains="expired"
        )

    async def test_a_key_that_has_not_expired_works(self, anonymous: AsyncClient, mint: Minter) -> None:
        token = await mint(Scope.read, expires_at=utcnow() + timedelta(days=1))
        assert (await anonymous.get("/api/v1/focus-areas", headers=_bearer(token))).status_code == 200


class TestAnonymousReadSetting:
    async def test_off_by_default(self, anonymous: AsyncClient) -> None:
        assert_problem(await anonymous.get("/api/v1/focus-areas"), 401)

    async def test_when_on_reads_work_without_a_key_but_writes_do_not(
        self, clean_tables: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async with configured_client(monkeypatch, ALLOW_ANONYMOUS_READ="true") as anonymous:
            assert (await anonymous.get("/api/v1/focus-areas")).status_code == 200
            current = (await anonymous.get("/api/v1/api-keys/current")).json()
            assert (current["id"], current["scopes"]) == (None, ["read"])
            body: dict[str, Any] = {"name": "x", "scopes": ["admin"]}
            assert_problem(await anonymous.post("/api/v1/api-keys", json=body), 401)
