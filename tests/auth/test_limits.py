"""Body size, per-key rate limits, CORS, and secrets kept out of logs and error bodies."""

import logging
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from api.auth.models import Scope
from tests.asserts import assert_problem
from tests.configured import configured_client
from tests.conftest import Minter


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestBodySize:
    async def test_a_body_over_the_limit_is_a_413_problem(self, mint: Minter, monkeypatch: pytest.MonkeyPatch) -> None:
        token = await mint(Scope.admin)
        async with configured_client(monkeypatch, MAX_BODY_BYTES="2048") as client:
            small = await client.post(
                "/api/v1/api-keys", headers=_bearer(token), json={"name": "small", "scopes": ["read"]}
            )
            assert small.status_code == 201
            big = await client.post(
                "/api/v1/api-keys", headers=_bearer(token), json={"name": "x" * 4000, "scopes": ["read"]}
            )
            assert_problem(big, 413)


class TestRateLimit:
    async def test_past_the_limit_a_key_gets_429_with_retry_after(
        self, mint: Minter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        busy, quiet = await mint(Scope.read, name="busy"), await mint(Scope.read, name="quiet")
        async with configured_client(monkeypatch, RATE_LIMIT_PER_MINUTE="3") as client:
            statuses = [(await client.get("/api/v1/scopes", headers=_bearer(busy))).status_code for _ in range(3)]
            assert statuses == [200, 200, 200]
            limited = await client.get("/api/v1/scopes", headers=_bearer(busy))
            assert_problem(limited, 429, detail_contains="more than 3 requests")
            assert 1 <= int(limited.headers["retry-after"]) <= 61
            assert (await client.get("/api/v1/scopes", headers=_bearer(quiet))).status_code == 200

    async def test_anonymous_reads_are_limited_per_address(
        self, clean_tables: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async with configured_client(monkeypatch, RATE_LIMIT_PER_MINUTE="2", ALLOW_ANONYMOUS_READ="true") as client:
            assert [(await client.get("/api/v1/scopes")).status_code for _ in range(3)] == [200, 200, 429]


class TestCors:
    ORIGIN = "https://dashboards.stockton.gov.uk"

    async def test_only_configured_origins_are_allowed(self, mint: Minter, monkeypatch: pytest.MonkeyPatch) -> None:
        token = await mint(Scope.read)
        async with configured_client(monkeypatch, CORS_ORIGINS=f"{self.ORIGIN}, https://other.example") as client:
            preflight = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}
            allowed = await client.options("/api/v1/kpis", headers={"Origin": self.ORIGIN, **preflight})
            assert allowed.status_code == 200
            assert allowed.headers["access-control-allow-origin"] == self.ORIGIN
            refused = await client.options("/api/v1/kpis", headers={"Origin": "https://evil.example", **preflight})
            assert "access-control-allow-origin" not in refused.headers
            simple = await client.get("/api/v1/kpis", headers={"Origin": self.ORIGIN, **_bearer(token)})
            assert simple.headers["access-control-allow-origin"] == self.ORIGIN
            other = await client.get("/api/v1/kpis", headers={"Origin": "https://evil.example", **_bearer(token)})
            assert "access-control-allow-origin" not in other.headers

    async def test_no_origin_is_allowed_by_default(self, anonymous: AsyncClient) -> None:
        response = await anonymous.get("/healthz", headers={"Origin": self.ORIGIN})
        assert "access-control-allow-origin" not in response.headers


class TestSecrets:
    async def test_keys_never_appear_in_logs_or_error_bodies(
        self, anonymous: AsyncClient, admin: AsyncClient, mint: Minter, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        good = await mint(Scope.read)
        revoked = await mint(Scope.read)
        await admin.delete(f"/api/v1/api-keys/{revoked.split('_', 2)[1]}")
        forged = good[:-6] + "XXXXXX"
        responses = [
            await anonymous.get("/api/v1/focus-areas", headers=_bearer(good)),
            await anonymous.get("/api/v1/focus-areas", headers=_bearer(revoked)),
            await anonymous.get("/api/v1/focus-areas", headers=_bearer(forged)),
            await anonymous.get("/api/v1/focus-areas", headers={"Authorization": f"Token {good}"}),
            await anonymous.get("/api/v1/nowhere", headers=_bearer(good)),
            await anonymous.post("/api/v1/api-keys", headers=_bearer(good), json={"name": good}),
        ]
        created = await admin.post("/api/v1/api-keys", json={"name": "new", "scopes": ["read"]})
        new_token = created.json()["key"]
        secrets = [good, revoked, forged, new_token]
        for secret in secrets:
            for response in responses:
                assert secret.split("_", 2)[2] not in response.text
            for record in caplog.records:
                assert secret.split("_", 2)[2] not in record.getMessage()


class TestStreamedBodySize:
    async def test_a_streamed_body_over_the_limit_is_a_413_problem(
        self, mint: Minter, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        token = await mint(Scope.admin)

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"name": "'
            for _ in range(10):
                yield b"x" * 1000
            yield b'", "scopes": ["read"]}'

        async with configured_client(monkeypatch, MAX_BODY_BYTES="2048") as client:
            response = await client.post(
                "/api/v1/api-keys",
                headers=_bearer(token) | {"Content-Type": "application/json"},
                content=chunks(),
            )
        assert "content-length" not in response.request.headers
        assert_problem(response, 413, detail_contains="2,048 bytes")
