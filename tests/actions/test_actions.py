from httpx import AsyncClient

from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario


class TestListActions:
    async def test_in_focus_area_then_table_order(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/actions"), total=3)
        assert [a["key"] for a in items] == ["cin-graded-care-profile-2", "cin-step-down", "cic-lac-strategy"]

    async def test_a_row_with_two_owners_keeps_both_in_order(self, client: AsyncClient, scenario: Scenario) -> None:
        items = assert_page(await client.get("/api/v1/actions?focus_area=children-in-need"), total=2)
        step_down = items[1]
        assert [o["code"] for o in step_down["owners"]] == ["AD EHPP", "AD SLAC"]
        assert (step_down["due_text"], step_down["due_kind"], step_down["due_date"]) == (
            "Dec 2016",
            "dated",
            "2016-12-31",
        )
        assert step_down["status"] == "not_started"
        assert step_down["rag"] is None

    async def test_filters(self, client: AsyncClient, scenario: Scenario) -> None:
        owned = assert_page(await client.get("/api/v1/actions?owner=ad-slac"), total=1)
        assert owned[0]["key"] == "cin-step-down"
        ongoing = assert_page(await client.get("/api/v1/actions?due_kind=ongoing"), total=1)
        assert ongoing[0]["key"] == "cin-graded-care-profile-2"
        assert_page(await client.get("/api/v1/actions?due_before=2016-12-31"), total=1)
        assert_page(await client.get("/api/v1/actions?due_before=2016-11-30"), total=0)
        assert_page(await client.get("/api/v1/actions?due_after=2017-01-01"), total=0)
        assert_page(await client.get("/api/v1/actions?status=not_started"), total=3)
        assert_page(await client.get("/api/v1/actions?q=graded care"), total=1)

    async def test_bad_filters_are_422_problems(self, client: AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/actions?due_before=next-tuesday"), 422)
        assert body["errors"][0]["loc"] == ["query", "due_before"]
        assert_problem(await client.get("/api/v1/actions?status=done"), 422)
        assert_problem(await client.get("/api/v1/actions?limit=0"), 422)
        assert_problem(await client.get("/api/v1/actions?limit=501"), 422)

    async def test_unknown_query_parameters_are_rejected_not_ignored(self, client: AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/actions?onwer=ad-slac"), 422)
        assert body["errors"][0]["loc"] == ["query", "onwer"]


class TestGetAction:
    async def test_includes_milestones_with_parsed_dates(self, client: AsyncClient, scenario: Scenario) -> None:
        body = (await client.get("/api/v1/actions/cic-lac-strategy")).json()
        assert body["due_kind"] == "unspecified"
        assert [(m["title"], m["due_date"]) for m in body["milestones"]] == [
            ("Strategy", "2016-04-30"),
            ("Profile", "2016-04-30"),
            ("Sufficiency", "2016-05-31"),
        ]

    async def test_ongoing_action_owned_by_lscb(self, client: AsyncClient, scenario: Scenario) -> None:
        body = (await client.get("/api/v1/actions/cin-graded-care-profile-2")).json()
        assert body["focus_area"] == "children-in-need"
        assert [o["code"] for o in body["owners"]] == ["LSCB"]
        assert (body["due_kind"], body["due_date"]) == ("ongoing", None)

    async def test_unknown_action_is_a_404_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/actions/nope"), 404, detail_contains="business improvement action")
