"""Target profiles: a year's trajectory toward a KPI's annual target, set whole with ETags and audited, and the
in-year read's ratings of the year to date against it, end to end from the case-management feed."""

from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent
from api.auth.models import Scope
from api.kpis.models import Combine, Polarity, TargetKind, Unit
from api.periods import PeriodType
from tests.asserts import assert_problem
from tests.factories import Scenario, make_kpi
from tests.kpis.in_year import KPIS, REFERRALS, TIMELY, in_year, post, row

PROFILE = f"{KPIS}/{REFERRALS}/target-profiles/FY2016-17"
QUARTERLY = {"basis": "per_period", "points": [{"period": f"FY2016-17-Q{q}", "value": 300} for q in (1, 2, 3, 4)]}
CREATE = {"If-None-Match": "*"}


class TestSetting:
    async def test_a_new_profile_is_created_read_back_and_audited(
        self, governor: AsyncClient, kpis: None, session: AsyncSession
    ) -> None:
        response = await governor.put(PROFILE, json=QUARTERLY, headers=CREATE)
        assert (response.status_code, response.headers["etag"]) == (201, '"1"'), response.text
        body = response.json()
        assert (body["basis"], body["annual_target"]) == ("per_period", 1200)
        assert body["updated_by"].endswith("(governance officer)")
        assert [(p["period"], p["cumulative"]) for p in body["points"]] == [
            ("FY2016-17-Q1", 300),
            ("FY2016-17-Q2", 600),
            ("FY2016-17-Q3", 900),
            ("FY2016-17-Q4", 1200),
        ]
        read = await governor.get(f"{KPIS}/{REFERRALS}/target-profiles/FY2016-17")
        assert (read.json(), read.headers["etag"]) == (body, '"1"')
        [event] = (await session.scalars(select(AuditEvent).where(AuditEvent.resource == "kpi_target_profile"))).all()
        assert event.after is not None
        assert (event.resource_key, event.action, event.after["points.FY2016-17-Q4"]) == (
            f"{REFERRALS}/FY2016-17",
            "create",
            300,
        )

    async def test_replacing_needs_the_current_etag_and_moves_it_on(self, governor: AsyncClient, kpis: None) -> None:
        await governor.put(PROFILE, json=QUARTERLY, headers=CREATE)
        cumulative = {
            "basis": "cumulative",
            "points": [{"period": "FY2016-17-Q2", "value": 500}, {"period": "FY2016-17-Q4", "value": 1200}],
        }
        assert_problem(await governor.put(PROFILE, json=cumulative), 428)
        assert_problem(await governor.put(PROFILE, json=cumulative, headers=CREATE), 412)
        replaced = await governor.put(PROFILE, json=cumulative, headers={"If-Match": '"1"'})
        assert (replaced.status_code, replaced.headers["etag"]) == (200, '"2"'), replaced.text
        assert [p["period"] for p in replaced.json()["points"]] == ["FY2016-17-Q2", "FY2016-17-Q4"]
        assert_problem(await governor.put(PROFILE, json=QUARTERLY, headers={"If-Match": '"1"'}), 412)
        unchanged = await governor.put(PROFILE, json=cumulative, headers={"If-Match": '"2"'})
        assert (unchanged.status_code, unchanged.headers["etag"]) == (200, '"2"')

    async def test_deleting_needs_the_etag(self, governor: AsyncClient, kpis: None) -> None:
        await governor.put(PROFILE, json=QUARTERLY, headers=CREATE)
        assert_problem(await governor.delete(PROFILE), 428)
        assert_problem(await governor.delete(PROFILE, headers={"If-Match": '"7"'}), 412)
        assert (await governor.delete(PROFILE, headers={"If-Match": '"1"'})).status_code == 204
        assert_problem(await governor.get(PROFILE), 404)
        assert_problem(await governor.delete(PROFILE, headers={"If-Match": '"1"'}), 404)

    async def test_lists_a_kpis_profiles_with_updated_since(self, governor: AsyncClient, kpis: None) -> None:
        await governor.put(PROFILE, json=QUARTERLY, headers=CREATE)
        listed = (await governor.get(f"{KPIS}/{REFERRALS}/target-profiles")).json()
        assert (listed["total"], listed["items"][0]["year"]) == (1, "FY2016-17")
        later = (await governor.get(f"{KPIS}/{REFERRALS}/target-profiles?updated_since=2999-01-01T00:00:00Z")).json()
        assert later["total"] == 0


