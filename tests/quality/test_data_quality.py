from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.quality.schemas import Check
from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.factories import kpis_in_plan_order, make_action, make_focus_area, make_kpi, make_owner


class TestOnTheRealStrategy:
    async def test_the_year_2106_is_flagged_as_implausible(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/data-quality?check=implausible_due_date")).json()
        [issue] = body["issues"]
        assert (issue["resource"], issue["key"], issue["severity"]) == (
            "action",
            "eh-specific-targeted-approach-to-0-3s",
            "error",
        )
        assert issue["value"] == "Sep 2106"
        assert "2106-09-30" in issue["message"]

    async def test_placeholders_are_found_wherever_they_are(self, client: AsyncClient, loaded: Tally) -> None:
        issues = (await client.get("/api/v1/data-quality?check=placeholder_text")).json()["issues"]
        found = {(i["resource"], i["key"], i["field"], i["message"].split("'")[1]) for i in issues}
        assert ("kpi", "children-under-18-population", "note", "xxxx") in found
        assert ("kpi", "children-under-18-population", "note", "20xx") in found
        assert ("strategy", "childrens-services-strategy-2016-18", "additional_text.our_story", "xxx") in found

    async def test_items_without_an_owner(self, client: AsyncClient, loaded: Tally) -> None:
        issues = (await client.get("/api/v1/data-quality?check=no_owner")).json()["issues"]
        actions = {i["key"] for i in issues if i["resource"] == "action"}
        assert "cin-refine-cp-plan-format-and-conference-agenda" in actions
        assert all(i["severity"] == "warning" for i in issues)

    async def test_kpis_come_in_the_plans_order(self, client: AsyncClient, loaded: Tally) -> None:
        issues = (await client.get("/api/v1/data-quality?resource=kpi")).json()["issues"]
        named = list(dict.fromkeys(issue["key"] for issue in issues))
        assert len(named) > 1
        assert named == [code for code in kpis_in_plan_order() if code in named]

    async def test_summary_counts_every_issue_while_filters_narrow_the_list(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        everything = (await client.get("/api/v1/data-quality")).json()
        errors = (await client.get("/api/v1/data-quality?severity=error")).json()
        assert everything["summary"] == errors["summary"]
        assert len(everything["issues"]) == sum(everything["summary"].values())
        assert len(errors["issues"]) == everything["summary"]["error"]
        assert sum(everything["by_check"].values()) == len(everything["issues"])


class TestChecks:
    async def test_kpis_without_baseline_or_target_and_owners_without_names(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        await make_kpi(session, "untargeted", baseline_value=None, baseline_period=None)
        await make_owner(session, "ODG", full_name=None)
        area = await make_focus_area(session)
        await make_action(session, area, [], key="undated", when="When resources allow")
        await session.commit()
        issues = (await client.get("/api/v1/data-quality")).json()["issues"]
        found = {(i["check"], i["key"]) for i in issues}
        assert ("kpi_without_baseline", "untargeted") in found
        assert ("kpi_without_target", "untargeted") in found
        assert ("owner_without_full_name", "odg") in found
        assert ("unparsed_due_date", "undated") in found
        assert ("no_owner", "undated") in found

    async def test_an_empty_database_has_no_issues(self, client: AsyncClient) -> None:
        body = (await client.get("/api/v1/data-quality")).json()
        assert body["issues"] == []
        assert body["summary"] == {"error": 0, "warning": 0, "info": 0}
        assert body["by_check"] == dict.fromkeys(Check, 0)

    async def test_unknown_check_is_a_422_problem(self, client: AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/data-quality?check=spelling"), 422)
