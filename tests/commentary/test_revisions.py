"""Editing and withdrawing commentary: If-Match, a revision for each write with who made it, the audit trail."""

import asyncio
from typing import Any

from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.commentary.conftest import ACTION, KPI, KPI_COMMENTARIES, update_commentaries

FIRST = "Not known fell after tracking"
SECOND = "Not known fell after tracking; NEET is the focus now"


async def _written(client: AsyncClient, text: str = FIRST) -> str:
    response = await client.post(KPI_COMMENTARIES, json={"period": "FY2016-17", "text": text})
    assert response.status_code == 201, response.text
    return str(response.headers["location"])


class TestEdit:
    async def test_needs_if_match_and_a_current_one(self, submitter: AsyncClient, loaded: Tally) -> None:
        url = await _written(submitter)
        assert_problem(await submitter.put(url, json={"text": SECOND}), 428, detail_contains=f"GET {url}")
        assert_problem(await submitter.put(url, json={"text": SECOND}, headers={"If-Match": '"7"'}), 412)
        assert (await submitter.get(url)).json()["text"] == FIRST

    async def test_an_edit_is_revision_2_and_the_revisions_show_both_with_their_writers(
        self, submitter: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        url = await _written(submitter)
        edited = await admin.put(url, json={"text": SECOND}, headers={"If-Match": '"1"'})
        assert edited.status_code == 200, edited.text
        assert edited.headers["etag"] == '"2"'
        body = edited.json()
        assert (body["text"], body["revision"]) == (SECOND, 2)
        assert body["created_by"].endswith("(performance officer)")
        assert body["updated_by"].endswith("(administrator)"), "any key that may write about the KPI may edit"
        revisions = assert_page(await submitter.get(f"{url}/revisions"), total=2, limit=2)
        assert [(r["revision"], r["text"], r["withdrawn"]) for r in revisions] == [
            (1, FIRST, False),
            (2, SECOND, False),
        ]
        assert [r["recorded_by"] for r in revisions] == [body["created_by"], body["updated_by"]]
        assert revisions[0]["recorded_at"] == body["created_at"]
        assert revisions[1]["recorded_at"] == body["updated_at"]
        assert_problem(await submitter.put(url, json={"text": "late"}, headers={"If-Match": '"1"'}), 412)

    async def test_the_same_text_changes_nothing(self, submitter: AsyncClient, loaded: Tally) -> None:
        url = await _written(submitter)
        same = await submitter.put(url, json={"text": f" {FIRST} "}, headers={"If-Match": '"1"'})
        assert same.status_code == 200, same.text
        assert same.headers["etag"] == '"1"'
        assert_page(await submitter.get(f"{url}/revisions"), total=1, limit=1)

    async def test_unknown_fields_and_bad_text_are_422(self, submitter: AsyncClient, loaded: Tally) -> None:
        url = await _written(submitter)
        for body, field in (
            ({"text": SECOND, "period": "FY2015-16"}, "period"),
            ({"text": SECOND, "created_by": "someone"}, "created_by"),
            ({"text": "a\x00b"}, "text"),
            ({"text": "x" * 4001}, "text"),
            ({"text": ""}, "text"),
        ):
            problem = assert_problem(await submitter.put(url, json=body, headers={"If-Match": '"1"'}), 422)
            assert problem["errors"][0]["loc"] == ["body", field]
        assert_problem(await submitter.put("/api/v1/commentaries/999999", json={"text": SECOND}), 404)

    async def test_of_writers_holding_one_etag_exactly_one_wins(self, submitter: AsyncClient, loaded: Tally) -> None:
        url = await _written(submitter)
        answers = await asyncio.gather(
            *(submitter.put(url, json={"text": f"take {n}"}, headers={"If-Match": '"1"'}) for n in range(5))
        )
        assert sorted(answer.status_code for answer in answers) == [200, 412, 412, 412, 412]
        [winner] = [answer.json()["text"] for answer in answers if answer.status_code == 200]
        assert (await submitter.get(url)).json()["text"] == winner
        assert_page(await submitter.get(f"{url}/revisions"), total=2, limit=2)


class TestWithdraw:
    async def test_withdrawn_commentary_leaves_lists_but_stays_readable(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _written(submitter)
        assert_problem(await submitter.delete(url), 428)
        assert_problem(await submitter.delete(url, headers={"If-Match": '"2"'}), 412)
        withdrawn = await submitter.delete(url, headers={"If-Match": '"1"'})
        assert withdrawn.status_code == 200, withdrawn.text
        assert withdrawn.headers["etag"] == '"2"'
        body = withdrawn.json()
        assert body["withdrawn_at"] is not None
        assert (body["text"], body["revision"]) == (FIRST, 2)
        assert_page(await submitter.get(KPI_COMMENTARIES), total=0)
        listed = assert_page(await submitter.get(KPI_COMMENTARIES, params={"include_withdrawn": "true"}), total=1)
        assert listed == [body]
        assert (await submitter.get(url)).json() == body
        revisions = assert_page(await submitter.get(f"{url}/revisions"), total=2, limit=2)
        assert [(r["text"], r["withdrawn"]) for r in revisions] == [(FIRST, False), (FIRST, True)]

    async def test_withdrawing_again_changes_nothing_and_editing_is_refused(
        self, submitter: AsyncClient, loaded: Tally
    ) -> None:
        url = await _written(submitter)
        first = await submitter.delete(url, headers={"If-Match": '"1"'})
        again = await submitter.delete(url, headers={"If-Match": '"2"'})
        assert again.status_code == 200
        assert again.json() == first.json()
        assert again.headers["etag"] == '"2"'
        assert_problem(await submitter.put(url, json={"text": SECOND}, headers={"If-Match": '"2"'}), 409)
        assert_page(await submitter.get(f"{url}/revisions"), total=2, limit=2)


class TestAudit:
    async def test_every_write_is_audited_with_its_author(
        self, submitter: AsyncClient, csmt: AsyncClient, admin: AsyncClient, action_update: int
    ) -> None:
        url = await _written(submitter)
        commentary_id = url.rsplit("/", 1)[-1]
        await submitter.put(url, json={"text": SECOND}, headers={"If-Match": '"1"'})
        await submitter.delete(url, headers={"If-Match": '"2"'})
        events = assert_page(
            await submitter.get("/api/v1/audit", params={"resource": "commentary", "id": commentary_id}), total=3
        )
        assert [(e["action"], e["version"]) for e in events] == [("withdraw", 3), ("update", 2), ("create", 1)]
        assert {e["actor"] for e in events} == {(await submitter.get(url)).json()["created_by"]}
        changes = {e["action"]: {c["field"]: (c["before"], c["after"]) for c in e["changes"]} for e in events}
        assert changes["create"] == {"kpi": (None, KPI), "period": (None, "FY2016-17"), "text": (None, FIRST)}
        assert changes["update"] == {"text": (FIRST, SECOND)}
        assert list(changes["withdraw"]) == ["withdrawn_at"]
        on_update = await csmt.post(update_commentaries("actions", ACTION, action_update), json={"text": "Slipped"})
        [event] = assert_page(
            await admin.get("/api/v1/audit", params={"resource": "commentary", "id": str(on_update.json()["id"])}),
            total=1,
        )
        created: dict[str, Any] = {c["field"]: c["after"] for c in event["changes"]}
        assert created == {"action": ACTION, "progress_update_id": action_update, "text": "Slipped"}
        assert event["actor"].endswith("(CSMT)")

    async def test_idempotency_key_replays_a_create(self, csmt: AsyncClient, action_update: int) -> None:
        url = update_commentaries("actions", ACTION, action_update)
        headers = {"Idempotency-Key": "comment-once"}
        first = await csmt.post(url, json={"text": "Slipped"}, headers=headers)
        again = await csmt.post(url, json={"text": "Slipped"}, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert (again.status_code, again.json(), again.headers["location"]) == (
            201,
            first.json(),
            first.headers["location"],
        )
        assert_page(await csmt.get(url), total=1)
        assert_problem(await csmt.post(url, json={"text": "Recovered"}, headers=headers), 422)
