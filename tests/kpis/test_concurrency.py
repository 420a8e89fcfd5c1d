"""Concurrent submitters to one KPI and period get revisions 1..N with no gaps or duplicates."""

import asyncio
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import Scenario, make_scope

SUBMITTERS = 20


@pytest.fixture
async def north_east(session: AsyncSession, scenario: Scenario) -> None:
    """A comparator scope with no values yet, so revisions start at 1."""
    await make_scope(session, "north-east")
    await session.commit()


class TestConcurrentRevisions:
    async def test_twenty_concurrent_puts_number_revisions_without_gaps(
        self, submitter: AsyncClient, north_east: None
    ) -> None:
        url = "/api/v1/kpis/cp-repeat-plans/values/FY2016-17?scope=north-east"
        values = [Decimal("20") + Decimal(n) / 10 for n in range(SUBMITTERS)]
        responses = await asyncio.gather(*(submitter.put(url, json={"value": str(v)}) for v in values))
        assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses if r.status_code >= 300]
        assert sorted(r.json()["revision"] for r in responses) == list(range(1, SUBMITTERS + 1))
        history = (await submitter.get("/api/v1/kpis/cp-repeat-plans/values?scope=north-east&history=true")).json()
        assert [v["revision"] for v in history["items"]] == list(range(1, SUBMITTERS + 1))
        assert sorted(Decimal(str(v["value"])) for v in history["items"]) == values

    async def test_concurrent_batches_touching_one_kpi_interleave_safely(
        self, submitter: AsyncClient, north_east: None
    ) -> None:
        async def batch(n: int) -> int:
            rows = [{"kpi": "cp-repeat-plans", "period": "FY2016-17", "scope": "north-east", "value": f"{30 + n}"}]
            response = await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})
            assert response.status_code == 201, response.text
            return int(response.json()["created"] + response.json()["updated"])

        written = await asyncio.gather(*(batch(n) for n in range(10)))
        assert sum(written) == 10
        history = (await submitter.get("/api/v1/kpis/cp-repeat-plans/values?scope=north-east&history=true")).json()
        assert [v["revision"] for v in history["items"]] == list(range(1, 11))
