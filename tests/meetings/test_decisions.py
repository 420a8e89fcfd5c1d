"""A meeting's decisions log: the items a decision concerns, the actions arising (existing or new, with owners and
due dates, visible on the action), corrections by PATCH with If-Match, grants and the audit trail."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

ACTION = "cin-implement-graded-care-profile-2"  # owned by the LSCB
NEW_ACTION = {
    "key": "cin-private-fostering-audit",
    "focus_area": "children-in-need-of-help-and-protection",
    "what": "Audit private fostering arrangements",
    "when": "Jan 2017",
    "who": ["AD SLAC"],
}
DECISION = {
    "text": "Audit private fostering before the LSCB's next meeting",
    "reasons": "Two notifications were late this quarter",
    "concerns": ["kpi:neet-not-known-16-19", f"action:{ACTION}"],
    "actions_arising": [{"new": NEW_ACTION}, {"action": ACTION}],
}


async def _meeting(client: AsyncClient, body: str = "csmt", day: str = "2016-10-12") -> str:
    response = await client.post("/api/v1/meetings", json={"body": body, "meeting_date": day})
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


async def _audit(admin: AsyncClient, resource: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await admin.get(f"/api/v1/audit?resource={resource}")).json()["items"]
    return items


class TestRecording:
    async def test_a_decision_records_its_items_and_the_actions_arising(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        meeting = await _meeting(admin)
        recorded = await admin.post(f"{meeting}/decisions", json=DECISION)
        assert recorded.status_code == 201, recorded.text
        assert recorded.headers["location"] == f"{meeting}/decisions/1"
        decision = recorded.json()
        assert (decision["number"], decision["concerns"]) == (1, DECISION["concerns"])
        arising = [(a["key"], [o["code"] for o in a["owners"]], a["due_date"]) for a in decision["actions_arising"]]
        assert arising[0] == ("cin-private-fostering-audit", ["AD SLAC"], "2017-01-31")
        assert arising[1][0] == ACTION
        action = (await admin.get("/api/v1/actions/cin-private-fostering-audit")).json()
        assert (action["due_date"], [o["code"] for o in action["owners"]]) == ("2017-01-31", ["AD SLAC"])
        found = (await admin.get("/api/v1/decisions?action=cin-private-fostering-audit")).json()["items"]
        assert [(d["body"], d["meeting_date"], d["number"]) for d in found] == [("csmt", "2016-10-12", 1)]
        about = (await admin.get("/api/v1/decisions", params={"item": "kpi:neet-not-known-16-19"})).json()
        assert about["total"] == 1
        second = await admin.post(f"{meeting}/decisions", json={"text": "Note the NEET figures"})
        assert second.json()["number"] == 2
        detail = await admin.get(meeting)
        assert [d["number"] for d in detail.json()["decisions"]] == [1, 2]
        assert detail.headers["etag"] == '"3"', "each decision recorded moves the meeting's version on"
        [made] = await _audit(admin, "action")
        logged = (await _audit(admin, "decision"))[-1]
        assert (made["action"], made["id"]) == ("create", "cin-private-fostering-audit")
        assert made["actor"] == logged["actor"]
        assert made["actor"].endswith("(administrator)")

    async def test_an_action_arising_needs_owners_and_a_due_date(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        for missing in ("who", "when"):
            new = {name: value for name, value in NEW_ACTION.items() if name != missing}
            refused = await admin.post(f"{meeting}/decisions", json=DECISION | {"actions_arising": [{"new": new}]})
            assert_problem(refused, 422)
        both = await admin.post(f"{meeting}/decisions", json={"text": "t", "actions_arising": [{}]})
        assert_problem(both, 422)
        assert (await admin.get("/api/v1/actions/cin-private-fostering-audit")).status_code == 404

    async def test_unknown_items_and_actions_are_refused_and_nothing_is_written(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        meeting = await _meeting(admin)
        unknown_item = await admin.post(f"{meeting}/decisions", json=DECISION | {"concerns": ["kpi:no-such-kpi"]})
        assert assert_problem(unknown_item, 422)["errors"][0]["loc"] == ["body", "concerns", 0]
        unknown_action = DECISION | {"actions_arising": [{"new": NEW_ACTION}, {"action": "no-such-action"}]}
        refused = assert_problem(await admin.post(f"{meeting}/decisions", json=unknown_action), 422)
        assert refused["errors"][0]["loc"] == ["body", "actions_arising", 1, "action"]
        assert (await admin.get("/api/v1/actions/cin-private-fostering-audit")).status_code == 404, "rolled back"
        assert (await admin.get(f"{meeting}/decisions")).json()["total"] == 0
        assert_problem(await admin.post("/api/v1/meetings/999/decisions", json={"text": "t"}), 404)

    async def test_a_cancelled_meeting_takes_no_decisions(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        await admin.patch(meeting, json={"status": "cancelled"}, headers={"If-Match": '"1"'})
        assert_problem(await admin.post(f"{meeting}/decisions", json={"text": "t"}), 409, detail_contains="cancelled")

    async def test_a_meeting_that_decided_things_cannot_be_cancelled(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        await admin.post(f"{meeting}/decisions", json={"text": "Note the figures"})
        cancelled = await admin.patch(meeting, json={"status": "cancelled"}, headers={"If-Match": '"2"'})
        assert_problem(cancelled, 409, detail_contains="cannot be cancelled")


class TestRetriesAndRaces:
    async def test_a_retried_decision_is_recorded_once_with_its_new_action(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        meeting = await _meeting(admin)
        headers = {"Idempotency-Key": "decision-1"}
        first = await admin.post(f"{meeting}/decisions", json=DECISION, headers=headers)
        again = await admin.post(f"{meeting}/decisions", json=DECISION, headers=headers)
        assert (first.status_code, again.status_code, again.headers["idempotent-replayed"]) == (201, 201, "true")
        assert again.json() == first.json()
        assert (await admin.get(f"{meeting}/decisions")).json()["total"] == 1
        assert len(await _audit(admin, "action")) == 1

    async def test_decisions_recorded_at_once_are_numbered_in_turn(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        answers = await asyncio.gather(
            *(admin.post(f"{meeting}/decisions", json={"text": f"Decision {n}"}) for n in range(3))
        )
        assert sorted(answer.json()["number"] for answer in answers) == [1, 2, 3]
        assert (await admin.get(meeting)).headers["etag"] == '"4"'


class TestCorrecting:
    async def test_a_decision_is_corrected_with_if_match_and_audited(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        await admin.post(f"{meeting}/decisions", json=DECISION)
        path = f"{meeting}/decisions/1"
        assert (await admin.get(path)).headers["etag"] == '"1"'
        correction = {"text": "Audit private fostering by January", "actions_arising": [{"action": ACTION}]}
        assert_problem(await admin.patch(path, json=correction), 428)
        corrected = await admin.patch(path, json=correction, headers={"If-Match": '"1"'})
        assert corrected.status_code == 200, corrected.text
        assert corrected.headers["etag"] == '"2"'
        assert [a["key"] for a in corrected.json()["actions_arising"]] == [ACTION]
        assert_problem(await admin.patch(path, json={"reasons": "r"}, headers={"If-Match": '"1"'}), 412)
        update = (await _audit(admin, "decision"))[0]
        assert (update["action"], update["id"], update["version"]) == ("update", meeting.rsplit("/", 1)[1] + "/1", 2)
        fields = {change["field"] for change in update["changes"]}
        assert fields == {"text", "actions_arising"}
        assert (await admin.get("/api/v1/actions/cin-private-fostering-audit")).status_code == 200, "never deleted"

    async def test_an_unchanged_correction_writes_nothing(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        await admin.post(f"{meeting}/decisions", json={"text": "Note the figures"})
        same = await admin.patch(
            f"{meeting}/decisions/1", json={"text": "Note the figures"}, headers={"If-Match": '"1"'}
        )
        assert same.headers["etag"] == '"1"'
        assert len(await _audit(admin, "decision")) == 1


class TestGrants:
    async def test_an_owner_limited_key_raises_actions_only_for_its_owners(
        self, key_client: Callable[..., Awaitable[AsyncClient]], admin: AsyncClient, loaded: Tally
    ) -> None:
        meeting = await _meeting(admin)
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["CSMT", "AD SLAC"]) as clerk:
            own = await clerk.post(f"{meeting}/decisions", json=DECISION | {"actions_arising": [{"new": NEW_ACTION}]})
            assert own.status_code == 201, own.text
            lscb = await clerk.post(f"{meeting}/decisions", json=DECISION | {"actions_arising": [{"action": ACTION}]})
            assert_problem(lscb, 403)
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["AD SLAC"]) as other:
            assert_problem(await other.post(f"{meeting}/decisions", json={"text": "t"}), 403)
        assert (await admin.get(f"{meeting}/decisions")).json()["total"] == 1
