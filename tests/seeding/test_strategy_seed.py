"""The seed holds the whole 2016-18 strategy: counts per focus area and spot checks against the document."""

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page

ACTIONS_PER_FOCUS_AREA = {
    "governance-and-leadership": 9,
    "voice-of-the-child-and-customer-insight": 4,
    "universal-and-open-access-services": 4,
    "education-schools-and-learning": 5,
    "early-help": 7,
    "children-in-need-of-help-and-protection": 18,
    "children-in-care-and-care-leavers": 9,
}


class TestCounts:
    async def test_seven_focus_areas_in_document_order(self, client: AsyncClient, loaded: Tally) -> None:
        items = assert_page(await client.get("/api/v1/focus-areas"), total=7)
        assert [a["key"] for a in items] == list(ACTIONS_PER_FOCUS_AREA)
        assert [a["position"] for a in items] == [1, 2, 3, 4, 5, 6, 7]

    async def test_every_action_row_per_focus_area(self, client: AsyncClient, loaded: Tally) -> None:
        for key, count in ACTIONS_PER_FOCUS_AREA.items():
            assert_page(await client.get(f"/api/v1/actions?focus_area={key}&limit=100"), total=count, limit=100)
        assert loaded.counts["actions"]["created"] == sum(ACTIONS_PER_FOCUS_AREA.values())

    async def test_projects_owners_bodies_and_kpis(self, client: AsyncClient, loaded: Tally) -> None:
        assert_page(await client.get("/api/v1/projects"), total=17)
        assert_page(await client.get("/api/v1/owners"), total=17)
        assert_page(await client.get("/api/v1/governance-bodies"), total=23)
        assert_page(await client.get("/api/v1/kpis?tier=council_plan"), total=11)
        assert_page(await client.get("/api/v1/kpis?tier=context"), total=17)
        # not in the strategy: DfE's repeat-plan measure, for benchmarking (seed/national/mappings.yaml)
        assert_page(await client.get("/api/v1/kpis?tier=service_indicator"), total=1)
        assert_page(await client.get("/api/v1/kpis"), total=29)

    async def test_strategy_objectives_and_principles(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/strategies/childrens-services-strategy-2016-18")).json()
        assert body["organisation"] == {
            "key": "stockton-on-tees",
            "name": "Stockton-on-Tees Borough Council",
            "gss_code": "E06000004",
            "la_number": 808,
        }
        assert len(body["key_objectives"]) == 5
        assert body["key_objectives"][0]["text"].startswith("Ensure effective pre-natal and early years support")
        assert len(body["policy_principles"]) == 4
        assert body["key_outcome"].startswith("To improve life chances for children and young people")
        assert (body["period_start_date"], body["period_end_date"]) == ("2016-04-01", "2018-03-31")


class TestSpotChecks:
    async def test_dfes_repeat_plan_measure_is_the_lait_indicator_it_was_added_for(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        body = (await client.get("/api/v1/kpis/child-protection-plans-second-or-subsequent")).json()
        assert (body["tier"], body["decimal_places"], body["polarity"], body["period_type"]) == (
            "service_indicator",
            1,
            "lower_better",
            "financial_year",
        )
        assert (body["national_code"], body["national_indicator"]) == ("15", "prevregcpr")
        indicator = (await client.get("/api/v1/national-indicators/prevregcpr")).json()
        assert (indicator["national_code"], indicator["adopted_as"]) == ("15", body["code"])

    async def test_neet_kpi(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/kpis/neet-not-known-16-19")).json()
        assert body["title"] == "Percentage of young people aged 16-19 who are NEET or Not Known"
        assert (body["unit"], body["polarity"], body["tier"]) == ("percent", "lower_better", "council_plan")
        assert (body["baseline_period"], body["baseline_value"]) == ("FY2015-16", 9)
        assert [(t["period"], t["kind"], t["value"]) for t in body["targets"]] == [("FY2016-17", "numeric", 7)]

    async def test_eyfs_target_is_relative_to_national_by_academic_year(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        body = (await client.get("/api/v1/kpis/eyfs-good-level-of-development")).json()
        assert (body["period_type"], body["baseline_period"], body["baseline_value"]) == (
            "academic_year",
            "AY2015-16",
            59,
        )
        assert [(t["period"], t["kind"], t["value"]) for t in body["targets"]] == [
            ("AY2016-17", "relative_to_national", None)
        ]

    async def test_monitor_only_and_days_kpis(self, client: AsyncClient, loaded: Tally) -> None:
        adoption = (await client.get("/api/v1/kpis/adoption-average-days-entering-care-to-adoptive-family")).json()
        assert (adoption["unit"], adoption["baseline_value"], adoption["polarity"]) == ("days", 611, "lower_better")
        assert adoption["targets"][0]["kind"] == "monitor"
        assessments = (await client.get("/api/v1/kpis/assessments-completed-in-45-days")).json()
        assert (assessments["baseline_value"], assessments["targets"][0]["value"]) == (99, 95)

    async def test_graded_care_profile_2_is_ongoing_and_owned_by_lscb(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/actions/cin-implement-graded-care-profile-2")).json()
        assert body["what"] == "Implement Graded care Profile 2 to assist in identifying early signs of neglect"
        assert [o["code"] for o in body["owners"]] == ["LSCB"]
        assert (body["due_text"], body["due_kind"], body["due_date"]) == ("Ongoing", "ongoing", None)
        assert body["comments"] == "Linked to early help pathways"

    async def test_a_row_with_two_owners_keeps_both(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/actions/cin-child-in-need-review-care-planning-and-step-down")).json()
        assert [o["code"] for o in body["owners"]] == ["AD EHPP", "AD SLAC"]
        assert (body["due_text"], body["due_date"]) == ("Dec 2016", "2016-12-31")

    async def test_a_row_with_dated_sub_items_keeps_them_as_milestones(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        body = (await client.get("/api/v1/actions/cic-delivering-new-lac-and-care-leavers-strategy")).json()
        assert [(m["title"], m["due_text"]) for m in body["milestones"]] == [
            ("Strategy", "April 2016"),
            ("Profile", "April 2016"),
            ("New pledge for Children in care and care leavers", "May 2016"),
            ("Sufficiency", "May 2016"),
        ]

    async def test_lean_review_savings_in_pence(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/projects/lean-review")).json()
        assert (body["savings_target_pence"], body["savings_target_date"]) == (80_000_000, "2017-03-31")
        assert body["focus_areas"] == ["governance-and-leadership"]

    async def test_a_project_listed_under_two_focus_areas_is_one_project(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        body = (await client.get("/api/v1/projects/review-of-approach-to-lac")).json()
        assert body["focus_areas"] == ["children-in-care-and-care-leavers", "children-in-need-of-help-and-protection"]
        youth = (await client.get("/api/v1/projects/review-of-youth-services")).json()
        assert set(youth["focus_areas"]) == {"universal-and-open-access-services", "early-help"}
        assert youth["savings_target_pence"] == 75_000_000

    async def test_owner_codes_expand_and_say_when_inferred(self, client: AsyncClient, loaded: Tally) -> None:
        lscb = (await client.get("/api/v1/owners/lscb")).json()
        assert lscb["full_name"] == "Stockton Local Safeguarding Children Board"
        ad_slac = (await client.get("/api/v1/owners/ad-slac")).json()
        assert (ad_slac["name_inferred"], ad_slac["parent"]) == (True, "dcs")

    async def test_accountability_bodies(self, client: AsyncClient, loaded: Tally) -> None:
        bodies = assert_page(await client.get("/api/v1/governance-bodies"), total=23)
        names = {b["name"] for b in bodies}
        for name in ("Children’s Programme Board", "Children’s Services Management Team", "Cabinet"):
            assert name in names
        csmt = next(b for b in bodies if b["code"] == "CSMT")
        # The document gives the monthly cadence of CSMT's performance report, not of its meetings.
        assert (csmt["cadence"], csmt["cadence_inferred"]) == ("monthly", True)
        by_key = {b["key"]: b for b in bodies}
        # Standing them down is a proposal ("the opportunity to stand down"): both still meet.
        assert by_key["performance-clinic"]["status"] == by_key["procedures-group"]["status"] == "stand_down_proposed"
        assert by_key["malap"]["description"].startswith("The Multi-Agency Looked After Children Partnership.")

    async def test_corrections_on_review(self, client: AsyncClient, loaded: Tally) -> None:
        malap = (await client.get("/api/v1/owners/malap")).json()
        assert (malap["full_name"], malap["name_inferred"]) == ("Multi-Agency Looked After Children Partnership", False)
        for key in ("review-of-youth-services", "review-of-childrens-centres"):
            project = (await client.get(f"/api/v1/projects/{key}")).json()
            assert (project["deadline_text"], project["deadline_date"]) == ("2016/17", "2017-03-31"), key
        early = (await client.get("/api/v1/projects/review-of-0-5s-healthy-child-programme")).json()
        assert early["focus_areas"] == ["universal-and-open-access-services", "early-help"]
        ongoing = (await client.get("/api/v1/actions", params={"limit": 200})).json()["items"]
        in_year = [a for a in ongoing if a["due_text"] == "Ongoing in 2016/17"]
        assert in_year
        assert {(a["due_kind"], a["due_date"]) for a in in_year} == {("dated", "2017-03-31")}

    async def test_profile_figures_are_context_values(self, client: AsyncClient, loaded: Tally) -> None:
        body = (await client.get("/api/v1/kpis/children-in-care")).json()
        [value] = body["latest_values"]
        assert (value["value"], value["scope"], value["submitted_by"]) == (380, "stockton-on-tees", "seed")
        breastfeeding = (await client.get("/api/v1/kpis/breastfeeding")).json()
        by_scope = {v["scope"]: v["value"] for v in breastfeeding["latest_values"]}
        assert by_scope == {"stockton-on-tees": 58, "england": 76}
