"""Meetings: one per body and date, their agenda (the packs issued for that date, and other items), ETags, grants
and the audit trail."""

from collections.abc import Awaitable, Callable
from typing import Any

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

CSMT_MEETING = {"body": "csmt", "meeting_date": "2016-10-12", "title": "CSMT", "location": "Municipal Buildings"}


async def _meeting(client: AsyncClient, **fields: object) -> dict[str, Any]:
    response = await client.post("/api/v1/meetings", json=CSMT_MEETING | fields)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/v1/meetings/{response.json()['id']}"
    body: dict[str, Any] = response.json()
    return body


class TestScheduling:
    async def test_a_body_has_one_meeting_a_date(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        assert (meeting["body"], meeting["meeting_date"], meeting["status"]) == ("csmt", "2016-10-12", "scheduled")
        again = await admin.post("/api/v1/meetings", json=CSMT_MEETING)
        assert_problem(again, 409, detail_contains=f"/api/v1/meetings/{meeting['id']}")
        other_body = await admin.post("/api/v1/meetings", json=CSMT_MEETING | {"body": "odg"})
        assert other_body.status_code == 201

    async def test_the_list_filters_by_body_and_dates(self, admin: AsyncClient, loaded: Tally) -> None:
        for body, day in (("csmt", "2016-09-14"), ("csmt", "2016-10-12"), ("odg", "2016-10-03")):
            await _meeting(admin, body=body, meeting_date=day)
        listed = (await admin.get("/api/v1/meetings?body=csmt")).json()
        assert [m["meeting_date"] for m in listed["items"]] == ["2016-10-12", "2016-09-14"]
        october = (await admin.get("/api/v1/meetings?from=2016-10-01&to=2016-10-31")).json()
        assert [(m["body"], m["meeting_date"]) for m in october["items"]] == [
            ("csmt", "2016-10-12"),
            ("odg", "2016-10-03"),
        ]
        assert_problem(await admin.get("/api/v1/meetings?when=2016"), 422)

    async def test_an_unknown_body_or_meeting(self, admin: AsyncClient, loaded: Tally) -> None:
        assert_problem(await admin.post("/api/v1/meetings", json=CSMT_MEETING | {"body": "nobody"}), 422)
        assert_problem(await admin.get("/api/v1/meetings/999"), 404)


class TestAgenda:
    async def test_the_agenda_is_the_packs_issued_to_the_body_for_the_date(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        issued = []
        for body, day in (
            ("csmt", "2016-10-12"),
            ("csmt", "2016-10-12"),
            ("csmt", "2016-11-09"),
            ("odg", "2016-10-12"),
        ):
            response = await admin.post(f"/api/v1/governance-bodies/{body}/packs", json={"meeting_date": day})
            assert response.status_code == 201, response.text
            issued.append(response.json()["id"])
        meeting = await _meeting(admin, agenda_items=["action:cin-implement-graded-care-profile-2"])
        packs = meeting["agenda"]["packs"]
        assert [(p["id"], p["version"]) for p in packs] == [(issued[1], 2), (issued[0], 1)]
        links = {link["format"]: link["href"] for link in packs[0]["links"]}
        assert set(links) == {"json", "csv", "html", "pdf", "xlsx"}
        assert (await admin.get(links["csv"])).status_code == 200
        items = meeting["agenda"]["items"]
        assert items == [{"ref": "action:cin-implement-graded-care-profile-2", "title": items[0]["title"]}]
        assert items[0]["title"]

    async def test_an_agenda_item_must_be_a_known_item(self, admin: AsyncClient, loaded: Tally) -> None:
        for bad in ("action:no-such-action", "nonsense", "procedure-change:never-proposed"):
            body = assert_problem(
                await admin.post("/api/v1/meetings", json=CSMT_MEETING | {"agenda_items": [bad]}), 422
            )
            assert body["errors"][0]["loc"] == ["body", "agenda_items", 0]
        assert (await admin.get("/api/v1/meetings")).json()["total"] == 0


class TestChanges:
    async def test_a_change_needs_the_current_etag_and_is_audited(self, admin: AsyncClient, loaded: Tally) -> None:
        meeting = await _meeting(admin)
        path = f"/api/v1/meetings/{meeting['id']}"
        read = await admin.get(path)
        assert read.headers["etag"] == '"1"'
        assert_problem(await admin.patch(path, json={"status": "held"}), 428)
        assert_problem(await admin.patch(path, json={"status": "held"}, headers={"If-Match": '"7"'}), 412)
        held = await admin.patch(path, json={"status": "held", "notes": "Quorate"}, headers={"If-Match": '"1"'})
        assert held.status_code == 200, held.text
        assert (held.json()["status"], held.headers["etag"]) == ("held", '"2"')
        events = (await admin.get("/api/v1/audit?resource=meeting")).json()["items"]
        assert [(e["action"], e["id"], e["version"]) for e in events] == [
            ("update", str(meeting["id"]), 2),
            ("create", str(meeting["id"]), 1),
        ]
        assert all(e["actor"].endswith("(administrator)") for e in events)
        changes = {(c["field"], c["before"], c["after"]) for c in events[0]["changes"]}
        assert changes == {("status", "scheduled", "held"), ("notes", None, "Quorate")}

    async def test_moving_a_meeting_onto_another_of_its_dates_is_refused(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        await _meeting(admin)
        other = await _meeting(admin, meeting_date="2016-11-09")
        moved = await admin.patch(
            f"/api/v1/meetings/{other['id']}", json={"meeting_date": "2016-10-12"}, headers={"If-Match": '"1"'}
        )
        assert_problem(moved, 409)


class TestGrants:
    async def test_an_owner_limited_key_writes_only_the_meetings_of_its_owners_bodies(
        self, key_client: Callable[..., Awaitable[AsyncClient]], admin: AsyncClient, loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["CSMT"]) as csmt_key:
            assert (await csmt_key.post("/api/v1/meetings", json=CSMT_MEETING)).status_code == 201
            odg = await csmt_key.post("/api/v1/meetings", json=CSMT_MEETING | {"body": "odg"})
            assert_problem(odg, 403, detail_contains="odg has no owner")
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["AD SLAC"]) as other:
            later = await other.post("/api/v1/meetings", json=CSMT_MEETING | {"meeting_date": "2016-11-09"})
            assert_problem(later, 403)
        async with await key_client(Scope.read, Scope.actions_write) as no_scope:
            assert_problem(await no_scope.post("/api/v1/meetings", json=CSMT_MEETING), 403)
        assert (await admin.get("/api/v1/meetings")).json()["total"] == 1
