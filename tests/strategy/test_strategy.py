from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario


class TestOrganisations:
    async def test_list_and_get(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/organisations"), total=1)
        assert items == [
            {
                "key": "stockton-on-tees",
                "name": "Stockton-on-Tees Borough Council",
                "gss_code": "E06000004",
                "la_number": 808,
            }
        ]
        response = await client.get("/api/v1/organisations/stockton-on-tees")
        assert response.status_code == 200
        assert response.json()["la_number"] == 808

    async def test_unknown_organisation_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/organisations/hartlepool"), 404, detail_contains="'hartlepool'")


class TestStrategies:
    async def test_list_gives_summaries(self, client: AsyncClient, scenario: Scenario) -> None:
        [item] = assert_page(await client.get("/api/v1/strategies"), total=1)
        assert item["key"] == "childrens-services-strategy-2016-18"
        assert (item["period_start_date"], item["period_end_date"]) == ("2016-04-01", "2018-03-31")

    async def test_get_nests_objectives_principles_and_focus_areas_in_order(
        self, client: AsyncClient, scenario: Scenario
    ) -> None:
        body = (await client.get("/api/v1/strategies/childrens-services-strategy-2016-18")).json()
        assert body["organisation"]["gss_code"] == "E06000004"
        assert body["key_objectives"] == [{"key": "safe", "position": 1, "text": "Ensure children are safe"}]
        assert [p["key"] for p in body["policy_principles"]] == ["protect"]
        assert [a["key"] for a in body["focus_areas"]] == ["children-in-need", "children-in-care"]
        assert body["updated_at"].endswith(("Z", "+00:00"))

    async def test_unknown_strategy_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/strategies/nope"), 404)


class TestTheRealStrategy:
    async def test_other_sections_are_named_texts_in_the_documents_order(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        body = (await client.get("/api/v1/strategies/childrens-services-strategy-2016-18")).json()
        assert [section["name"] for section in body["additional_text"]] == [
            "this_strategy",
            "our_story",
            "key_strategic_links",
            "key_actions_intro",
            "delivery_part1",
            "part2_intro",
            "delivery_part2",
        ]
        assert body["additional_text"][0]["text"].startswith("1. This strategy sets out a single strategy")


class TestFocusAreas:
    async def test_list_in_strategy_order_with_paging(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/focus-areas"), total=2)
        assert [a["key"] for a in items] == ["children-in-need", "children-in-care"]
        second = assert_page(await client.get("/api/v1/focus-areas?page=2&limit=1"), total=2, page=2, limit=1)
        assert [a["key"] for a in second] == ["children-in-care"]
        assert assert_page(await client.get("/api/v1/focus-areas?page=3&limit=1"), total=2, page=3, limit=1) == []

    async def test_filter_by_strategy(self, client: AsyncClient, scenario: Scenario) -> None:
        assert_page(await client.get("/api/v1/focus-areas?strategy=childrens-services-strategy-2016-18"), total=2)
        assert_page(await client.get("/api/v1/focus-areas?strategy=other"), total=0)

    async def test_get_nests_actions_projects_and_kpis(self, client: AsyncClient, scenario: Scenario) -> None:
        body = (await client.get("/api/v1/focus-areas/children-in-need")).json()
        assert body["strategy"] == "childrens-services-strategy-2016-18"
        assert body["priorities"] == [{"position": 1, "text": "Thresholds are clear and understood by partners"}]
        assert body["overview"] == {
            "where_we_want_to_be": ["Clear thresholds for referral"],
            "where_we_are_now": [],
            "improvement_agenda": [],
            "major_change": [],
            "business_improvement": [],
        }
        assert [a["key"] for a in body["actions"]] == ["cin-graded-care-profile-2", "cin-step-down"]
        assert [p["key"] for p in body["projects"]] == ["review-of-approach-to-lac"]
        assert [k["code"] for k in body["kpis"]] == ["cp-repeat-plans"]

    async def test_a_project_listed_under_two_focus_areas_appears_under_both(
        self, client: AsyncClient, scenario: Scenario
    ) -> None:
        care = (await client.get("/api/v1/focus-areas/children-in-care")).json()
        assert [p["key"] for p in care["projects"]] == ["review-of-approach-to-lac"]
        assert care["projects"][0]["focus_areas"] == ["children-in-care", "children-in-need"]

    async def test_unknown_focus_area_is_a_404_problem(self, client: AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/focus-areas/nope"), 404, detail_contains="focus area")
        assert body["instance"] == "/api/v1/focus-areas/nope"
