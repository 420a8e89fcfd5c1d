"""Procedure changes follow the strategy's route, read from the routing rules' steps: tested with the ODG (step 1),
then approved at CSMT (step 2); the decisions move their status, audited as their authors'."""

from collections.abc import Awaitable, Callable

from httpx import AsyncClient, Response

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

CHANGE = {
    "key": "missing-episodes",
    "title": "Record missing episodes on the day they end",
    "focus_area": "children-in-need-of-help-and-protection",
}
REF = "procedure-change:missing-episodes"


async def _meeting(client: AsyncClient, body: str, day: str) -> str:
    response = await client.post("/api/v1/meetings", json={"body": body, "meeting_date": day})
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


async def _decide(client: AsyncClient, meeting: str, outcome: str) -> Response:
    return await client.post(
        f"{meeting}/decisions",
        json={"text": f"{outcome.capitalize()}: missing episodes", "concerns": [REF], "procedure_outcome": outcome},
    )


async def _status(client: AsyncClient) -> str:
    return str((await client.get(f"/api/v1/procedure-changes/{CHANGE['key']}")).json()["status"])


class TestTheRoute:
    async def test_csmt_cannot_approve_a_change_the_odg_has_not_tested(self, admin: AsyncClient, loaded: Tally) -> None:
        assert (await admin.post("/api/v1/procedure-changes", json=CHANGE)).status_code == 201
        csmt = await _meeting(admin, "csmt", "2016-10-12")
        refused = await _decide(admin, csmt, "approved")
        assert_problem(refused, 409, detail_contains="no decision of a meeting of the ODG on or before 2016-10-12")
        assert await _status(admin) == "proposed"
        assert (await admin.get(f"{csmt}/decisions")).json()["total"] == 0
        odg = await _meeting(admin, "odg", "2016-10-03")
        tested = await _decide(admin, odg, "tested")
        assert tested.status_code == 201, tested.text
        assert await _status(admin) == "tested"
        approved = await _decide(admin, csmt, "approved")
        assert approved.status_code == 201, approved.text
        change = await admin.get(f"/api/v1/procedure-changes/{CHANGE['key']}")
        assert (change.json()["status"], change.headers["etag"]) == ("approved", '"3"')
        events = (await admin.get("/api/v1/audit?resource=procedure_change")).json()["items"]
        assert [e["action"] for e in events] == ["approve", "test", "create"]
        assert all(e["actor"].endswith("(administrator)") for e in events)
        assert_problem(await _decide(admin, csmt, "rejected"), 409, detail_contains="already approved")

    async def test_a_test_after_the_csmt_meeting_does_not_count(self, admin: AsyncClient, loaded: Tally) -> None:
        await admin.post("/api/v1/procedure-changes", json=CHANGE)
        csmt = await _meeting(admin, "csmt", "2016-10-12")
        await _decide(admin, await _meeting(admin, "odg", "2016-10-20"), "tested")
        assert_problem(await _decide(admin, csmt, "approved"), 409)

    async def test_the_route_is_the_routing_rules_not_code(self, admin: AsyncClient, loaded: Tally) -> None:
        await admin.post("/api/v1/procedure-changes", json=CHANGE)
        odg_rule = "/api/v1/routing-rules/procedure-changes-tested-with-odg"
        etag = (await admin.get(odg_rule)).headers["etag"]
        assert (await admin.delete(odg_rule, headers={"If-Match": etag})).status_code == 200
        approved = await _decide(admin, await _meeting(admin, "csmt", "2016-10-12"), "approved")
        assert approved.status_code == 201, approved.text

    async def test_a_body_off_the_route_cannot_move_a_change(self, admin: AsyncClient, loaded: Tally) -> None:
        await admin.post("/api/v1/procedure-changes", json=CHANGE)
        lscb = await _meeting(admin, "lscb", "2016-10-12")
        assert_problem(await _decide(admin, lscb, "tested"), 409, detail_contains="not on its route")
        csmt = await _meeting(admin, "csmt", "2016-10-12")
        assert_problem(await _decide(admin, csmt, "tested"), 409, detail_contains="last step")
        assert await _status(admin) == "proposed"

    async def test_a_rejected_change_must_be_tested_again(self, admin: AsyncClient, loaded: Tally) -> None:
        await admin.post("/api/v1/procedure-changes", json=CHANGE)
        await _decide(admin, await _meeting(admin, "odg", "2016-10-03"), "tested")
        csmt = await _meeting(admin, "csmt", "2016-10-12")
        await _decide(admin, csmt, "rejected")
        assert await _status(admin) == "rejected"
        assert_problem(await _decide(admin, csmt, "approved"), 409, detail_contains="rejected")

    async def test_an_outcome_needs_a_procedure_change_and_stays_as_recorded(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        await admin.post("/api/v1/procedure-changes", json=CHANGE)
        odg = await _meeting(admin, "odg", "2016-10-03")
        alone = {"text": "Tested", "concerns": ["kpi:neet-not-known-16-19"], "procedure_outcome": "tested"}
        assert_problem(await admin.post(f"{odg}/decisions", json=alone), 422)
        await _decide(admin, odg, "tested")
        dropped = await admin.patch(f"{odg}/decisions/1", json={"concerns": []}, headers={"If-Match": '"1"'})
        assert_problem(dropped, 409, detail_contains="Record a new decision")


class TestProcedureChanges:
    async def test_proposed_then_edited_with_if_match(self, admin: AsyncClient, loaded: Tally) -> None:
        created = await admin.post("/api/v1/procedure-changes", json=CHANGE)
        assert (created.status_code, created.json()["status"]) == (201, "proposed")
        assert_problem(await admin.post("/api/v1/procedure-changes", json=CHANGE), 409)
        path = created.headers["location"]
        assert_problem(await admin.patch(path, json={"title": "T"}), 428)
        edited = await admin.patch(path, json={"title": "Same-day missing records"}, headers={"If-Match": '"1"'})
        assert (edited.json()["title"], edited.headers["etag"]) == ("Same-day missing records", '"2"')
        assert_problem(await admin.patch(path, json={"status": "approved"}, headers={"If-Match": '"2"'}), 422)
        listed = (await admin.get("/api/v1/procedure-changes?status=proposed")).json()
        assert [c["key"] for c in listed["items"]] == ["missing-episodes"]
        unrouted = (await admin.get("/api/v1/routing/unrouted")).json()["items"]
        assert REF not in [item.get("item") for item in unrouted]

    async def test_an_owner_limited_key_may_not_propose_one(
        self, key_client: Callable[..., Awaitable[AsyncClient]], loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["CSMT"]) as limited:
            assert_problem(await limited.post("/api/v1/procedure-changes", json=CHANGE), 403)
