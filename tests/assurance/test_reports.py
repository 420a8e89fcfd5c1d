"""The assurance reports with known data: gradings by team and quarter (zeroes included), recurring themes written
two ways counted once, and the actions assurance raised with where their delivery stands."""

from typing import Any

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.assurance.test_activities import ACTIVITIES

REPORTS = "/api/v1/assurance-reports"
TOXIC_TRIO = "cin-thematic-review-toxic-trio"
REFERRALS = "cin-multi-agency-audits-of-referrals-to-social-care"
TEAMS = ["child-placement-team", "childrens-hub", "early-help-team", "reviewing-unit", "youth-offending-team"]


def _activity(kind: str, team: str | None, day: str, grading: str | None, *themes: str, **more: Any) -> dict[str, Any]:
    body = {"kind": kind, "team": team, "carried_out_on": day, "carried_out_by_role": "Service manager"}
    return body | {"grading": grading, "themes": list(themes)} | more


PROGRAMME = [
    _activity("case_file_audit", "reviewing-unit", "2016-05-10", "good", "Voice of the child"),
    _activity(
        "practice_observation",
        "reviewing-unit",
        "2016-05-20",
        "requires_improvement",
        "voice-of-the-child ",
        setting="lac_review",
    ),
    _activity("team_performance_review", "reviewing-unit", "2016-08-01", "good", "Drift"),
    _activity(
        "case_file_audit",
        "early-help-team",
        "2016-07-15",
        "inadequate",
        "VOICE OF THE CHILD",
        "Drift & delay",
        actions=[{"action": TOXIC_TRIO, "relation": "raises"}],
    ),
    _activity(
        "case_file_audit",
        "early-help-team",
        "2016-07-16",
        None,
        actions=[{"action": TOXIC_TRIO, "relation": "evidences"}],
    ),
    _activity(
        "multi_agency_audit",
        None,
        "2016-09-30",
        "outstanding",
        "Drift and delay",
        actions=[{"action": REFERRALS, "relation": "raises"}],
    ),
    _activity("member_visit", "childrens-hub", "2016-06-01", None, "Voice of the Child"),
    _activity("case_file_audit", "reviewing-unit", "2017-04-03", "good"),  # next year, outside the range asked for
]


@pytest.fixture
async def programme(auditor: AsyncClient, loaded: Tally) -> list[dict[str, Any]]:
    made = []
    for body in PROGRAMME:
        response = await auditor.post(ACTIVITIES, json=body)
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


def _counts(tally: dict[str, Any]) -> dict[str, int]:
    return {grade: count for grade, count in tally["counts"].items() if count} | {"not_graded": tally["not_graded"]}


class TestGradings:
    async def test_by_team_and_quarter_with_zeroes_and_totals(
        self, auditor: AsyncClient, programme: list[dict[str, Any]]
    ) -> None:
        response = await auditor.get(f"{REPORTS}/gradings", params={"from": "2016-04-01", "to": "2016-09-30"})
        assert response.status_code == 200, response.text
        report = response.json()
        assert [q["code"] for q in report["quarters"]] == ["FY2016-17-Q1", "FY2016-17-Q2"]
        assert [q["label"] for q in report["quarters"]] == ["2016/17 Q1", "2016/17 Q2"]
        assert "member_visit" not in report["kinds"]
        teams = {team["team"]: team for team in report["teams"]}
        assert sorted(key for key in teams if key) == TEAMS  # every team, those with nothing too
        assert teams[None]["team_name"] == "Across teams (LSCB-led)"
        reviewing = [_counts(q) for q in teams["reviewing-unit"]["quarters"]]
        assert reviewing == [{"good": 1, "requires_improvement": 1, "not_graded": 0}, {"good": 1, "not_graded": 0}]
        early_help = [_counts(q) for q in teams["early-help-team"]["quarters"]]
        assert early_help == [{"not_graded": 0}, {"inadequate": 1, "not_graded": 1}]
        assert teams["child-placement-team"]["quarters"][0]["counts"] == {
            "outstanding": 0,
            "good": 0,
            "requires_improvement": 0,
            "inadequate": 0,
        }
        assert _counts(teams[None]["total"]) == {"outstanding": 1, "not_graded": 0}
        assert [_counts(q) for q in report["by_quarter"]] == [
            {"good": 1, "requires_improvement": 1, "not_graded": 0},
            {"outstanding": 1, "good": 1, "inadequate": 1, "not_graded": 1},
        ]
        assert (report["total"]["graded"], report["total"]["not_graded"]) == (5, 1)

    async def test_one_kind_and_the_default_range(self, auditor: AsyncClient, programme: list[dict[str, Any]]) -> None:
        visits = (await auditor.get(f"{REPORTS}/gradings", params={"kind": "member_visit", "to": "2016-06-30"})).json()
        assert visits["kinds"] == ["member_visit"]
        assert (visits["total"]["graded"], visits["total"]["not_graded"]) == (0, 1)
        audits = (await auditor.get(f"{REPORTS}/gradings", params={"kind": "case_file_audit"})).json()
        assert (audits["from_date"], audits["to_date"]) == ("2016-05-10", "2017-04-03")  # the earliest and latest
        assert [q["code"] for q in audits["quarters"]][::4] == ["FY2016-17-Q1", "FY2017-18-Q1"]
        assert audits["total"]["graded"] == 3

    async def test_an_archived_activity_is_not_counted(
        self, auditor: AsyncClient, programme: list[dict[str, Any]]
    ) -> None:
        first = programme[0]
        archived = await auditor.delete(f"{ACTIVITIES}/{first['id']}", headers={"If-Match": f'"{first["version"]}"'})
        assert archived.status_code == 200
        report = (await auditor.get(f"{REPORTS}/gradings", params={"from": "2016-04-01", "to": "2016-09-30"})).json()
        assert report["total"]["graded"] == 4

    async def test_a_bad_range_is_a_422(self, auditor: AsyncClient, loaded: Tally) -> None:
        assert_problem(await auditor.get(f"{REPORTS}/gradings", params={"from": "2017-01-01", "to": "2016-01-01"}), 422)
        assert_problem(await auditor.get(f"{REPORTS}/gradings", params={"from": "1990-01-01", "to": "2016-01-01"}), 422)
        assert_problem(await auditor.get(f"{REPORTS}/gradings", params={"kind": "home_visit"}), 422)


