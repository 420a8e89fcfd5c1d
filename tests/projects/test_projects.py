from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario, make_project


class TestProjects:
    async def test_list_and_filters(self, client: AsyncClient, session: AsyncSession, scenario: Scenario) -> None:
        await make_project(session, [scenario.cin], key="lean-review")
        await session.commit()
        items = assert_page(await client.get("/api/v1/projects"), total=2)
        assert [p["key"] for p in items] == ["lean-review", "review-of-approach-to-lac"]
        lean = items[0]
        assert (lean["savings_target_pence"], lean["savings_target_date"]) == (80_000_000, "2017-03-31")
        assert lean["lead"] is None
        assert_page(await client.get("/api/v1/projects?focus_area=children-in-care"), total=1)
        assert_page(await client.get("/api/v1/projects?focus_area=children-in-need"), total=2)
        led = assert_page(await client.get("/api/v1/projects?lead=ad-slac"), total=1)
        assert led[0]["lead"]["code"] == "AD SLAC"
        with_target = assert_page(await client.get("/api/v1/projects?has_savings_target=true"), total=1)
        assert with_target[0]["key"] == "lean-review"
        assert_page(await client.get("/api/v1/projects?pid_status=approved"), total=0)

    async def test_get_one_and_404(self, client: AsyncClient, scenario: Scenario) -> None:
        body = (await client.get("/api/v1/projects/review-of-approach-to-lac")).json()
        assert body["focus_areas"] == ["children-in-care", "children-in-need"]
        assert body["pid_status"] == "none"
        assert_problem(await client.get("/api/v1/projects/nope"), 404, detail_contains="transformation project")
