"""Packs built from the routing rules, checked field by field; as_of reproduction; issued packs never change."""

import csv
import io
from datetime import UTC, datetime

from httpx import AsyncClient

from api import db
from api.governance.models import IssuedPack
from api.kpis.models import Tier
from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.factories import entered_at, kpis_in_plan_order
from tests.packs.conftest import NEET, PLACEMENTS, TOXIC_TRIO


async def _pack(client: AsyncClient, body: str, query: str = "period=2016/17") -> dict:  # type: ignore[type-arg]
    response = await client.get(f"/api/v1/governance-bodies/{body}/pack?{query}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


class TestCsmtPack:
    async def test_actions_exceptions_and_no_projects(self, client: AsyncClient, scenario: None) -> None:
        pack = await _pack(client, "csmt")
        assert pack["rules"] == [
            "actions-to-csmt",
            "case-file-audits-to-csmt",
            "kpi-returns-to-csmt",
            "performance-challenge-to-csmt",
            "practice-observations-to-csmt",
            "service-indicators-to-csmt",
            "team-performance-reviews-to-csmt",
        ]
        assert sum(len(area["actions"]) for area in pack["actions_by_focus_area"]) == 56
        cin = next(a for a in pack["actions_by_focus_area"] if a["key"] == "children-in-need-of-help-and-protection")
        toxic = next(a for a in cin["actions"] if a["key"] == TOXIC_TRIO)
        assert toxic == {
            "key": TOXIC_TRIO,
            "what": toxic["what"],
            "owners": ["CSMT"],
            "due_text": "Sep 2016",
            "due_date": "2016-09-30",
            "status": "at_risk",
            "rag": "amber",
            "percent_complete": 50,
            "overdue": True,
            "stale": False,
            "last_update_on": "2016-08-31",
            "commentary": "Audit delayed",
            "commentary_by": toxic["commentary_by"],
            "comments": [],
        }
        assert toxic["commentary_by"].endswith("(CSMT)"), "the key that reported it"
        raised = {(e["rule"], e["item"]) for e in pack["exceptions"]}
        assert ("action-overdue-30-days", f"action:{TOXIC_TRIO}") in raised
        assert ("action-off-track", f"action:{PLACEMENTS}") in raised
        assert ("project-red", "project:lean-review") in raised
        assert ("project-behind-savings", "project:lean-review") in raised
        behind = next(e for e in pack["exceptions"] if e["rule"] == "project-behind-savings")
        assert behind["reason"] == "2016/17 forecast is £150,000 short of its savings target."
        assert (pack["projects"], pack["progress_summary"]) == ([], [])
        # the seed's one service indicator, which service-indicators-to-csmt routes here
        assert [kpi["code"] for kpi in pack["kpis"]] == ["child-protection-plans-second-or-subsequent"]


class TestProgrammeBoardPack:
    async def test_projects_with_rag_and_savings(self, client: AsyncClient, scenario: None) -> None:
        pack = await _pack(client, "childrens-programme-board")
        assert len(pack["projects"]) == 17
        lean = next(p for p in pack["projects"] if p["key"] == "lean-review")
        assert (lean["rag"], lean["status"], lean["percent_complete"], lean["commentary"]) == (
            "red",
            "at_risk",
            30,
            "Process maps late",
        )
        assert lean["savings"] == {
            "financial_year": "FY2016-17",
            "target_pence": 80_000_000,
            "forecast_pence": 65_000_000,
            "delivered_pence": 20_000_000,
            "forecast_gap_pence": 15_000_000,
            "delivered_gap_pence": 60_000_000,
        }
        assert pack["savings_totals"] == {
            "target_pence": 80_000_000,
            "forecast_pence": 65_000_000,
            "delivered_pence": 20_000_000,
            "forecast_gap_pence": 15_000_000,
            "delivered_gap_pence": 60_000_000,
        }
        assert pack["actions_by_focus_area"] == []


class TestCabinetPack:
    async def test_council_plan_kpis_and_progress(self, client: AsyncClient, scenario: None) -> None:
        pack = await _pack(client, "cabinet")
        assert [kpi["code"] for kpi in pack["kpis"]] == kpis_in_plan_order(tier=Tier.council_plan)
        neet = next(k for k in pack["kpis"] if k["code"] == NEET)
        assert (neet["baseline_value"], neet["target"]["display"], neet["figure"]["display"]) == (9, "7%", "8%")
        assert (neet["rating"]["word"], neet["rating"]["symbol"]) == ("Off target", "✖")
        assert neet["vs_previous"]["word"] == "Improving"
        assert neet["comparators"][0]["display"] == "6%"
        assert len(pack["progress_summary"]) == 7
        cic = next(p for p in pack["progress_summary"] if p["key"] == "children-in-care-and-care-leavers")
        assert (cic["actions"], cic["actions_by_rag"]["red"], cic["projects"]) == (9, 1, 5)

    async def test_csv_and_printable_html(self, client: AsyncClient, scenario: None) -> None:
        html = await client.get("/api/v1/governance-bodies/cabinet/pack?period=2016/17&format=html")
        assert html.headers["content-type"].startswith("text/html")
        assert "@media print" in html.text
        assert "Off target" in html.text
        assert "✖" in html.text
        table = await client.get("/api/v1/governance-bodies/cabinet/pack?period=2016/17&format=csv")
        assert table.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
        neet = next(r for r in rows if r["section"] == "kpi" and r["item"] == NEET)
        assert (neet["value"], neet["target"], neet["rating"]) == ("8%", "7%", "Off target")

    async def test_unknown_body_and_format(self, client: AsyncClient, scenario: None) -> None:
        assert_problem(await client.get("/api/v1/governance-bodies/nope/pack"), 404)
        assert_problem(await client.get("/api/v1/governance-bodies/cabinet/pack?format=docx"), 422)


class TestHeadline:
    async def test_the_front_page_counts_the_council_plan_kpis_by_standing(
        self, client: AsyncClient, submitter: AsyncClient, scenario: None
    ) -> None:
        rows = [  # besides the scenario's NEET (8% against 7%: off) and care leavers (56% against 55%: on)
            {"kpi": "children-under-5-in-each-childrens-centre", "period": "FY2016-17", "value": 81},  # target 80
            {"kpi": "assessments-completed-in-45-days", "period": "FY2016-17", "value": 90},  # target 95
            {"kpi": "repeat-child-protection-plans-within-2-years", "period": "FY2016-17", "value": 7},  # monitored
            # an academic year's figure: 2016/17's ends in August 2017, after this pack's date (31 March 2017)
            {"kpi": "primary-pupils-in-good-or-better-schools", "period": "AY2016-17", "value": 93},
        ]
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        pack = await _pack(client, "cabinet")
        headline = pack["headline"]
        assert headline["sentence"] == (
            "2 of 11 Council Plan KPIs on or above target; 2 off target; 1 monitored without a target; 6 not yet rated."
        )
        assert headline["kpis"] == len(pack["kpis"]) == 11
        assert headline["kpis_by_rating"] == {"green": 2, "amber": 0, "red": 2, "not_rated": 7}
        assert (headline["exceptions"], headline["actions"], headline["projects"]) == (len(pack["exceptions"]), 0, 0)
        assert pack["title"] == "Cabinet: performance and progress, 2016/17"
        assert (pack["period_label"], pack["financial_year_label"]) == ("2016/17", "2016/17")
        csmt = await _pack(client, "csmt")
        flagged = [a for area in csmt["actions_by_focus_area"] for a in area["actions"]]
        assert csmt["headline"]["actions"] == len(flagged) == 56
        assert csmt["headline"]["actions_overdue"] == sum(a["overdue"] for a in flagged)
        assert csmt["headline"]["sentence"] == "1 of 1 KPI not yet rated."
        board = await _pack(client, "childrens-programme-board")
        assert board["headline"]["projects_red"] == 1, "lean review"
        assert board["headline"]["sentence"] == "No KPIs are reported to this body."


class TestAsAtAndKnownAt:
    """Two dates kept apart: the date a pack reports as at, and the moment whose knowledge it uses."""

    async def test_a_later_correction_is_left_out_by_known_at(
        self, client: AsyncClient, submitter: AsyncClient, scenario: None
    ) -> None:
        await entered_at(datetime(2017, 4, 20, tzinfo=UTC))  # the first figures were submitted in spring 2017
        await submitter.put(f"/api/v1/kpis/{NEET}/values/FY2016-17", json={"value": "6.5", "reason": "late returns"})
        then = await _pack(client, "cabinet", "period=2016/17&known_at=2017-05-01T00:00:00Z")
        now = await _pack(client, "cabinet", "period=2016/17")
        assert (then["as_at"], now["as_at"]) == ("2017-03-31", "2017-03-31"), "the period's end, before today"
        assert then["known_at"] == "2017-05-01T00:00:00Z"
        assert next(k for k in then["kpis"] if k["code"] == NEET)["figure"]["display"] == "8%"
        assert next(k for k in now["kpis"] if k["code"] == NEET)["figure"]["display"] == "7%"  # 6.5 shown as 7%

    async def test_a_back_dated_update_counts_for_the_date_it_is_dated(
        self, client: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        """Progress back-filled today for September 2016 is in a pack as at October 2016."""
        back_filled = {"status": "on_track", "rag": "green", "percent_complete": 20, "as_of": "2016-09-15"}
        assert (await csmt.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=back_filled)).status_code == 201
        october = await _pack(client, "csmt", "as_at=2016-10-20")
        toxic = next(a for area in october["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        assert (toxic["status"], toxic["last_update_on"], toxic["overdue"]) == ("on_track", "2016-09-15", True)
        placements = next(
            a for area in october["actions_by_focus_area"] for a in area["actions"] if a["key"] == PLACEMENTS
        )
        assert placements["status"] == "off_track", "reported on 1 October 2016"
        august = await _pack(client, "csmt", "as_at=2016-08-31")
        toxic = next(a for area in august["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        assert (toxic["status"], toxic["overdue"]) == ("at_risk", False), "dated 31 August; due in September"

    async def test_known_at_before_a_back_dated_update_was_entered_leaves_it_out(
        self, client: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        await entered_at(datetime(2016, 11, 1, tzinfo=UTC))  # the first reports were made in autumn 2016
        back_filled = {"status": "complete", "rag": "green", "percent_complete": 100, "as_of": "2016-09-15"}
        assert (await csmt.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=back_filled)).status_code == 201
        both = await _pack(client, "csmt", "as_at=2016-10-20&known_at=2016-11-02T00:00:00Z")
        toxic = next(a for area in both["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        assert (toxic["status"], toxic["last_update_on"]) == ("at_risk", "2016-08-31"), "entered after known_at"
        now = await _pack(client, "csmt", "as_at=2016-10-20")
        toxic = next(a for area in now["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        assert (toxic["status"], toxic["overdue"]) == ("complete", False)

    async def test_a_figure_counts_once_its_period_has_ended(
        self, client: AsyncClient, submitter: AsyncClient, scenario: None
    ) -> None:
        rows = [{"kpi": NEET, "period": "FY2017-18", "value": 7}]
        assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
        then = next(k for k in (await _pack(client, "cabinet", "as_at=2016-11-15"))["kpis"] if k["code"] == NEET)
        assert (then["period"], then["figure"]["display"]) == ("FY2015-16", "9%"), "2016/17 had not ended"
        spring = next(k for k in (await _pack(client, "cabinet", "as_at=2017-04-01"))["kpis"] if k["code"] == NEET)
        assert (spring["period"], spring["figure"]["display"]) == ("FY2016-17", "8%")
        assert (spring["vs_previous"]["against"], spring["vs_previous"]["change"]) == ("FY2015-16", -1)
        now = next(k for k in (await _pack(client, "cabinet", ""))["kpis"] if k["code"] == NEET)
        assert (now["period"], now["figure"]["display"], now["rating"]["reason"]) == (
            "FY2017-18",
            "7%",
            "No target set for FY2017-18.",
        )

    async def test_overdue_is_judged_at_the_end_of_the_period_not_today(
        self, client: AsyncClient, scenario: None
    ) -> None:
        pack = await _pack(client, "csmt", "period=2016/17")
        assert pack["as_at"] == "2017-03-31"
        overdue = {a["due_date"] for area in pack["actions_by_focus_area"] for a in area["actions"] if a["overdue"]}
        assert overdue
        assert all(due < "2017-03-31" for due in overdue if due is not None)
        later = await _pack(client, "csmt", "period=2016/17&as_at=2018-06-30")
        assert later["headline"]["actions_overdue"] > pack["headline"]["actions_overdue"]

    async def test_known_at_in_the_future_is_refused(self, client: AsyncClient, scenario: None) -> None:
        assert_problem(await client.get("/api/v1/governance-bodies/csmt/pack?known_at=2999-01-01T00:00:00Z"), 422)
        assert_problem(await client.get("/api/v1/governance-bodies/csmt/pack?known_at=2016-01-01"), 422)


class TestIssuedPacks:
    async def test_issued_packs_never_change_and_reissuing_adds_a_version(
        self, governor: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        meeting = {"meeting_date": "2016-11-21", "period": "2016/17"}
        issued = await governor.post("/api/v1/governance-bodies/csmt/packs", json=meeting)
        assert issued.status_code == 201, issued.text
        location = issued.headers["location"]
        first = {fmt: (await governor.get(f"{location}?format={fmt}")).text for fmt in ("json", "html", "csv")}
        await csmt.post(
            f"/api/v1/actions/{TOXIC_TRIO}/updates", json={"status": "complete", "rag": "green", "as_of": "2016-11-14"}
        )
        later = {fmt: (await governor.get(f"{location}?format={fmt}")).text for fmt in ("json", "html", "csv")}
        assert later == first
        again = await governor.post("/api/v1/governance-bodies/csmt/packs", json=meeting)
        assert (issued.json()["version"], again.json()["version"]) == (1, 2)
        second = (await governor.get(f"{again.headers['location']}?format=json")).json()
        toxic = next(a for area in second["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        assert toxic["status"] == "complete"
        listed = (await governor.get("/api/v1/governance-bodies/csmt/packs")).json()["items"]
        assert [(p["meeting_date"], p["version"]) for p in listed] == [("2016-11-21", 2), ("2016-11-21", 1)]

    async def test_a_pack_issued_before_a_schema_change_is_served_as_issued(
        self, governor: AsyncClient, loaded: Tally
    ) -> None:
        """A pack stored before a field was added (here: taken out of the stored JSON, as an old pack lacks it) is
        served as stored, never checked against today's Pack model."""
        issued = await governor.post("/api/v1/governance-bodies/csmt/packs", json={"meeting_date": "2016-11-21"})
        location = issued.headers["location"]
        printed = {fmt: (await governor.get(f"{location}?format={fmt}")).text for fmt in ("html", "csv")}
        async with db.get_sessionmaker()() as session, session.begin():
            stored = await session.get(IssuedPack, issued.json()["id"])
            assert stored is not None
            old = {name: value for name, value in stored.content.items() if name != "financial_year"}
            old["body"] = {name: value for name, value in old["body"].items() if name != "cadence"}
            stored.content = old
        response = await governor.get(location)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == old
        assert list(response.json()) == list(old), "in the order it was stored"
        assert {fmt: (await governor.get(f"{location}?format={fmt}")).text for fmt in ("html", "csv")} == printed

    async def test_issuing_needs_governance_write(self, client: AsyncClient, scenario: None) -> None:
        meeting = {"meeting_date": "2016-11-21"}
        assert_problem(await client.post("/api/v1/governance-bodies/csmt/packs", json=meeting), 403)


class TestAddressing:
    async def test_a_body_is_found_by_key_or_by_its_code(self, client: AsyncClient, scenario: None) -> None:
        by_key = await _pack(client, "csmt")
        by_code = (await client.get("/api/v1/bodies/CSMT/pack?period=2016/17")).json()
        assert (
            by_code["body"]
            == by_key["body"]
            == {"key": "csmt", "code": "CSMT", "name": by_key["body"]["name"], "cadence": "monthly"}
        )
        assert by_code["rules"] == by_key["rules"]


class TestCommentary:
    async def test_packs_show_commentary_with_its_author_as_known_then(
        self, client: AsyncClient, submitter: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        await entered_at(datetime(2017, 4, 20, tzinfo=UTC))  # the figures and reports, in April 2017
        why = {"period": "2016/17", "text": "Not known fell after tracking; NEET is now the focus"}
        written = await submitter.post(f"/api/v1/kpis/{NEET}/commentaries", json=why)
        assert written.status_code == 201, written.text
        updates = (await csmt.get(f"/api/v1/actions/{TOXIC_TRIO}/updates")).json()["items"]
        on_update = {"text": "The audit restarts in October with a second auditor"}
        added = await csmt.post(f"/api/v1/actions/{TOXIC_TRIO}/updates/{updates[0]['id']}/commentaries", json=on_update)
        assert added.status_code == 201, added.text
        before = await _pack(client, "cabinet", "period=2016/17&known_at=2017-05-01T00:00:00Z")
        assert next(k for k in before["kpis"] if k["code"] == NEET)["comments"] == [], "written later"
        await entered_at(datetime(2017, 5, 10, tzinfo=UTC))  # the commentary too, in May
        url = f"/api/v1/commentaries/{written.json()['id']}"
        etag = (await submitter.get(url)).headers["etag"]
        edited = await submitter.put(url, json={"text": "NEET is the focus now"}, headers={"If-Match": etag})
        assert edited.status_code == 200, edited.text
        cabinet = await _pack(client, "cabinet")
        [comment] = next(k for k in cabinet["kpis"] if k["code"] == NEET)["comments"]
        assert (comment["text"], comment["period"]) == ("NEET is the focus now", "FY2016-17")
        assert comment["author"].endswith("(performance officer)")
        then = await _pack(client, "cabinet", "period=2016/17&known_at=2017-06-01T00:00:00Z")
        [comment] = next(k for k in then["kpis"] if k["code"] == NEET)["comments"]
        assert comment["text"] == why["text"], "the wording known then"
        csmt_pack = await _pack(client, "csmt")
        toxic = next(
            a for area in csmt_pack["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO
        )
        [comment] = toxic["comments"]
        assert (comment["text"], comment["period"]) == (on_update["text"], None)
        assert comment["author"].endswith("(CSMT)")
        html = (await client.get("/api/v1/governance-bodies/cabinet/pack?period=2016/17&format=html")).text
        assert "NEET is the focus now" in html
        csmt_html = (await client.get("/api/v1/governance-bodies/csmt/pack?format=html")).text
        assert on_update["text"] in csmt_html