class TestThemes:
    async def test_a_theme_written_several_ways_counts_once(
        self, auditor: AsyncClient, programme: list[dict[str, Any]]
    ) -> None:
        report = (await auditor.get(f"{REPORTS}/themes", params={"to": "2016-12-31"})).json()
        themes = {item["theme"]: item for item in report["items"]}
        assert list(themes) == ["voice-of-the-child", "drift-and-delay"]  # the most often found first; drift once
        voice = themes["voice-of-the-child"]
        assert voice["count"] == 4
        assert voice["kinds"] == ["case_file_audit", "practice_observation", "member_visit"]
        assert voice["teams"] == ["childrens-hub", "early-help-team", "reviewing-unit"]
        assert (voice["first_seen"], voice["last_seen"]) == ("2016-05-10", "2016-07-15")
        assert themes["drift-and-delay"]["count"] == 2
        assert themes["drift-and-delay"]["teams"] == ["early-help-team"]
        everything = (await auditor.get(f"{REPORTS}/themes", params={"min_count": 1})).json()
        assert {item["theme"] for item in everything["items"]} == {"voice-of-the-child", "drift-and-delay", "drift"}
        audits = (await auditor.get(f"{REPORTS}/themes", params={"kind": "case_file_audit", "min_count": 1})).json()
        assert [(item["theme"], item["count"]) for item in audits["items"]] == [
            ("voice-of-the-child", 2),
            ("drift-and-delay", 1),
        ]


class TestActions:
    async def test_actions_arising_with_their_progress(
        self, auditor: AsyncClient, admin: AsyncClient, programme: list[dict[str, Any]]
    ) -> None:
        update = {"status": "at_risk", "rag": "amber", "percent_complete": 40, "as_of": "2016-09-30"}
        assert (await admin.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=update)).status_code == 201
        report = (await auditor.get(f"{REPORTS}/actions")).json()
        items = {item["action"]: item for item in report["items"]}
        assert set(items) == {TOXIC_TRIO, REFERRALS}
        trio = items[TOXIC_TRIO]
        assert (trio["status"], trio["rag"], trio["percent_complete"], trio["last_update_on"]) == (
            "at_risk",
            "amber",
            40,
            "2016-09-30",
        )
        assert trio["owners"] == ["CSMT"]
        action = (await admin.get(f"/api/v1/actions/{TOXIC_TRIO}")).json()
        assert (trio["overdue"], trio["stale"]) == (action["overdue"], action["stale"])  # tracking's own judgement
        assert trio["overdue"] is True  # due Sep 2016 and not complete
        assert [(a["relation"], a["carried_out_on"]) for a in trio["activities"]] == [
            ("evidences", "2016-07-16"),
            ("raises", "2016-07-15"),
        ]
        assert items[REFERRALS]["status"] == "not_started"
        assert items[REFERRALS]["rag"] is None
        done = {"status": "complete", "rag": "green", "percent_complete": 100, "as_of": "2016-10-31"}
        assert (await admin.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=done)).status_code == 201
        after = {item["action"]: item for item in (await auditor.get(f"{REPORTS}/actions")).json()["items"]}
        assert (after[TOXIC_TRIO]["status"], after[TOXIC_TRIO]["overdue"]) == ("complete", False)
        raised = (await auditor.get(f"{REPORTS}/actions", params={"relation": "evidences"})).json()
        assert [item["action"] for item in raised["items"]] == [TOXIC_TRIO]
        none = (await auditor.get(f"{REPORTS}/actions", params={"to": "2016-01-01"})).json()
        assert none["items"] == []
