"""In-year figures of annual KPIs: submitted through the ordinary paths, kept out of the KPI's own reads, and read
back month by month with the year to date and rolling twelve months worked out by the KPI's combine rule."""

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.periods import PeriodType
from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.factories import Scenario, make_kpi
from tests.kpis.in_year import IN_CARE, KPIS, REFERRALS, TIMELY, in_year, months, post, row


class TestSubmitting:
    async def test_a_month_and_a_quarter_of_an_annual_kpi_are_figures_with_revisions_and_etags(
        self, submitter: AsyncClient, kpis: None
    ) -> None:
        first = await submitter.put(f"{KPIS}/{REFERRALS}/values/2016-04", json={"value": 95})
        assert (first.status_code, first.headers["etag"], first.json()["period_type"]) == (201, '"1"', "month")
        again = await submitter.put(
            f"{KPIS}/{REFERRALS}/values/2016-04", json={"value": 97, "reason": "late"}, headers={"If-Match": '"1"'}
        )
        assert (again.status_code, again.headers["etag"]) == (200, '"2"')
        stale = await submitter.put(
            f"{KPIS}/{REFERRALS}/values/2016-04", json={"value": 98}, headers={"If-Match": '"1"'}
        )
        assert_problem(stale, 412)
        summary = await post(submitter, [{"kpi": REFERRALS, "period": "FY2016-17-Q2", "value": 300}])
        assert summary["created"] == 1
        read = await submitter.get(f"{KPIS}/{REFERRALS}/values/FY2016-17-Q2")
        assert (read.json()["period_type"], read.json()["value"], read.headers["etag"]) == (
            "financial_quarter",
            300,
            '"1"',
        )

    async def test_the_values_list_keeps_to_the_kpis_own_periods_unless_asked(
        self, submitter: AsyncClient, kpis: None
    ) -> None:
        await post(
            submitter,
            [
                *months(REFERRALS, {"2016-04": 95, "2016-05": 101}),
                {"kpi": REFERRALS, "period": "FY2015-16", "value": 1250},
            ],
        )
        own = (await submitter.get(f"{KPIS}/{REFERRALS}/values")).json()
        assert [item["period"] for item in own["items"]] == ["FY2015-16"]
        monthly = (await submitter.get(f"{KPIS}/{REFERRALS}/values?period_type=month")).json()
        assert [item["period"] for item in monthly["items"]] == ["2016-04", "2016-05"]
        one = (await submitter.get(f"{KPIS}/{REFERRALS}/values?period=2016-05")).json()
        assert [item["value"] for item in one["items"]] == [101]
        detail = (await submitter.get(f"{KPIS}/{REFERRALS}")).json()
        assert [value["period"] for value in detail["latest_values"]] == ["FY2015-16"]

    @pytest.mark.parametrize(
        ("kpi", "period", "words"),
        [
            (REFERRALS, "CY2016", "financial quarter or month"),
            (REFERRALS, "AY2016-17", "academic year"),
            (REFERRALS, "2099-04", "in the future"),
        ],
    )
    async def test_periods_that_are_not_within_the_kpis_own_are_refused(
        self, submitter: AsyncClient, kpis: None, kpi: str, period: str, words: str
    ) -> None:
        problem = assert_problem(await submitter.put(f"{KPIS}/{kpi}/values/{period}", json={"value": 5}), 422)
        assert words in problem["errors"][0]["msg"]

    async def test_an_academic_year_kpi_takes_months_but_no_quarters(
        self, session: AsyncSession, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        await make_kpi(session, "take-up", period_type=PeriodType.academic_year, baseline_period="AY2015-16")
        await session.commit()
        assert (await submitter.put(f"{KPIS}/take-up/values/2016-09", json={"value": 80})).status_code == 201
        assert_problem(await submitter.put(f"{KPIS}/take-up/values/FY2016-17-Q3", json={"value": 80}), 422)
        body = await in_year(submitter, "take-up", "year=2016/17")
        assert body["year"] == "AY2016-17"
        assert [item["period"] for item in body["periods"]][:2] == ["2016-09", "2016-10"]
        assert all(item["period_type"] == "month" for item in body["periods"])


class TestOwnReadsUnchanged:
    async def test_in_year_figures_change_no_status_or_scorecard_row(
        self, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        code = "cp-repeat-plans"
        status = (await submitter.get(f"{KPIS}/{code}/status")).json()
        card = (await submitter.get("/api/v1/scorecard")).json()
        later = status["period"][2:6]  # months after the latest annual figure
        rows = months(code, {f"{int(later) + 1}-0{m}": 20 for m in (4, 5, 6)})
        rows.append({"kpi": code, "period": f"FY{int(later) + 1}-{(int(later) + 2) % 100:02d}-Q1", "value": 20})
        assert (await post(submitter, rows))["created"] == 4
        assert (await submitter.get(f"{KPIS}/{code}/status")).json() == status
        assert (await submitter.get("/api/v1/scorecard")).json() == card
        for period in ("2016/17", status["period"]):
            asked = (await submitter.get(f"{KPIS}/{code}/status?period={period}")).json()
            assert asked["period"].startswith("FY")
            assert len(asked["period"]) == 9

    async def test_in_year_figures_change_no_pack(
        self, client: AsyncClient, submitter: AsyncClient, loaded: Tally
    ) -> None:
        neet = "neet-not-known-16-19"
        await post(
            submitter,
            [{"kpi": neet, "period": "FY2015-16", "value": 9}, {"kpi": neet, "period": "FY2016-17", "value": 8}],
        )

        async def pack() -> dict[str, Any]:
            body: dict[str, Any] = (await client.get("/api/v1/governance-bodies/cabinet/pack")).json()
            return {"kpis": body["kpis"], "headline": body.get("headline")}

        before = await pack()
        assert any(kpi["code"] == neet and kpi["period"] == "FY2016-17" for kpi in before["kpis"])
        await post(
            submitter,
            [*months(neet, {"2017-04": 3, "2017-05": 4}), {"kpi": neet, "period": "FY2017-18-Q1", "value": 4}],
        )
        assert await pack() == before


class TestInYearRead:
    async def test_a_count_adds_up_by_month_quarter_year_to_date_and_twelve_months(
        self, submitter: AsyncClient, kpis: None
    ) -> None:
        year_before = {f"{2015 + (m < 4)}-{m:02d}": 100 for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)}
        await post(submitter, months(REFERRALS, year_before | {"2016-04": 90, "2016-05": 110, "2016-06": 95}))
        body = await in_year(submitter, REFERRALS)
        assert (body["year"], body["combine"], body["scope"]) == ("FY2016-17", "sum", "stockton-on-tees")
        assert [item["period"] for item in body["periods"]][:5] == [
            "2016-04",
            "2016-05",
            "2016-06",
            "FY2016-17-Q1",
            "2016-07",
        ]
        quarter = row(body, "FY2016-17-Q1")
        assert (quarter["figure"]["value"], quarter["figure"]["source"]) == (295, "combined")
        assert quarter["figure"]["parts"] == ["2016-04", "2016-05", "2016-06"]
        may = row(body, "2016-05")
        assert (may["figure"]["source"], may["year_to_date"]["value"]) == ("submitted", 200)
        assert may["rolling_twelve_months"]["value"] == 1200  # June 2015 to May 2016: ten 100s, 90 and 110
        assert row(body, "2016-06")["rolling_twelve_months"]["display"] == "1,195"
        july = row(body, "2016-07")
        assert july["figure"]["value"] is None
        assert july["year_to_date"]["reason"] == "No figure for 2016-07."
        assert july["rating"]["status"] == "not_rated"
        assert "No target profile" in july["rating"]["reason"]

    async def test_a_submitted_quarter_stands_in_for_missing_months_in_the_year_to_date(
        self, submitter: AsyncClient, kpis: None
    ) -> None:
        await post(
            submitter, [{"kpi": REFERRALS, "period": "FY2016-17-Q1", "value": 300}, *months(REFERRALS, {"2016-07": 99})]
        )
        july = row(await in_year(submitter, REFERRALS), "2016-07")
        assert july["year_to_date"] | {"display": None} == {
            "value": 399,
            "display": None,
            "numerator": None,
            "denominator": None,
            "parts": ["FY2016-17-Q1", "2016-07"],
            "reason": None,
            "uses_quarters": True,
        }
        assert row(await in_year(submitter, REFERRALS), "FY2016-17-Q1")["figure"]["source"] == "submitted"

    async def test_a_snapshot_takes_the_latest_months_figure(self, submitter: AsyncClient, kpis: None) -> None:
        await post(submitter, months(IN_CARE, {"2016-04": 380, "2016-05": 384, "2016-06": 390}))
        body = await in_year(submitter, IN_CARE)
        assert row(body, "FY2016-17-Q1")["figure"]["value"] == 390
        assert row(body, "2016-05")["year_to_date"]["value"] == 384
        assert row(body, "2016-06")["rolling_twelve_months"]["value"] is None

    async def test_a_rate_is_its_numerators_over_its_denominators(self, submitter: AsyncClient, kpis: None) -> None:
        rows = [
            {"kpi": TIMELY, "period": "2016-04", "numerator": 45, "denominator": 50},
            {"kpi": TIMELY, "period": "2016-05", "numerator": 80, "denominator": 100},
            {"kpi": TIMELY, "period": "2016-06", "numerator": 19, "denominator": 20},
        ]
        await post(submitter, rows)
        quarter = row(await in_year(submitter, TIMELY), "FY2016-17-Q1")
        assert (quarter["figure"]["numerator"], quarter["figure"]["denominator"]) == (144, 170)
        assert (quarter["figure"]["display"], quarter["year_to_date"]["display"]) == ("84.7%", "84.7%")

    async def test_known_at_reads_the_figures_as_they_stood(self, submitter: AsyncClient, kpis: None) -> None:
        await post(submitter, months(REFERRALS, {"2016-04": 90}))
        before = (await submitter.get(f"{KPIS}/{REFERRALS}/values/2016-04")).json()["submitted_at"]
        await post(submitter, months(REFERRALS, {"2016-04": 95}), reason="late referrals")
        then = await in_year(submitter, REFERRALS, f"year=FY2016-17&known_at={before.replace('+', '%2B')}")
        now = await in_year(submitter, REFERRALS)
        assert (row(then, "2016-04")["figure"]["value"], row(now, "2016-04")["figure"]["value"]) == (90, 95)
        assert row(now, "2016-04")["figure"]["revision"] == 2

    async def test_defaults_to_the_latest_year_with_a_months_figure(self, submitter: AsyncClient, kpis: None) -> None:
        await post(submitter, months(REFERRALS, {"2015-06": 90, "2016-11": 100}))
        assert (await in_year(submitter, REFERRALS, ""))["year"] == "FY2016-17"

    async def test_bad_asks_are_problems(self, submitter: AsyncClient, kpis: None, session: AsyncSession) -> None:
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/in-year?year=AY2016-17"), 422)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/in-year?year=2016-13"), 422)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/in-year?yeer=FY2016-17"), 422)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/in-year?known_at=2999-01-01T00:00:00Z"), 422)
        assert_problem(await submitter.get(f"{KPIS}/no-such-kpi/in-year"), 404)
        assert_problem(await submitter.get(f"{KPIS}/{REFERRALS}/in-year?scope=nowhere"), 404)
        await make_kpi(
            session, "by-calendar-year", period_type=PeriodType.calendar_year, baseline_period=None, baseline_value=None
        )
        await session.commit()
        assert_problem(await submitter.get(f"{KPIS}/by-calendar-year/in-year"), 422, detail_contains="calendar year")
