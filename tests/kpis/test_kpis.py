from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import TargetKind, Tier, Unit
from api.periods import PeriodType
from api.seeding.sync import Tally
from tests import dfe
from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario, kpis_in_plan_order, make_kpi, make_value

LATEST = dfe.stockton(dfe.repeat_child_protection_plans())[-1]
LATEST_ENGLAND = dfe.england(dfe.repeat_child_protection_plans())[-1]


class TestListKpis:
    async def test_filters(self, client: AsyncClient, session: AsyncSession, scenario: Scenario) -> None:
        await make_kpi(
            session,
            "eyfs-good-level-of-development",
            title="Proportion of children with overall good level of development in EYFS",
            tier=Tier.council_plan,
            period_type=PeriodType.academic_year,
            polarity="higher_better",
            targets=[("AY2016-17", TargetKind.relative_to_national, None)],
        )
        await make_kpi(session, "children-in-care-count", title="Children in care", tier=Tier.context, unit=Unit.count)
        await session.commit()
        assert_page(await client.get("/api/v1/kpis"), total=3)
        council_plan = assert_page(await client.get("/api/v1/kpis?tier=council_plan"), total=2)
        # in the order they were defined in, as no seed has placed them
        assert [k["code"] for k in council_plan] == ["cp-repeat-plans", "eyfs-good-level-of-development"]
        assert_page(await client.get("/api/v1/kpis?period_type=academic_year"), total=1)
        assert_page(await client.get("/api/v1/kpis?unit=count"), total=1)
        assert_page(await client.get("/api/v1/kpis?polarity=lower_better"), total=2)
        assert_page(await client.get("/api/v1/kpis?focus_area=children-in-need"), total=1)
        assert_page(await client.get("/api/v1/kpis?q=good level"), total=1)
        assert_problem(await client.get("/api/v1/kpis?unit=furlongs"), 422)


class TestPlanOrder:
    """KPIs come in the strategy's order (seed/kpis.yaml's), tier by tier, never alphabetically by code."""

    @pytest.mark.parametrize("url", ["/api/v1/kpis?tier=council_plan", "/api/v1/scorecard?tier=council_plan"])
    async def test_the_council_plan_kpis_come_in_the_seeds_order(
        self, client: AsyncClient, loaded: Tally, url: str
    ) -> None:
        planned = kpis_in_plan_order(tier=Tier.council_plan)
        assert len(planned) == 11
        assert planned != sorted(planned), "the document's order is not the codes' order"
        items = (await client.get(url)).json()["items"]
        assert [item["code"] for item in items] == planned
        positions = [item["position"] for item in items]
        assert positions == sorted(positions)

    @pytest.mark.parametrize("url", ["/api/v1/kpis?limit=100", "/api/v1/scorecard"])
    async def test_every_tier_comes_in_the_seeds_order(self, client: AsyncClient, loaded: Tally, url: str) -> None:
        items = (await client.get(url)).json()["items"]
        assert [item["code"] for item in items] == kpis_in_plan_order()

    async def test_a_focus_areas_kpis_come_in_the_seeds_order(self, client: AsyncClient, loaded: Tally) -> None:
        area = (await client.get("/api/v1/focus-areas/children-in-care-and-care-leavers")).json()
        codes = [kpi["code"] for kpi in area["kpis"]]
        assert len(codes) == 4
        assert codes == [code for code in kpis_in_plan_order() if code in codes]

    async def test_a_created_kpi_comes_last(self, governor: AsyncClient, loaded: Tally) -> None:
        held = (await governor.get("/api/v1/kpis?limit=100")).json()["items"]
        created = await governor.post(
            "/api/v1/kpis",
            json={
                "code": "attendance-persistent-absence",  # first by code among the Council Plan's
                "title": "Pupils persistently absent",
                "tier": "council_plan",
                "unit": "percent",
                "polarity": "lower_better",
                "period_type": "academic_year",
            },
        )
        assert created.status_code == 201, created.text
        assert created.json()["position"] == max(kpi["position"] for kpi in held) + 1
        items = (await governor.get("/api/v1/kpis?tier=council_plan")).json()["items"]
        assert [item["code"] for item in items] == [*kpis_in_plan_order(tier=Tier.council_plan), created.json()["code"]]