class TestRefused:
    @pytest.mark.parametrize(
        ("body", "loc", "words"),
        [
            (
                {"basis": "per_period", "points": [{"period": "FY2017-18-Q1", "value": 1200}]},
                ["body", "points", 0, "period"],
                "not in FY2016-17",
            ),
            (
                {"basis": "per_period", "points": [{"period": "FY2016-17", "value": 1200}]},
                ["body", "points", 0, "period"],
                "is not a financial quarter or month",
            ),
            (
                {"basis": "per_period", "points": [{"period": "2016-13", "value": 1}]},
                ["body", "points", 0, "period"],
                "month must be",
            ),
            (
                {"basis": "cumulative", "points": [{"period": "FY2016-17-Q4", "value": 1000}]},
                ["body", "points"],
                "but referrals's target for FY2016-17 is 1200",
            ),
            (
                {"basis": "cumulative", "points": [{"period": "FY2016-17-Q3", "value": 900}]},
                ["body", "points"],
                "no point for the end of FY2016-17",
            ),
            (
                {
                    "basis": "per_period",
                    "points": [{"period": "2016-04", "value": 100}, {"period": "FY2016-17-Q4", "value": 1100}],
                },
                ["body", "points"],
                "every point for a month",
            ),
            (
                {"basis": "per_period", "points": [{"period": "2017-03", "value": 1200.5}]},
                ["body", "points", 0, "value"],
                "not a whole number",
            ),
            (
                {
                    "basis": "per_period",
                    "points": [{"period": "FY2016-17-Q4", "value": 1}, {"period": "FY2016-17-Q4", "value": 1}],
                },
                ["body", "points", 1, "period"],
                "given twice",
            ),
        ],
    )
    async def test_points_outside_the_year_or_off_the_annual_target_are_422(
        self, governor: AsyncClient, kpis: None, body: dict[str, Any], loc: list[Any], words: str
    ) -> None:
        problem = assert_problem(await governor.put(PROFILE, json=body, headers=CREATE), 422)
        assert any(error["loc"] == loc and words in error["msg"] for error in problem["errors"]), problem
        assert_problem(await governor.get(PROFILE), 404)

    async def test_a_rates_profile_is_per_period(self, governor: AsyncClient, kpis: None) -> None:
        body = {"basis": "cumulative", "points": [{"period": "FY2016-17-Q4", "value": 90}]}
        problem = assert_problem(
            await governor.put(f"{KPIS}/{TIMELY}/target-profiles/FY2016-17", json=body, headers=CREATE), 422
        )
        assert problem["errors"][0]["loc"] == ["body", "basis"]

    async def test_a_monthly_kpi_has_nothing_shorter_to_profile(
        self, governor: AsyncClient, session: AsyncSession, scenario: Scenario
    ) -> None:
        await make_kpi(session, "monthly", period_type=PeriodType.month, baseline_period=None, baseline_value=None)
        await session.commit()
        body = {"basis": "per_period", "points": [{"period": "2016-04", "value": 9}]}
        assert_problem(await governor.put(f"{KPIS}/monthly/target-profiles/FY2016-17", json=body, headers=CREATE), 422)

    async def test_needs_governance_write_and_the_kpi_among_a_limited_keys(
        self, submitter: AsyncClient, key_client: Any, kpis: None
    ) -> None:
        assert_problem(await submitter.put(PROFILE, json=QUARTERLY, headers=CREATE), 403)
        async with await key_client(Scope.read, Scope.governance_write, kpi_codes=[TIMELY]) as limited:
            assert_problem(await limited.put(PROFILE, json=QUARTERLY, headers=CREATE), 403)
        assert_problem(await submitter.get(PROFILE), 404)

    async def test_unknown_fields_and_kpis(self, governor: AsyncClient, kpis: None) -> None:
        assert_problem(await governor.put(PROFILE, json=QUARTERLY | {"version": 3}, headers=CREATE), 422)
        assert_problem(
            await governor.put(f"{KPIS}/nothing/target-profiles/FY2016-17", json=QUARTERLY, headers=CREATE), 404
        )


