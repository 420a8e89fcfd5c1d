"""The real strategy's returns calendar as seeded: late and missing returns raise performance-challenge exceptions
routed to CSMT, and CSMT's pack lists them."""

from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient
from sqlalchemy import update

from api import db
from api.kpis.models import KpiValue
from api.seeding.sync import Tally

ASSESSMENTS = "assessments-completed-in-45-days"  # financial year, AD SLAC: FY2016-17 due Tuesday 18 April 2017
CARE_LEAVERS = "care-leavers-in-eet-16-21"  # financial year, AD SLAC
AS_AT = "2017-04-30"


async def _returned(submitter: AsyncClient, code: str, when: datetime) -> None:
    answer = await submitter.put(f"/api/v1/kpis/{code}/values/FY2016-17", json={"value": 80})
    assert answer.status_code == 201, answer.text
    async with db.get_sessionmaker()() as session:
        await session.execute(update(KpiValue).where(KpiValue.period == "FY2016-17").values(submitted_at=when))
        await session.commit()


class TestSeeded:
    async def test_every_locally_returned_kpi_has_a_schedule(self, loaded: Tally, client: AsyncClient) -> None:
        assert loaded.counts["return_schedules"]["created"] == 12
        body = (await client.get(f"/api/v1/kpis/{ASSESSMENTS}/return-schedule")).json()
        assert (body["accountable_owner"], body["frequency"], body["due_days"]) == ("AD SLAC", "financial_year", 10)
        assert body["first_period"] == "FY2016-17"
        school = (await client.get("/api/v1/kpis/eyfs-good-level-of-development/return-schedule")).json()
        assert (school["accountable_owner"], school["first_period"]) == ("AD EHPP", "AY2015-16")
        assert (await client.get("/api/v1/kpis/child-poverty/return-schedule")).status_code == 404  # context

    async def test_returns_as_at_the_end_of_april_2017(self, loaded: Tally, client: AsyncClient) -> None:
        answer = await client.get("/api/v1/returns", params={"as_at": AS_AT, "kpi": ASSESSMENTS})
        [item] = answer.json()["items"]
        assert (item["period"], item["due_date"], item["status"], item["days_late"]) == (
            "FY2016-17",
            "2017-04-18",
            "missing",
            12,
        )


def _about(items: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [item for item in items if item["item"] == f"return:{code}:FY2016-17"]


class TestChallenge:
    async def test_missing_and_recently_late_returns_raise_exceptions_routed_to_csmt(
        self, loaded: Tally, submitter: AsyncClient, client: AsyncClient
    ) -> None:
        await _returned(submitter, CARE_LEAVERS, datetime(2017, 4, 25, 10, tzinfo=UTC))  # a week late
        answer = await client.get("/api/v1/performance-exceptions", params={"as_at": AS_AT})
        assert answer.status_code == 200
        items = answer.json()["items"]
        [missing] = _about(items, ASSESSMENTS)
        assert (missing["rule"], missing["kind"]) == ("kpi-return-overdue", "return_overdue")
        assert missing["reason"] == "Not received by 30 April 2017 (due 18 April 2017, 12 days ago)."
        assert "csmt" in {route["body"] for route in missing["routes"]}
        [late] = _about(items, CARE_LEAVERS)
        assert late["reason"] == "Received 7 days late (due 18 April 2017)."

    async def test_a_late_return_older_than_a_month_raises_none(
        self, loaded: Tally, submitter: AsyncClient, client: AsyncClient
    ) -> None:
        await _returned(submitter, CARE_LEAVERS, datetime(2017, 4, 25, 10, tzinfo=UTC))
        items = (await client.get("/api/v1/performance-exceptions", params={"as_at": "2017-06-30"})).json()["items"]
        assert _about(items, CARE_LEAVERS) == []
        assert len(_about(items, ASSESSMENTS)) == 1  # still missing

    async def test_threshold_is_days_of_grace(self, loaded: Tally, admin: AsyncClient, client: AsyncClient) -> None:
        rule = "/api/v1/exception-rules/kpi-return-overdue"
        etag = (await admin.get(rule)).headers["ETag"]
        assert (await admin.patch(rule, json={"threshold": 12}, headers={"If-Match": etag})).status_code == 200
        items = (await client.get("/api/v1/performance-exceptions", params={"as_at": AS_AT})).json()["items"]
        assert _about(items, ASSESSMENTS) == []  # 12 days late is within 12 days' grace
        items = (await client.get("/api/v1/performance-exceptions", params={"as_at": "2017-05-01"})).json()["items"]
        assert len(_about(items, ASSESSMENTS)) == 1


class TestPack:
    async def test_csmt_pack_lists_late_and_missing_returns_with_a_count(
        self, loaded: Tally, submitter: AsyncClient, client: AsyncClient
    ) -> None:
        await _returned(submitter, CARE_LEAVERS, datetime(2017, 4, 25, 10, tzinfo=UTC))
        answer = await client.get("/api/v1/bodies/CSMT/pack", params={"period": "2016/17", "as_at": AS_AT})
        assert answer.status_code == 200, answer.text
        pack = answer.json()
        returns = {(r["kpi"], r["period"]): r for r in pack["returns"]}
        assert pack["headline"]["returns"] == len(pack["returns"]) > 2
        missing = returns[(ASSESSMENTS, "FY2016-17")]
        assert (missing["status"], missing["days_late"], missing["due_date"]) == ("missing", 12, "2017-04-18")
        assert (missing["accountable_owner"], missing["submitting_owner"]) == ("AD SLAC", "AD SLAC")
        late = returns[(CARE_LEAVERS, "FY2016-17")]
        assert (late["status"], late["days_late"], late["period_label"]) == ("late", 7, "2016/17")
        assert {r["status"] for r in pack["returns"]} == {"late", "missing"}
        assert any(e["kind"] == "return_overdue" for e in pack["exceptions"])
        cabinet = (await client.get("/api/v1/bodies/cabinet/pack", params={"period": "2016/17", "as_at": AS_AT})).json()
        assert cabinet["returns"] == []  # no rule sends returns to Cabinet

    async def test_every_format_has_the_section(self, loaded: Tally, client: AsyncClient) -> None:
        params = {"period": "2016/17", "as_at": AS_AT}
        html = (await client.get("/api/v1/bodies/CSMT/pack", params={**params, "format": "html"})).text
        assert "KPI returns late or missing" in html
        assert "12 days overdue" in html
        csv = (await client.get("/api/v1/bodies/CSMT/pack", params={**params, "format": "csv"})).text
        assert f"return,,return:{ASSESSMENTS}:FY2016-17" in csv
        for fmt in ("pdf", "xlsx"):
            assert (await client.get("/api/v1/bodies/CSMT/pack", params={**params, "format": fmt})).status_code == 200
