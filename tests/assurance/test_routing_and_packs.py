"""Assurance routed as data: each kind reaches its body through the seeded rules, and the bodies' packs list what
was carried out in their period."""

import csv
import io
from typing import Any

from httpx import AsyncClient
from openpyxl import load_workbook

from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.assurance.test_activities import ACTIVITIES
from tests.assurance.test_reports import TOXIC_TRIO

BODIES = {
    "case_file_audit": ["csmt"],
    "practice_observation": ["csmt"],
    "team_performance_review": ["csmt"],
    "multi_agency_audit": ["lscb"],
    "thematic_review": ["lscb"],
    "member_visit": ["cabinet", "cyp-select-committee"],
}


def _body(kind: str, day: str = "2016-10-05", **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "carried_out_on": day, "carried_out_by_role": "Service manager"}
    if kind not in ("multi_agency_audit", "thematic_review"):
        body["team"] = "reviewing-unit"
    if kind == "practice_observation":
        body["setting"] = "cp_conference"
    return body | more


async def _record(client: AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(ACTIVITIES, json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


class TestRouting:
    async def test_each_kind_reaches_the_bodies_the_strategy_names(self, auditor: AsyncClient, loaded: Tally) -> None:
        for kind, bodies in BODIES.items():
            made = await _record(auditor, _body(kind))
            resolved = await auditor.get("/api/v1/routing/resolve", params={"item": f"assurance:{made['id']}"})
            assert resolved.status_code == 200, resolved.text
            answer = resolved.json()
            assert (answer["item"], answer["kind"]) == (f"assurance:{made['id']}", kind)
            assert sorted(route["body"] for route in answer["routes"]) == bodies, kind
            assert all(route["rule"].endswith(route["body"]) for route in answer["routes"])

    async def test_an_unknown_activity_is_404(self, auditor: AsyncClient, loaded: Tally) -> None:
        for item in ("assurance:999999", "assurance:abc", "assurance:99999999999999999999"):
            assert_problem(await auditor.get("/api/v1/routing/resolve", params={"item": item}), 404)

    async def test_an_activity_no_rule_reaches_is_a_gap(
        self, auditor: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        made = await _record(auditor, _body("thematic_review"))
        for rule in ("thematic-reviews-to-lscb",):
            etag = (await governor.get(f"/api/v1/routing-rules/{rule}")).headers["etag"]
            deleted = await governor.delete(f"/api/v1/routing-rules/{rule}", headers={"If-Match": etag})
            assert deleted.status_code == 200, deleted.text
        gaps = (await auditor.get("/api/v1/routing/unrouted")).json()["items"]
        assert f"assurance:{made['id']}" in {gap["item"] for gap in gaps}

    async def test_a_rule_can_take_one_services_activities(
        self, auditor: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        rule = {
            "key": "ehpp-audits-to-clinic",
            "item_kind": "case_file_audit",
            "owner": "AD EHPP",
            "body": "performance-clinic",
        }
        assert (await governor.post("/api/v1/routing-rules", json=rule)).status_code == 201
        theirs = await _record(auditor, _body("case_file_audit"))  # the Reviewing Unit: AD SLAC's
        ours = await _record(auditor, _body("case_file_audit", team="early-help-team"))
        for made, bodies in ((theirs, ["csmt"]), (ours, ["csmt", "performance-clinic"])):
            answer = (await auditor.get("/api/v1/routing/resolve", params={"item": f"assurance:{made['id']}"})).json()
            assert sorted(route["body"] for route in answer["routes"]) == bodies


async def _pack(client: AsyncClient, body: str, query: str = "period=2016/17") -> dict[str, Any]:
    response = await client.get(f"/api/v1/governance-bodies/{body}/pack?{query}")
    assert response.status_code == 200, response.text
    pack: dict[str, Any] = response.json()
    return pack


class TestPacks:
    async def test_each_body_lists_what_was_routed_to_it_in_the_period(
        self, auditor: AsyncClient, loaded: Tally
    ) -> None:
        audit = await _record(
            auditor,
            _body(
                "case_file_audit",
                grading="good",
                themes=["Voice of the child"],
                actions=[{"action": TOXIC_TRIO, "relation": "raises"}],
            ),
        )
        await _record(auditor, _body("case_file_audit", day="2017-04-20"))  # 2017/18: another period
        archived = await _record(auditor, _body("case_file_audit", day="2016-06-01"))
        gone = await auditor.delete(f"{ACTIVITIES}/{archived['id']}", headers={"If-Match": f'"{archived["version"]}"'})
        assert gone.status_code == 200
        visit = await _record(auditor, _body("member_visit", carried_out_by_role="Elected member"))
        review = await _record(auditor, _body("thematic_review", day="2017-01-10", themes=["Toxic trio"]))
        csmt = await _pack(auditor, "csmt")
        assert [a["id"] for a in csmt["assurance"]] == [audit["id"]]
        shown = csmt["assurance"][0]
        assert (shown["kind"], shown["team"], shown["grading"], shown["themes"]) == (
            "case_file_audit",
            "reviewing-unit",
            "good",
            ["voice-of-the-child"],
        )
        assert shown["actions"][0]["action"] == TOXIC_TRIO
        assert csmt["headline"]["assurance"] == 1
        assert [a["id"] for a in (await _pack(auditor, "cabinet"))["assurance"]] == [visit["id"]]
        assert [a["id"] for a in (await _pack(auditor, "cyp-select-committee"))["assurance"]] == [visit["id"]]
        assert [a["id"] for a in (await _pack(auditor, "lscb"))["assurance"]] == [review["id"]]
        assert (await _pack(auditor, "childrens-programme-board"))["assurance"] == []
        before = await _pack(auditor, "csmt", "period=2016/17&as_at=2016-09-30")
        assert before["assurance"] == []  # carried out after the date the pack is as at
        next_year = await _pack(auditor, "csmt", "period=2017/18")
        assert [a["carried_out_on"] for a in next_year["assurance"]] == ["2017-04-20"]

    async def test_a_pack_as_known_before_an_activity_was_recorded_leaves_it_out(
        self, auditor: AsyncClient, loaded: Tally
    ) -> None:
        await _record(auditor, _body("case_file_audit"))
        assert (await _pack(auditor, "csmt", "period=2016/17&known_at=2020-01-01T00:00:00Z"))["assurance"] == []
        assert len((await _pack(auditor, "csmt"))["assurance"]) == 1

    async def test_every_format_shows_the_section(self, auditor: AsyncClient, loaded: Tally) -> None:
        await _record(
            auditor,
            _body(
                "practice_observation",
                grading="requires_improvement",
                themes=["Drift and delay"],
                actions=[{"action": TOXIC_TRIO, "relation": "evidences"}],
            ),
        )
        url = "/api/v1/governance-bodies/csmt/pack?period=2016/17&format="
        html = (await auditor.get(url + "html")).text
        assert "Assurance programme" in html
        assert "Practice observation (CP Conference)" in html
        assert "Requires improvement" in html
        assert "drift and delay" in html
        assert "Evidences: Thematic review and focus on toxic trio" in html
        assert "1 assurance activity (audits, observations, reviews and visits) in the period" in html
        table = (await auditor.get(url + "csv")).content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(table)))
        [row] = [row for row in rows if row["section"] == "assurance"]
        assert (row["title"], row["rating"], row["owner_or_lead"]) == (
            "Practice observation (CP Conference)",
            "Requires improvement",
            "Service manager",
        )
        assert "Team: Reviewing Unit" in row["note"]
        book = load_workbook(io.BytesIO((await auditor.get(url + "xlsx")).content))
        assert "Assurance" in book.sheetnames
        sheet = book["Assurance"]
        assert sheet["A2"].value == "Practice observation (CP Conference)"
        pdf = await auditor.get(url + "pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
