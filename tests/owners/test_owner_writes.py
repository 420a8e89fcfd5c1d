"""Creating, changing and archiving owners: ETags, If-Match, scopes, the audit trail and the list filters."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from api import db
from api.audit.models import AuditEvent
from api.auth.models import Scope
from tests.asserts import assert_page, assert_problem
from tests.factories import Scenario

NEW_OWNER: dict[str, Any] = {
    "key": "head-of-fostering",
    "code": "HoS Fostering",
    "full_name": "Head of Service, Fostering",
    "kind": "role",
    "parent": "AD SLAC",
    "aliases": ["Head of Fostering"],
    "note": "Named in the placement sufficiency rows.",
}
READ_ONLY_FIELDS = ("id", "version", "created_at", "updated_at", "archived_at")
KeyClient = Callable[..., Awaitable[AsyncClient]]


async def owner_events(key: str) -> Sequence[AuditEvent]:
    async with db.get_sessionmaker()() as session:
        statement = select(AuditEvent).where(AuditEvent.resource == "owner", AuditEvent.resource_key == key)
        return (await session.scalars(statement.order_by(AuditEvent.seq))).all()


async def etag_of(client: AsyncClient, key: str) -> str:
    response = await client.get(f"/api/v1/owners/{key}")
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


class TestCreateOwner:
    async def test_created_with_location_etag_and_parent(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.post("/api/v1/owners", json=NEW_OWNER)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == "/api/v1/owners/head-of-fostering"
        assert response.headers["ETag"] == '"1"'
        body = response.json()
        assert (body["parent"], body["version"], body["archived_at"]) == ("ad-slac", 1, None)
        assert body["name_inferred"] is False
        assert await etag_of(governor, "head-of-fostering") == '"1"'
        children = (await governor.get("/api/v1/owners/ad-slac")).json()["children"]
        assert [child["key"] for child in children] == ["head-of-fostering"]

    @pytest.mark.parametrize(
        ("change", "named"),
        [({"key": "dcs"}, "key 'dcs'"), ({"code": "DCS"}, "'DCS'"), ({"aliases": ["Ad EHPP"]}, "'Ad EHPP'")],
    )
    async def test_a_key_code_or_alias_already_in_use_is_409(
        self, governor: AsyncClient, scenario: Scenario, change: dict[str, Any], named: str
    ) -> None:
        assert_problem(await governor.post("/api/v1/owners", json=NEW_OWNER | change), 409, detail_contains=named)

    async def test_unknown_parent_is_422_naming_parent(self, governor: AsyncClient, scenario: Scenario) -> None:
        body = assert_problem(await governor.post("/api/v1/owners", json=NEW_OWNER | {"parent": "AD Nobody"}), 422)
        assert body["errors"][0]["loc"] == ["body", "parent"]

    @pytest.mark.parametrize("field", READ_ONLY_FIELDS)
    async def test_read_only_fields_are_refused(self, governor: AsyncClient, scenario: Scenario, field: str) -> None:
        body = assert_problem(await governor.post("/api/v1/owners", json=NEW_OWNER | {field: 7}), 422)
        assert ["body", field] in [error["loc"] for error in body["errors"]]
        assert (await governor.get("/api/v1/owners/head-of-fostering")).status_code == 404


class TestUpdateOwner:
    async def test_patch_with_etag_moves_the_version_on(self, governor: AsyncClient, scenario: Scenario) -> None:
        etag = await etag_of(governor, "ad-slac")
        change = {"full_name": "Assistant Director, Safeguarding and Looked After Children", "aliases": ["AD SLAC."]}
        response = await governor.patch("/api/v1/owners/ad-slac", json=change, headers={"If-Match": etag})
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"2"' != etag
        body = response.json()
        assert (body["full_name"], body["aliases"], body["version"]) == (change["full_name"], ["AD SLAC."], 2)
        assert await etag_of(governor, "ad-slac") == '"2"'

    async def test_without_if_match_is_428(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.patch("/api/v1/owners/ad-slac", json={"note": "x"})
        assert_problem(response, 428, detail_contains="If-Match")

    async def test_a_stale_etag_is_412(self, governor: AsyncClient, scenario: Scenario) -> None:
        etag = await etag_of(governor, "ad-slac")
        first = await governor.patch("/api/v1/owners/ad-slac", json={"note": "first"}, headers={"If-Match": etag})
        assert first.status_code == 200, first.text
        stale = await governor.patch("/api/v1/owners/ad-slac", json={"note": "second"}, headers={"If-Match": etag})
        assert_problem(stale, 412, detail_contains='"2"')
        assert (await governor.get("/api/v1/owners/ad-slac")).json()["note"] == "first"

    async def test_concurrent_patches_with_one_etag_one_wins(self, governor: AsyncClient, scenario: Scenario) -> None:
        etag = await etag_of(governor, "ad-slac")
        responses = await asyncio.gather(
            *(
                governor.patch("/api/v1/owners/ad-slac", json={"note": note}, headers={"If-Match": etag})
                for note in ("from the first writer", "from the second writer")
            )
        )
        assert sorted(response.status_code for response in responses) == [200, 412], [r.text for r in responses]
        winner = next(response for response in responses if response.status_code == 200).json()
        assert (await governor.get("/api/v1/owners/ad-slac")).json()["note"] == winner["note"]
        assert [event.action for event in await owner_events("ad-slac")] == ["update"]

    async def test_a_parent_cycle_is_422(self, governor: AsyncClient, scenario: Scenario) -> None:
        for key, parent in (("dcs", "AD SLAC"), ("dcs", "DCS")):
            response = await governor.patch(
                f"/api/v1/owners/{key}", json={"parent": parent}, headers={"If-Match": await etag_of(governor, key)}
            )
            body = assert_problem(response, 422)
            assert body["errors"] == [{"loc": ["body", "parent"], "msg": "would make a reporting cycle"}]

    async def test_parent_null_detaches(self, governor: AsyncClient, scenario: Scenario) -> None:
        headers = {"If-Match": await etag_of(governor, "ad-slac")}
        response = await governor.patch("/api/v1/owners/ad-slac", json={"parent": None}, headers=headers)
        assert response.json()["parent"] is None

    async def test_code_and_kind_cannot_be_emptied(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.patch("/api/v1/owners/ad-slac", json={"code": None, "kind": None})
        body = assert_problem(response, 422)
        assert [error["loc"] for error in body["errors"]] == [["body", "code"], ["body", "kind"]]

    @pytest.mark.parametrize("field", [*READ_ONLY_FIELDS, "key", "name_inferred"])
    async def test_read_only_fields_are_refused(self, governor: AsyncClient, scenario: Scenario, field: str) -> None:
        headers = {"If-Match": await etag_of(governor, "ad-slac")}
        body = assert_problem(await governor.patch("/api/v1/owners/ad-slac", json={field: 9}, headers=headers), 422)
        assert body["errors"][0]["loc"] == ["body", field]

    async def test_unknown_owner_is_404(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.patch("/api/v1/owners/nobody", json={"note": "x"}, headers={"If-Match": '"1"'})
        assert_problem(response, 404, detail_contains="owner")


class TestArchiveOwner:
    async def test_refused_while_it_owns_live_actions_or_leads_live_projects(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        headers = {"If-Match": await etag_of(governor, "ad-slac")}
        body = assert_problem(await governor.delete("/api/v1/owners/ad-slac", headers=headers), 409)
        assert "business improvement actions cin-step-down" in body["detail"]
        assert "transformation projects review-of-approach-to-lac" in body["detail"]
        assert body["business_improvement_actions"] == ["cin-step-down"]
        assert (await governor.get("/api/v1/owners/ad-slac")).json()["archived_at"] is None

    async def test_allowed_once_its_actions_are_archived(
        self, governor: AsyncClient, admin: AsyncClient, scenario: Scenario
    ) -> None:
        headers = {"If-Match": await etag_of(governor, "lscb")}
        assert_problem(await governor.delete("/api/v1/owners/lscb", headers=headers), 409, detail_contains="graded")
        action = (await admin.get("/api/v1/actions/cin-graded-care-profile-2")).headers["ETag"]
        archived = await admin.delete("/api/v1/actions/cin-graded-care-profile-2", headers={"If-Match": action})
        assert archived.status_code == 200, archived.text
        response = await governor.delete("/api/v1/owners/lscb", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["archived_at"] is not None

    async def test_archived_owner_leaves_the_list_but_stays_readable(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        response = await governor.delete("/api/v1/owners/dcs", headers={"If-Match": await etag_of(governor, "dcs")})
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"2"'
        assert "dcs" not in [o["key"] for o in assert_page(await governor.get("/api/v1/owners"), total=3)]
        every = assert_page(await governor.get("/api/v1/owners?include_archived=true"), total=4)
        assert [o["key"] for o in every if o["archived_at"]] == ["dcs"]
        again = await governor.delete("/api/v1/owners/dcs", headers={"If-Match": '"2"'})
        assert (again.status_code, again.headers["ETag"]) == (200, '"2"')

    async def test_needs_a_current_etag(self, governor: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await governor.delete("/api/v1/owners/dcs"), 428)
        assert_problem(await governor.delete("/api/v1/owners/dcs", headers={"If-Match": '"7"'}), 412)


class TestOwnerWriteAccess:
    async def test_without_a_key_is_401(self, anonymous: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await anonymous.post("/api/v1/owners", json=NEW_OWNER), 401)
        assert_problem(await anonymous.patch("/api/v1/owners/dcs", json={"note": "x"}), 401)

    async def test_a_read_only_key_is_403(self, client: AsyncClient, scenario: Scenario) -> None:
        assert_problem(await client.post("/api/v1/owners", json=NEW_OWNER), 403, detail_contains="governance:write")
        assert_problem(await client.delete("/api/v1/owners/dcs", headers={"If-Match": '"1"'}), 403)

    async def test_an_actions_key_is_403(self, key_client: KeyClient, scenario: Scenario) -> None:
        headers = {"If-Match": '"1"'}
        async with await key_client(Scope.read, Scope.actions_write) as writer:
            assert_problem(await writer.post("/api/v1/owners", json=NEW_OWNER), 403)
            assert_problem(await writer.patch("/api/v1/owners/dcs", json={"note": "x"}, headers=headers), 403)
            assert_problem(await writer.delete("/api/v1/owners/dcs", headers=headers), 403)


class TestOwnerAudit:
    async def test_every_write_is_audited_with_actor_and_changed_fields(
        self, governor: AsyncClient, scenario: Scenario
    ) -> None:
        assert (await governor.post("/api/v1/owners", json=NEW_OWNER | {"parent": None})).status_code == 201
        headers = {"If-Match": '"1"'}
        patched = await governor.patch("/api/v1/owners/head-of-fostering", json={"kind": "team"}, headers=headers)
        assert patched.status_code == 200, patched.text
        archived = await governor.delete("/api/v1/owners/head-of-fostering", headers={"If-Match": '"2"'})
        assert archived.status_code == 200, archived.text
        create, update, archive = await owner_events("head-of-fostering")
        assert (create.action, create.before, create.version) == ("create", None, 1)
        assert create.after is not None
        assert create.after["code"] == "HoS Fostering"
        assert (update.action, update.before, update.after, update.version) == (
            "update",
            {"kind": "role"},
            {"kind": "team"},
            2,
        )
        assert archive.action == "archive"
        assert archive.after is not None
        assert list(archive.after) == ["archived_at"]
        assert all("governance officer" in event.actor and event.api_key_id for event in (create, update, archive))

    async def test_a_patch_that_changes_nothing_is_not_audited(self, governor: AsyncClient, scenario: Scenario) -> None:
        response = await governor.patch("/api/v1/owners/dcs", json={"kind": "role"}, headers={"If-Match": '"1"'})
        assert (response.status_code, response.headers["ETag"]) == (200, '"1"')
        assert await owner_events("dcs") == []


class TestOwnerListFilters:
    async def test_updated_since(self, governor: AsyncClient, scenario: Scenario) -> None:
        since = {"updated_since": datetime.now(UTC).isoformat()}
        assert_page(await governor.get("/api/v1/owners", params=since), total=0)
        await governor.patch("/api/v1/owners/lscb", json={"note": "Statutory partnership"}, headers={"If-Match": '"1"'})
        changed = assert_page(await governor.get("/api/v1/owners", params=since), total=1)
        assert changed[0]["key"] == "lscb"

    async def test_updated_since_needs_a_time_zone(self, governor: AsyncClient) -> None:
        body = assert_problem(await governor.get("/api/v1/owners?updated_since=2016-04-01T00:00:00"), 422)
        assert body["errors"][0]["loc"] == ["query", "updated_since"]
