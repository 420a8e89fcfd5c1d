"""Commentary's fixtures: the seed's KPIs, actions and projects, and a progress update on each kind of item."""

from typing import Any

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally

KPI = "neet-not-known-16-19"  # financial years
ACADEMIC_KPI = "eyfs-good-level-of-development"  # academic years
OTHER_KPI = "funded-early-education-take-up-disadvantaged-2-year-olds"
ACTION = "cic-placement-sufficiency-planning"  # owned by AD SLAC alone
OTHER_ACTION = "eh-integrated-and-cohesive-model-for-delivery"  # owned by AD EHPP alone
PROJECT = "lean-review"  # led by nobody the document names
KPI_COMMENTARIES = f"/api/v1/kpis/{KPI}/commentaries"


def update_commentaries(kind: str, key: str, update_id: int) -> str:
    return f"/api/v1/{kind}/{key}/updates/{update_id}/commentaries"


async def report(client: AsyncClient, kind: str, key: str, **fields: Any) -> int:
    """Post a progress update on an action or project; its id."""
    body = {"status": "at_risk", "rag": "amber", "as_of": "2016-09-30"} | fields
    response = await client.post(f"/api/v1/{kind}/{key}/updates", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
async def action_update(csmt: AsyncClient, loaded: Tally) -> int:
    """A progress update on ACTION."""
    return await report(csmt, "actions", ACTION)


@pytest.fixture
async def project_update(csmt: AsyncClient, loaded: Tally) -> int:
    """A progress update on PROJECT."""
    return await report(csmt, "projects", PROJECT)