class TestRatings:
    async def test_a_counts_year_to_date_is_rated_against_the_cumulative_profile(
        self, governor: AsyncClient, submitter: AsyncClient, kpis: None
    ) -> None:
        await governor.put(PROFILE, json=QUARTERLY, headers=CREATE)
        await post(
            submitter,
            [
                {"kpi": REFERRALS, "period": m, "value": 100}
                for m in ("2016-04", "2016-05", "2016-06", "2016-07", "2016-08")
            ],
        )
        await post(submitter, [{"kpi": REFERRALS, "period": "2016-09", "value": 150}])
        body = await in_year(submitter, REFERRALS)
        q1, q2 = row(body, "FY2016-17-Q1"), row(body, "FY2016-17-Q2")
        assert (q1["profiled_target"], q1["rating"]["status"]) == (300, "green")
        assert (q2["year_to_date"]["value"], q2["profiled_target"], q2["rating"]["status"]) == (650, 600, "red")
        assert q2["rating"]["reason"].startswith("Year to date: 650 against a target of 600 (lower is better)")
        assert row(body, "2016-06")["rating"]["status"] == "green"  # June ends Q1: its point is Q1's
        assert "no point for 2016-05" in row(body, "2016-05")["rating"]["reason"]
        assert (body["profile_basis"], body["profile_version"]) == ("per_period", 1)


CASE_SYSTEM = "liquidlogic case management"


@pytest.fixture
async def rate(session: AsyncSession, scenario: Scenario) -> str:
    code = "cin-assessments-in-45-days"
    await make_kpi(
        session,
        code,
        decimal_places=0,
        polarity=Polarity.higher_better,
        combine=Combine.ratio,
        unit=Unit.percent,
        targets=[("FY2016-17", TargetKind.numeric, Decimal(90))],
    )
    await session.commit()
    return code


async def test_the_case_systems_monthly_feed_is_rated_and_a_correction_changes_the_rating(
    governor: AsyncClient, key_client: Any, rate: str
) -> None:
    """The case-management system posts an annual KPI's months in one batch; the in-year read rates the year to
    date against the profile; a corrected month (a new revision) moves the year to date and the rating."""
    points = (("2016-04", 85), ("2016-05", 86), ("2016-06", 87), ("2016-09", 88), ("2016-12", 89), ("2017-03", 90))
    profile = {"basis": "per_period", "points": [{"period": p, "value": v} for p, v in points]}
    assert (
        await governor.put(f"{KPIS}/{rate}/target-profiles/FY2016-17", json=profile, headers=CREATE)
    ).status_code == 201
    feed = [
        {"kpi": rate, "period": "2016-04", "numerator": 44, "denominator": 50},
        {"kpi": rate, "period": "2016-05", "numerator": 52, "denominator": 60},
        {"kpi": rate, "period": "2016-06", "numerator": 36, "denominator": 40},
    ]
    async with await key_client(Scope.read, Scope.kpi_submit, kpi_codes=[rate], name=CASE_SYSTEM) as system:
        landed = await system.post("/api/v1/kpi-submissions", json={"rows": feed, "source": "LCS monthly extract"})
        assert (landed.status_code, landed.json()["created"]) == (201, 3), landed.text
        june = row(await in_year(system, rate), "2016-06")
        assert (june["year_to_date"]["numerator"], june["year_to_date"]["denominator"]) == (132, 150)
        assert (june["year_to_date"]["display"], june["profiled_target"], june["rating"]["status"]) == (
            "88%",
            87,
            "green",
        )

        corrected = [{"kpi": rate, "period": "2016-06", "numerator": 28, "denominator": 40}]
        again = await system.post("/api/v1/kpi-submissions", json={"rows": corrected, "reason": "late closures"})
        assert again.json()["updated"] == 1
        june = row(await in_year(system, rate), "2016-06")
        assert (june["figure"]["revision"], june["figure"]["value"]) == (2, 70)
        assert (june["year_to_date"]["display"], june["rating"]["status"]) == ("83%", "red")
        assert june["rating"]["word"] == "Off target"
        status = (await system.get(f"{KPIS}/{rate}/status")).json()
        assert (status["figure"], status["period"]) == (None, None), "the months are no annual figure"
