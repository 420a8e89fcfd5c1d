"""A KPI by team (/kpis/{code}/teams): the teams under the borough, their figures combined by the KPI's rule, and
the borough's own figure beside them."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import Scope, ScopeKind
from tests.asserts import assert_problem
from tests.factories import make_scope
from tests.kpis.in_year import IN_CARE, KPIS, REFERRALS, TIMELY, post

NORTH, SOUTH = "north-locality-team", "south-locality-team"


@pytest.fixture
async def teams(session: AsyncSession, kpis: None) -> None:
    """Two teams under the borough (one through a locality), and one team that belongs to no borough."""
    borough = await session.scalar(select(Scope).where(Scope.kind == ScopeKind.borough))
    assert borough is not None
    north = await make_scope(session, "north", kind=ScopeKind.locality, parent_id=borough.id)
    await make_scope(session, NORTH, parent_id=north.id)
    await make_scope(session, SOUTH, parent_id=borough.id)
    await make_scope(session, "loose-team")
    await session.commit()


async def roll_up(client: AsyncClient, kpi: str, period: str) -> dict[str, Any]:
    response = await client.get(f"{KPIS}/{kpi}/teams", params={"period": period})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def figures(kpi: str, period: str, **by_scope: Any) -> list[dict[str, Any]]:
    rows = []
    for scope, figure in by_scope.items():
        row = {"kpi": kpi, "period": period, "scope": scope.replace("_", "-")}
        rows.append(row | (figure if isinstance(figure, dict) else {"value": figure}))
    return rows


class TestRollUp:
    async def test_counts_add_up_and_are_set_beside_the_boroughs_figure(
        self, submitter: AsyncClient, teams: None
    ) -> None:
        await post(
            submitter, figures(REFERRALS, "2016-05", north_locality_team=60, south_locality_team=45, loose_team=9)
        )
        await post(submitter, [{"kpi": REFERRALS, "period": "2016-05", "value": 110}])
        body = await roll_up(submitter, REFERRALS, "2016-05")
        assert [(team["team"], team["value"]) for team in body["teams"]] == [(NORTH, 60), (SOUTH, 45)]
        assert (body["combined"]["value"], body["combined"]["parts"]) == (105, [NORTH, SOUTH])
        assert (body["borough"]["value"], body["difference"]) == (110, 5)

    async def test_a_team_without_a_figure_leaves_nothing_combined_and_says_so(
        self, submitter: AsyncClient, teams: None
    ) -> None:
        await post(submitter, figures(REFERRALS, "FY2016-17", north_locality_team=600))
        body = await roll_up(submitter, REFERRALS, "2016/17")
        assert body["combined"]["value"] is None
        assert body["combined"]["reason"] == f"No figure for FY2016-17 from {SOUTH}."
        assert (body["borough"], body["difference"]) == (None, None)
        assert body["teams"][1] == {
            "team": SOUTH,
            "name": "South-Locality-Team",
            "value": None,
            "display": None,
            "numerator": None,
            "denominator": None,
            "status_symbol": None,
            "revision": None,
        }

    async def test_rates_combine_from_numerators_and_denominators(self, submitter: AsyncClient, teams: None) -> None:
        rows = figures(
            TIMELY,
            "FY2016-17-Q1",
            north_locality_team={"numerator": 40, "denominator": 50},
            south_locality_team={"numerator": 45, "denominator": 50},
            stockton_on_tees={"numerator": 86, "denominator": 100},
        )
        await post(submitter, rows)
        body = await roll_up(submitter, TIMELY, "FY2016-17-Q1")
        assert (body["combined"]["value"], body["combined"]["display"]) == (85, "85.0%")
        assert body["difference"] == 1

    async def test_rates_without_their_counts_cannot_be_combined(self, submitter: AsyncClient, teams: None) -> None:
        await post(submitter, figures(TIMELY, "FY2016-17", north_locality_team=80, south_locality_team=90))
        combined = (await roll_up(submitter, TIMELY, "FY2016-17"))["combined"]
        assert combined["value"] is None
        assert "numerators and denominators" in combined["reason"]

    async def test_snapshot_counts_add_up_across_teams(self, submitter: AsyncClient, teams: None) -> None:
        await post(submitter, figures(IN_CARE, "2016-06", north_locality_team=200, south_locality_team=185))
        assert (await roll_up(submitter, IN_CARE, "2016-06"))["combined"]["value"] == 385

    async def test_bad_periods_and_kpis_are_problems(self, submitter: AsyncClient, teams: None) -> None:
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/teams"), 422)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/teams?period=CY2016"), 422)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/teams?period=2016-99"), 422)
        assert_problem(await submitter.get(f"{KPIS}/nothing/teams?period=2016-05"), 404)


async def test_the_seeded_teams_are_the_boroughs(client: AsyncClient, submitter: AsyncClient, loaded: Any) -> None:
    body = await roll_up(client, "assessments-completed-in-45-days", "2016/17")
    assert {team["team"] for team in body["teams"]} == {
        "reviewing-unit",
        "child-placement-team",
        "early-help-team",
        "childrens-hub",
        "youth-offending-team",
    }
    assert body["combine"] == "ratio"