class TestGetKpi:
    async def test_definition_targets_and_latest_value_per_scope(self, client: AsyncClient, scenario: Scenario) -> None:
        response = await client.get("/api/v1/kpis/cp-repeat-plans")
        assert response.status_code == 200
        body = response.json()
        assert (body["unit"], body["polarity"], body["period_type"]) == ("percent", "lower_better", "financial_year")
        assert (body["baseline_period"], body["baseline_value"]) == ("FY2015-16", 8)
        assert body["targets"] == [
            {"period": "FY2016-17", "kind": "monitor", "value": None, "amber_tolerance": None, "note": None}
        ]
        latest = {v["scope"]: v for v in body["latest_values"]}
        assert set(latest) == {"stockton-on-tees", "england"}
        assert latest["stockton-on-tees"]["period"] == LATEST.period
        assert Decimal(str(latest["stockton-on-tees"]["value"])) == LATEST.percent
        assert Decimal(str(latest["england"]["value"])) == LATEST_ENGLAND.percent
        assert latest["england"]["numerator"] == int(LATEST_ENGLAND.numerator)

    async def test_latest_value_is_the_newest_revision(
        self, client: AsyncClient, session: AsyncSession, scenario: Scenario
    ) -> None:
        await make_value(
            session,
            scenario.cp_repeat,
            scenario.stockton,
            LATEST.period,
            Decimal("21.5"),
            revision=2,
            reason="late data",
        )
        await session.commit()
        body = (await client.get("/api/v1/kpis/cp-repeat-plans")).json()
        stockton = next(v for v in body["latest_values"] if v["scope"] == "stockton-on-tees")
        assert (stockton["revision"], stockton["value"], stockton["reason"]) == (2, 21.5, "late data")

    async def test_unknown_kpi_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/kpis/nope"), 404, detail_contains="KPI")


class TestKpiValues:
    async def test_every_period_and_scope_ordered_by_period(self, client: AsyncClient, scenario: Scenario) -> None:
        figures = dfe.repeat_child_protection_plans()
        items = assert_page(
            await client.get("/api/v1/kpis/cp-repeat-plans/values?limit=500"), total=len(figures), limit=500
        )
        periods = [item["period"] for item in items]
        assert periods == sorted(periods)

    async def test_filter_by_scope_and_period_accepts_2016_17_form(
        self, client: AsyncClient, scenario: Scenario
    ) -> None:
        figure = next(f for f in dfe.stockton(dfe.repeat_child_protection_plans()) if f.period == "FY2015-16")
        items = assert_page(
            await client.get("/api/v1/kpis/cp-repeat-plans/values?scope=stockton-on-tees&period=2015/16"), total=1
        )
        assert items[0]["period"] == "FY2015-16"
        assert (items[0]["period_start_date"], items[0]["period_end_date"]) == ("2015-04-01", "2016-03-31")
        assert Decimal(str(items[0]["value"])) == figure.percent
        assert items[0]["denominator"] == int(figure.denominator)

    async def test_period_range(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(
            await client.get(
                "/api/v1/kpis/cp-repeat-plans/values?scope=england&period_from=FY2015-16&period_to=FY2017-18"
            ),
            total=3,
        )
        assert [i["period"] for i in items] == ["FY2015-16", "FY2016-17", "FY2017-18"]

    async def test_history_shows_every_revision(
        self, client: AsyncClient, session: AsyncSession, scenario: Scenario
    ) -> None:
        await make_value(session, scenario.cp_repeat, scenario.stockton, "FY2015-16", Decimal("9.5"), revision=2)
        await session.commit()
        query = "/api/v1/kpis/cp-repeat-plans/values?scope=stockton-on-tees&period=FY2015-16"
        latest = assert_page(await client.get(query), total=1)
        assert latest[0]["revision"] == 2
        history = assert_page(await client.get(query + "&history=true"), total=2)
        assert [h["revision"] for h in history] == [1, 2]

    async def test_invalid_period_names_the_accepted_forms(self, client: AsyncClient, scenario: Scenario) -> None:
        body = assert_problem(
            await client.get("/api/v1/kpis/cp-repeat-plans/values?period=2016Q1"), 422, detail_contains="FY2016-17-Q1"
        )
        assert body["errors"] == [{"loc": ["query", "period"], "msg": body["detail"]}]

    async def test_values_of_unknown_kpi_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/kpis/nope/values"), 404)


class TestScopes:
    async def test_list_filter_and_get(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/scopes"), total=2)
        assert [s["key"] for s in items] == ["stockton-on-tees", "england"]
        assert_page(await client.get("/api/v1/scopes?kind=comparator"), total=1)
        england = (await client.get("/api/v1/scopes/england")).json()
        assert england == {
            "key": "england",
            "name": "England",
            "kind": "comparator",
            "gss_code": "E92000001",
            "level": "country",
            "old_la_code": None,
            "region_code": None,
        }
        for alias in ("E92000001", "e92000001", "England", "ENGLAND"):  # GSS code and name, as the key
            assert (await client.get(f"/api/v1/scopes/{alias}")).json() == england
        assert_problem(await client.get("/api/v1/scopes/wales"), 404)
