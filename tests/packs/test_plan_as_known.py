"""Plans revisioned like figures: a pack as known at a past moment reads actions, projects and savings as they were
planned then; every plan's revisions can be read, with who recorded them and when."""

from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.factories import entered_at
from tests.packs.conftest import TOXIC_TRIO

GRADED_CARE = "cin-implement-graded-care-profile-2"
BEFORE_EDITS = "known_at=2016-10-01T00:00:00Z"


async def _pack(client: AsyncClient, body: str, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/governance-bodies/{body}/pack?{query}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _action(pack: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((a for area in pack["actions_by_focus_area"] for a in area["actions"] if a["key"] == key), None)


async def _patch(client: AsyncClient, url: str, body: dict[str, Any]) -> None:
    etag = (await client.get(url)).headers["etag"]
    response = await client.patch(url, json=body, headers={"If-Match": etag})
    assert response.status_code == 200, response.text


class TestActionPlans:
    async def test_each_change_is_a_revision_with_its_author(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = f"/api/v1/actions/{TOXIC_TRIO}"
        first = (await csmt.get(f"{url}/revisions")).json()["items"]
        assert [(r["revision"], r["recorded_by"], r["when"]) for r in first] == [(1, "seed", "Sep 2016")]
        await _patch(csmt, url, {"when": "Mar 2017", "who": ["CSMT", "AD SLAC"]})
        await _patch(csmt, url, {"when": "Mar 2017"})  # changes nothing: no revision
        revisions = (await csmt.get(f"{url}/revisions")).json()["items"]
        assert [(r["revision"], r["when"], r["due_date"], r["who"]) for r in revisions] == [
            (2, "Mar 2017", "2017-03-31", ["CSMT", "AD SLAC"]),
            (1, "Sep 2016", "2016-09-30", ["CSMT"]),
        ]
        assert revisions[0]["recorded_by"].endswith("(CSMT)")
        assert revisions[0]["recorded_at"] > revisions[1]["recorded_at"]
        assert_problem(await csmt.get("/api/v1/actions/no-such-action/revisions"), 404)

    async def test_a_pack_known_before_an_edit_reads_the_plan_as_it_was(
        self, client: AsyncClient, csmt: AsyncClient, loaded: Tally
    ) -> None:
        await entered_at(datetime(2016, 9, 1, tzinfo=UTC))  # the plan as loaded in September 2016
        await _patch(csmt, f"/api/v1/actions/{TOXIC_TRIO}", {"when": "Mar 2017"})  # re-planned today
        then = _action(await _pack(client, "csmt", f"as_at=2016-10-31&{BEFORE_EDITS}"), TOXIC_TRIO)
        now = _action(await _pack(client, "csmt", "as_at=2016-10-31"), TOXIC_TRIO)
        assert then is not None
        assert now is not None
        assert (then["due_text"], then["due_date"], then["overdue"]) == ("Sep 2016", "2016-09-30", True)
        assert (now["due_text"], now["due_date"], now["overdue"]) == ("Mar 2017", "2017-03-31", False)
        exceptions = await client.get(f"/api/v1/performance-exceptions?as_at=2016-11-15&{BEFORE_EDITS}")
        raised = {(e["rule"], e["item"]) for e in exceptions.json()["items"]}
        assert ("action-overdue-30-days", f"action:{TOXIC_TRIO}") in raised, "overdue as planned then"
        exceptions = await client.get("/api/v1/performance-exceptions?as_at=2016-11-15")
        raised = {(e["rule"], e["item"]) for e in exceptions.json()["items"]}
        assert ("action-overdue-30-days", f"action:{TOXIC_TRIO}") not in raised

    async def test_actions_made_or_archived_later_are_as_they_were(
        self, client: AsyncClient, csmt: AsyncClient, loaded: Tally
    ) -> None:
        await entered_at(datetime(2016, 9, 1, tzinfo=UTC))
        new: dict[str, Any] = {
            "key": "cin-private-fostering-audit",
            "focus_area": "children-in-need-of-help-and-protection",
            "what": "Audit private fostering arrangements",
            "when": "Jan 2017",
            "who": ["CSMT"],
        }
        assert (await csmt.post("/api/v1/actions", json=new)).status_code == 201
        url = f"/api/v1/actions/{GRADED_CARE}"
        archived = await csmt.delete(url, headers={"If-Match": (await csmt.get(url)).headers["etag"]})
        assert archived.status_code == 200
        then = await _pack(client, "csmt", f"as_at=2016-10-31&{BEFORE_EDITS}")
        now = await _pack(client, "csmt", "as_at=2016-10-31")
        assert _action(then, GRADED_CARE) is not None
        assert _action(then, new["key"]) is None
        assert _action(now, GRADED_CARE) is None
        assert _action(now, new["key"]) is not None
        revisions = (await csmt.get(f"{url}/revisions")).json()["items"]
        assert [(r["revision"], r["archived"]) for r in revisions] == [(2, True), (1, False)]
        counted = sum(len(area["actions"]) for area in then["actions_by_focus_area"])
        assert counted == sum(len(area["actions"]) for area in now["actions_by_focus_area"])


class TestProjectsAndSavings:
    async def test_savings_and_project_plans_as_known_then(
        self, client: AsyncClient, csmt: AsyncClient, loaded: Tally
    ) -> None:
        savings_url = "/api/v1/projects/lean-review/savings/FY2016-17"
        first = {"target_pence": 80_000_000, "forecast_pence": 80_000_000, "delivered_pence": 0}
        assert (await csmt.put(savings_url, json=first)).status_code in (200, 201)
        await entered_at(datetime(2016, 9, 1, tzinfo=UTC))
        later = {"target_pence": 80_000_000, "forecast_pence": 65_000_000, "delivered_pence": 20_000_000}
        assert (await csmt.put(savings_url, json=later)).status_code == 200
        await _patch(csmt, "/api/v1/projects/lean-review", {"deadline": "Dec 2017", "pid_status": "approved"})
        board = "childrens-programme-board"
        then = await _pack(client, board, f"period=2016/17&{BEFORE_EDITS}")
        now = await _pack(client, board, "period=2016/17")
        lean_then = next(p for p in then["projects"] if p["key"] == "lean-review")
        lean_now = next(p for p in now["projects"] if p["key"] == "lean-review")
        assert (lean_then["savings"]["forecast_pence"], lean_now["savings"]["forecast_pence"]) == (
            80_000_000,
            65_000_000,
        )
        assert lean_then["pid_status"] != "approved"
        assert (lean_now["pid_status"], lean_now["deadline_text"]) == ("approved", "Dec 2017")
        year = next(y for y in now["savings_by_year"] if y["financial_year"] == "FY2016-17")
        assert (year["label"], year["delivered_pence"]) == ("2016/17", 20_000_000)
        behind = {e["item"] for e in then["exceptions"] if e["rule"] == "project-behind-savings"}
        assert "project:lean-review" not in behind, "on forecast as known then"
        revisions = (await csmt.get(f"{savings_url}/revisions")).json()["items"]
        assert [(r["revision"], r["forecast_pence"]) for r in revisions][:2] == [
            (revisions[0]["revision"], 65_000_000),
            (revisions[0]["revision"] - 1, 80_000_000),
        ]
        projects = (await csmt.get("/api/v1/projects/lean-review/revisions")).json()["items"]
        assert (projects[0]["deadline"], projects[0]["pid_status"]) == ("Dec 2017", "approved")
        assert_problem(await csmt.get("/api/v1/projects/lean-review/savings/FY2030-31/revisions"), 404)
        assert_problem(await csmt.get("/api/v1/projects/lean-review/savings/2016/revisions"), 422)


class TestIssuedPacksKeepBothDates:
    async def test_an_issued_pack_records_as_at_and_known_at(
        self, governor: AsyncClient, csmt: AsyncClient, loaded: Tally
    ) -> None:
        await entered_at(datetime(2016, 9, 1, tzinfo=UTC))
        await _patch(csmt, f"/api/v1/actions/{TOXIC_TRIO}", {"when": "Mar 2017"})
        meeting = {
            "meeting_date": "2016-10-12",
            "period": "2016/17",
            "as_at": "2016-10-10",
            "known_at": "2016-10-11T17:00:00+01:00",
        }
        issued = await governor.post("/api/v1/governance-bodies/csmt/packs", json=meeting)
        assert issued.status_code == 201, issued.text
        assert (issued.json()["as_at"], issued.json()["known_at"]) == ("2016-10-10", "2016-10-11T16:00:00Z")
        pack = (await governor.get(issued.headers["location"])).json()
        assert (pack["as_at"], pack["known_at"]) == ("2016-10-10", "2016-10-11T16:00:00Z")
        toxic = _action(pack, TOXIC_TRIO)
        assert toxic is not None
        assert toxic["due_text"] == "Sep 2016", "the plan as known the evening before the meeting"
        listed = (await governor.get("/api/v1/governance-bodies/csmt/packs")).json()["items"]
        assert (listed[0]["as_at"], listed[0]["known_at"]) == ("2016-10-10", "2016-10-11T16:00:00Z")
        future = meeting | {"known_at": "2999-01-01T00:00:00Z"}
        assert_problem(await governor.post("/api/v1/governance-bodies/csmt/packs", json=future), 422)
