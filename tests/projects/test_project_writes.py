"""Writing projects: create, PATCH with If-Match, archive, progress, savings by year and programme totals."""

from collections.abc import Awaitable, Callable

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

NEW = {
    "key": "edge-of-care-service",
    "title": "Edge of care service",
    "focus_areas": ["children-in-care-and-care-leavers", "early-help"],
    "lead": "AD SLAC",
    "deadline": "March 2017",
    "savings_target_pence": 25_000_000,
    "savings_target_when": "March 2017",
}


async def _etag(client: AsyncClient, key: str) -> str:
    return (await client.get(f"/api/v1/projects/{key}")).headers["etag"]


class TestProjectWrites:
    async def test_create_patch_archive(self, csmt: AsyncClient, loaded: Tally) -> None:
        created = await csmt.post("/api/v1/projects", json=NEW)
        assert created.status_code == 201, created.text
        assert (created.json()["deadline_date"], created.json()["lead"]["code"]) == ("2017-03-31", "AD SLAC")
        url = "/api/v1/projects/edge-of-care-service"
        assert_problem(await csmt.patch(url, json={"pid_status": "approved"}), 428)
        patched = await csmt.patch(
            url, json={"pid_status": "approved", "deadline": "June 2017"}, headers={"If-Match": created.headers["etag"]}
        )
        assert (patched.json()["pid_status"], patched.json()["deadline_date"]) == ("approved", "2017-06-30")
        assert_problem(await csmt.patch(url, json={"note": "x"}, headers={"If-Match": created.headers["etag"]}), 412)
        archived = await csmt.delete(url, headers={"If-Match": patched.headers["etag"]})
        assert archived.json()["archived_at"] is not None
        keys = {p["key"] for p in (await csmt.get("/api/v1/projects")).json()["items"]}
        assert "edge-of-care-service" not in keys

    async def test_a_lead_limited_key_writes_only_its_projects(
        self, key_client: Callable[..., Awaitable[AsyncClient]], csmt: AsyncClient, loaded: Tally
    ) -> None:
        await csmt.post("/api/v1/projects", json=NEW)
        async with await key_client(Scope.projects_write, owner_codes=["AD EHPP"]) as ad_ehpp:
            refused = await ad_ehpp.post(
                "/api/v1/projects/edge-of-care-service/updates", json={"status": "on_track", "as_of": "2016-09-30"}
            )
            assert_problem(refused, 403, detail_contains="led by AD SLAC")
            assert_problem(await ad_ehpp.post("/api/v1/projects", json=NEW | {"key": "other"}), 403)

    async def test_progress_and_flags(self, csmt: AsyncClient, loaded: Tally) -> None:
        lean = "/api/v1/projects/lean-review"
        assert (await csmt.get(f"{lean}?as_of=2017-04-01")).json()["overdue"] is True
        assert (await csmt.get(f"{lean}?as_of=2016-10-01")).json()["stale"] is True
        update = await csmt.post(
            f"{lean}/updates",
            json={"status": "on_track", "rag": "amber", "percent_complete": 30, "as_of": "2016-09-30"},
        )
        assert update.status_code == 201
        lean_now = (await csmt.get(f"{lean}?as_of=2016-10-01")).json()
        assert (lean_now["rag"], lean_now["stale"], lean_now["percent_complete"]) == ("amber", False, 30)
        overdue = (await csmt.get("/api/v1/projects?overdue=true&as_of=2017-04-01")).json()["items"]
        assert "lean-review" in {p["key"] for p in overdue}


class TestSavings:
    async def test_the_documents_targets_seed_the_years(self, csmt: AsyncClient, loaded: Tally) -> None:
        fy1617 = (await csmt.get("/api/v1/projects/savings?fy=2016/17")).json()
        assert fy1617["financial_year"] == "FY2016-17"
        assert [(p["project"], p["target_pence"]) for p in fy1617["projects"]] == [("lean-review", 80_000_000)]
        fy1718 = (await csmt.get("/api/v1/projects/savings?fy=FY2017-18")).json()
        assert [(p["project"], p["target_pence"]) for p in fy1718["projects"]] == [
            ("review-of-youth-services", 75_000_000)
        ]

    async def test_forecast_and_delivered_give_the_gap_to_target(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = "/api/v1/projects/lean-review/savings/FY2016-17"
        first = await csmt.put(
            url,
            json={
                "target_pence": 80_000_000,
                "forecast_pence": 65_000_000,
                "delivered_pence": 20_000_000,
                "note": "Q2 forecast",
            },
        )
        assert first.status_code == 200, first.text
        body = first.json()
        assert (body["forecast_gap_pence"], body["delivered_gap_pence"]) == (15_000_000, 60_000_000)
        created = await csmt.put(
            "/api/v1/projects/review-of-childrens-centres/savings/FY2016-17",
            json={"target_pence": 50_000_000, "forecast_pence": 50_000_000},
        )
        assert created.status_code == 201
        totals = (await csmt.get("/api/v1/projects/savings?fy=FY2016-17")).json()["totals"]
        assert totals == {
            "target_pence": 130_000_000,
            "forecast_pence": 115_000_000,
            "delivered_pence": 20_000_000,
            "forecast_gap_pence": 15_000_000,
            "delivered_gap_pence": 110_000_000,
        }
        listed = (await csmt.get("/api/v1/projects/lean-review/savings")).json()["items"]
        assert [s["financial_year"] for s in listed] == ["FY2016-17"]

    async def test_bad_years_and_amounts(self, csmt: AsyncClient, loaded: Tally) -> None:
        assert_problem(await csmt.get("/api/v1/projects/savings?fy=AY2016-17"), 422, detail_contains="financial year")
        assert_problem(await csmt.get("/api/v1/projects/savings"), 422)
        url = "/api/v1/projects/lean-review/savings/FY2016-17"
        assert_problem(await csmt.put(url, json={"target_pence": -1}), 422)
        assert_problem(await csmt.put(url, json={"target_pence": 1.5}), 422)
        assert_problem(await csmt.put("/api/v1/projects/lean-review/savings/2016-07", json={"target_pence": 1}), 422)
