"""Performance challenge: configurable exception rules raise exceptions, routed to CSMT by the document's rules."""

from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.factories import entered_at

NEET = "neet-not-known-16-19"


async def _raised(client: AsyncClient) -> dict[tuple[str, str], dict[str, Any]]:
    items = (await client.get("/api/v1/performance-exceptions")).json()["items"]
    return {(e["rule"], e["item"]): e for e in items}


class TestKpiExceptions:
    async def test_red_two_periods_running_and_worsening_three(
        self, submitter: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        kpi = (await governor.get(f"/api/v1/kpis/{NEET}")).headers["etag"]
        target = await governor.put(
            f"/api/v1/kpis/{NEET}/targets/FY2015-16", json={"kind": "numeric", "value": 7}, headers={"If-Match": kpi}
        )
        assert target.status_code == 200, target.text
        rows = [
            {"kpi": NEET, "period": f"FY{year}-{(year + 1) % 100:02d}", "value": value}
            for year, value in ((2013, 7), (2014, 8), (2015, 9), (2016, 10))
        ]
        await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})
        raised = await _raised(governor)
        red = raised[("kpi-red-two-periods", f"kpi:{NEET}")]
        assert red["reason"] == "Off target 2 periods running (2015/16, 2016/17)."
        assert [r["body"] for r in red["routes"]] == ["csmt"]
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") in raised

    async def test_thresholds_are_configurable(
        self, submitter: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        rows = [
            {"kpi": NEET, "period": f"FY{year}-{(year + 1) % 100:02d}", "value": value}
            for year, value in ((2014, 8), (2015, 9), (2016, 10))
        ]
        await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") not in await _raised(governor), "only 2 worsenings"
        url = "/api/v1/exception-rules/kpi-worsening-three-periods"
        etag = next(
            r
            for r in (await governor.get("/api/v1/exception-rules")).json()["items"]
            if r["key"] == "kpi-worsening-three-periods"
        )["version"]
        assert_problem(await governor.patch(url, json={"threshold": 2}), 428)
        changed = await governor.patch(url, json={"threshold": 2}, headers={"If-Match": f'"{etag}"'})
        assert changed.json()["threshold"] == 2
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") in await _raised(governor)
        off = await governor.patch(url, json={"enabled": False}, headers={"If-Match": changed.headers["etag"]})
        assert off.json()["enabled"] is False
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") not in await _raised(governor)


class TestDeliveryExceptions:
    async def test_actions_and_projects(self, csmt: AsyncClient, loaded: Tally) -> None:
        await csmt.post(
            "/api/v1/actions/cic-placement-sufficiency-planning/updates",
            json={"status": "off_track", "rag": "red", "as_of": "2016-10-01"},
        )
        await csmt.post(
            "/api/v1/projects/lean-review/updates", json={"status": "at_risk", "rag": "red", "as_of": "2016-10-31"}
        )
        raised = await _raised(csmt)
        assert ("action-off-track", "action:cic-placement-sufficiency-planning") in raised
        assert ("project-red", "project:lean-review") in raised
        overdue = raised[("action-overdue-30-days", "action:cin-thematic-review-toxic-trio")]
        assert "Overdue by more than 30 days" in str(overdue["reason"])
        assert all(e["routes"] for e in raised.values()), "the document sends every exception to CSMT"


def _financial_years(*figures: tuple[int, int]) -> list[dict[str, Any]]:
    return [{"kpi": NEET, "period": f"FY{year}-{(year + 1) % 100:02d}", "value": value} for year, value in figures]


class TestKpiRuns:
    async def test_a_missing_period_breaks_a_run(
        self, submitter: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        rows = _financial_years((2013, 7), (2014, 8), (2016, 10))  # nothing for FY2015-16
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") not in await _raised(governor)
        rows = _financial_years((2015, 9))
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        worse = (await _raised(governor))[("kpi-worsening-three-periods", f"kpi:{NEET}")]
        assert worse["reason"] == "Worse than the period before in 2014/15, 2015/16, 2016/17."

    async def test_runs_as_the_figures_stood(
        self, submitter: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        rows = _financial_years((2013, 7), (2014, 8), (2015, 9), (2016, 10))
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        await entered_at(datetime(2017, 10, 5, tzinfo=UTC))  # reported in autumn 2017
        rows = _financial_years((2017, 6))  # a later, better year
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        revised = {"value": 8, "reason": "late returns"}  # and FY2016-17 revised: no longer worse than FY2015-16
        assert (await submitter.put(f"/api/v1/kpis/{NEET}/values/FY2016-17", json=revised)).status_code == 200
        assert ("kpi-worsening-three-periods", f"kpi:{NEET}") not in await _raised(governor)
        asked = "as_at=2017-11-01&known_at=2017-11-02T00:00:00Z"  # as the figures stood then
        then = (await governor.get(f"/api/v1/performance-exceptions?{asked}")).json()["items"]
        worse = next(e for e in then if (e["rule"], e["item"]) == ("kpi-worsening-three-periods", f"kpi:{NEET}"))
        assert worse["reason"] == "Worse than the period before in 2014/15, 2015/16, 2016/17."
