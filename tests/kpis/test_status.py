"""Status and scorecard reads on the real strategy: figures, targets, ratings with words and reasons, travel."""

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem

NEET = "neet-not-known-16-19"
EYFS = "eyfs-good-level-of-development"
ADOPTION = "adoption-average-days-entering-care-to-adoptive-family"


async def submit(client: AsyncClient, *rows: dict[str, object]) -> None:
    response = await client.post("/api/v1/kpi-submissions", json={"rows": list(rows)})
    assert response.status_code == 201, response.text


class TestKpiStatus:
    async def test_a_numeric_target_missed_is_off_target_with_a_reason(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        await submit(
            submitter,
            {"kpi": NEET, "period": "2016/17", "value": 8},
            {"kpi": NEET, "period": "2016/17", "scope": "england", "value": 6},
        )
        body = (await submitter.get(f"/api/v1/kpis/{NEET}/status?period=2016/17")).json()
        assert (body["period"], body["figure"]["display"], body["target"]["display"]) == ("FY2016-17", "8%", "7%")
        assert body["rating"] == {
            "status": "red",
            "word": "Off target",
            "symbol": "✖",
            "reason": "8% against a target of 7% (lower is better): 1 point worse than target.",
        }
        travel = body["vs_previous"]
        assert (travel["direction"], travel["word"], travel["against"], travel["change"]) == (
            "improving",
            "Improving",
            "FY2015-16",
            -1,
        )
        assert body["vs_last_year"] is None, "for a yearly KPI the previous period is last year"
        assert body["comparators"] == [
            {
                "scope": "england",
                "name": "England",
                "value": 6,
                "display": "6%",
                "difference": 2,
                "judgement": "worse",
                "words": "2 points worse than England",
            }
        ]
        assert body["benchmark"] == {  # England alone: no rank, no neighbours' figures, but the gap in words
            "rank": None,
            "neighbours": None,
            "gap_to_england": {"difference": 2, "judgement": "worse", "words": "2 points worse than England"},
        }

    async def test_meeting_the_target_is_on_target(self, submitter: AsyncClient, loaded: Tally) -> None:
        await submit(submitter, {"kpi": NEET, "period": "FY2016-17", "value": "6.8"})
        rating = (await submitter.get(f"/api/v1/kpis/{NEET}/status")).json()["rating"]
        assert (rating["status"], rating["word"], rating["symbol"]) == ("green", "On target", "✔")

    async def test_monitor_only_has_no_colour_but_a_direction(self, submitter: AsyncClient, loaded: Tally) -> None:
        await submit(submitter, {"kpi": ADOPTION, "period": "FY2016-17", "value": 580})
        body = (await submitter.get(f"/api/v1/kpis/{ADOPTION}/status")).json()
        assert (body["rating"]["status"], body["rating"]["word"]) == ("not_rated", "Monitor only")
        assert body["vs_previous"]["word"] == "Improving"
        assert "611 days" in body["vs_previous"]["reason"]

    async def test_relative_to_national_compares_with_englands_change(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        # England's good level of development: 69.3% in 2015/16 and 70.7% in 2016/17 (DfE EYFSP statistics).
        await submit(
            submitter,
            {"kpi": EYFS, "period": "AY2016-17", "value": 62},
            {"kpi": EYFS, "period": "AY2015-16", "scope": "england", "value": "69.3"},
            {"kpi": EYFS, "period": "AY2016-17", "scope": "england", "value": "70.7"},
        )
        body = (await submitter.get(f"/api/v1/kpis/{EYFS}/status?period=2016/17")).json()
        assert body["period"] == "AY2016-17"
        assert body["target"]["display"] == "Improve at least in line with the national rate"
        assert body["rating"]["status"] == "green"
        assert body["rating"]["reason"].startswith("Improved 3 points (59% to 62%) from AY2015-16 to AY2016-17")

    async def test_no_figure_yet_is_not_rated_and_says_so(self, submitter: AsyncClient, loaded: Tally) -> None:
        body = (await submitter.get(f"/api/v1/kpis/{NEET}/status?period=FY2016-17")).json()
        assert body["figure"] is None
        assert body["rating"] == {
            "status": "not_rated",
            "word": "Not rated",
            "symbol": "–",
            "reason": "No figure for FY2016-17 yet.",
        }

    async def test_bad_period_and_unknown_scope(self, submitter: AsyncClient, loaded: Tally) -> None:
        assert_problem(await submitter.get(f"/api/v1/kpis/{NEET}/status?period=2016"), 422, detail_contains="CY2016")
        assert_problem(await submitter.get(f"/api/v1/kpis/{NEET}/status?scope=wales"), 404)
        assert_problem(await submitter.get("/api/v1/kpis/nope/status"), 404)


class TestScorecard:
    async def test_every_council_plan_kpi_in_one_round_trip(self, submitter: AsyncClient, loaded: Tally) -> None:
        await submit(
            submitter,
            {"kpi": NEET, "period": "FY2016-17", "value": 8},
            {"kpi": "care-leavers-in-eet-16-21", "period": "FY2016-17", "value": 56},
            {"kpi": EYFS, "period": "AY2016-17", "value": 62},
        )
        body = (await submitter.get("/api/v1/scorecard?period=2016/17&tier=council_plan")).json()
        assert len(body["items"]) == 11
        assert {item["tier"] for item in body["items"]} == {"council_plan"}
        by_code = {item["code"]: item for item in body["items"]}
        assert by_code[NEET]["rating"]["status"] == "red"
        assert by_code["care-leavers-in-eet-16-21"]["rating"]["status"] == "green"
        assert by_code[EYFS]["period"] == "AY2016-17"
        assert by_code[EYFS]["rating"]["status"] == "not_rated", "no England figures yet"
        assert body["summary"] == {"green": 1, "amber": 0, "red": 1, "not_rated": 9}
        assert all(item["rating"]["word"] and item["rating"]["reason"] for item in body["items"])

    async def test_filters_and_problems(self, submitter: AsyncClient, loaded: Tally) -> None:
        context = (await submitter.get("/api/v1/scorecard?tier=context")).json()
        assert len(context["items"]) == 17
        children_in_care = next(i for i in context["items"] if i["code"] == "children-in-care")
        assert children_in_care["figure"]["display"] == "380"
        assert children_in_care["rating"]["reason"] == "A context figure: it has no target."
        assert_problem(await submitter.get("/api/v1/scorecard?period=next-year"), 422)
        assert_problem(await submitter.get("/api/v1/scorecard?tier=gold"), 422)


CHILDREN_IN_CARE = "children-in-care"  # monthly, a count with no polarity; the seed has 380 for 2016-03


class TestWhatAStandingReads:
    """A standing reads only a few periods' figures (its own, the one before, last year's, England's); these pin
    that it still finds each of them, and says so when one is missing."""

    async def test_a_gap_before_the_latest_month_and_last_years_figure(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        await submit(
            submitter,
            {"kpi": CHILDREN_IN_CARE, "period": "2016-05", "value": 384},
            {"kpi": CHILDREN_IN_CARE, "period": "2017-03", "value": 395},
            {"kpi": CHILDREN_IN_CARE, "period": "2017-05", "value": 400},
        )
        latest = (await submitter.get(f"/api/v1/kpis/{CHILDREN_IN_CARE}/status")).json()
        assert (latest["period"], latest["figure"]["display"]) == ("2017-05", "400")
        assert (latest["vs_previous"]["against"], latest["vs_previous"]["direction"]) == ("2017-04", "not_comparable")
        assert latest["vs_previous"]["reason"] == "No figure for 2017-04 to compare with."
        assert (latest["vs_last_year"]["against"], latest["vs_last_year"]["change"]) == ("2016-05", 16)
        march = (await submitter.get(f"/api/v1/kpis/{CHILDREN_IN_CARE}/status?period=2017-03")).json()
        assert (march["vs_last_year"]["against"], march["vs_last_year"]["change"]) == ("2016-03", 15), "the seed's"
        assert march["vs_previous"]["reason"] == "No figure for 2017-02 to compare with."
        gap = (await submitter.get(f"/api/v1/kpis/{CHILDREN_IN_CARE}/status?period=2017-04")).json()
        assert (gap["figure"], gap["vs_previous"], gap["vs_last_year"]) == (None, None, None)
        assert gap["rating"]["reason"] == "No figure for 2017-04 yet."

    async def test_england_publishing_after_the_borough(self, submitter: AsyncClient, loaded: Tally) -> None:
        await submit(
            submitter,
            {"kpi": EYFS, "period": "AY2016-17", "value": 62},
            {"kpi": EYFS, "period": "AY2017-18", "value": 64},
            {"kpi": EYFS, "period": "AY2015-16", "scope": "england", "value": "69.3"},
        )
        waiting = (await submitter.get(f"/api/v1/kpis/{EYFS}/status?period=2016/17")).json()
        assert waiting["rating"]["status"] == "not_rated"
        assert waiting["rating"]["reason"] == "No England figure for AY2016-17."
        assert [c["scope"] for c in waiting["comparators"]] == []
        latest = (await submitter.get(f"/api/v1/kpis/{EYFS}/status")).json()
        assert (latest["period"], latest["vs_previous"]["change"]) == ("AY2017-18", 2)
        await submit(submitter, {"kpi": EYFS, "period": "AY2016-17", "scope": "england", "value": "70.7"})
        rated = (await submitter.get(f"/api/v1/kpis/{EYFS}/status?period=2016/17")).json()
        assert rated["rating"]["status"] == "green", "England's figures for the period and the one before are read"
        assert [(c["scope"], c["display"]) for c in rated["comparators"]] == [("england", "71%")]
        as_england = (await submitter.get(f"/api/v1/kpis/{EYFS}/status?period=2016/17&scope=england")).json()
        assert (as_england["figure"]["display"], as_england["vs_previous"]["against"]) == ("71%", "AY2015-16")
        assert as_england["vs_previous"]["change"] == 2, "England's own figures, as shown (69% to 71%)"
