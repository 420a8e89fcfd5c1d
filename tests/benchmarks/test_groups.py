"""/comparator-groups over DfE's places: the built-in groups worked out for a local authority when read, and a
council's own groups written with ETags and If-Match, audited as their author, and refused where they are wrong."""

import csv
from collections.abc import Sequence
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update

from api import db
from api.audit.models import AuditEvent
from api.auth.models import Scope
from api.kpis.models import Scope as Place
from tests.asserts import assert_page, assert_problem
from tests.benchmarks.conftest import places
from tests.dfe import DFE_DIR
from tests.factories import Rows, restore_snapshot
from tests.kpis.test_kpi_writes import KeyClient, etag_of

GROUPS = "/api/v1/comparator-groups"
TEES = f"{GROUPS}/tees-valley"
TEES_VALLEY: dict[str, Any] = {
    "key": "tees-valley",
    "name": "Tees Valley",
    "description": "The five boroughs of the Tees Valley Combined Authority",
    # each place by another of its names: key, GSS code, old LA number, name
    "members": ["hartlepool", "E06000002", "807", "Darlington", "stockton-on-tees"],
}
TEES_KEYS = ["hartlepool", "middlesbrough", "redcar-and-cleveland", "darlington", "stockton-on-tees"]
BUILT_IN = [
    "england",
    "region",
    "statistical-neighbours-2021",
    "statistical-neighbours-2025",
    "all-local-authorities",
]


@pytest.fixture
async def clean_tables(clean_tables: None, published: Rows) -> None:
    """Every test starts from the strategy, DfE's places and D3's figures."""
    await restore_snapshot(published)


def _neighbour_codes(file_name: str, first: int, code: str) -> list[str]:
    with (DFE_DIR / file_name).open(encoding="utf-8-sig", newline="") as file:
        [row] = [row for row in csv.reader(file) if row[0] == code]
    return [row[first + 2 * n] for n in range(10)]


def _names_of(codes: Sequence[str]) -> list[str]:
    by_number = {place.old_la_code: place.name for place in places() if place.old_la_code}
    return [by_number[code] for code in codes]


async def _detail(client: AsyncClient, key: str, **params: str) -> dict[str, Any]:
    response = await client.get(f"{GROUPS}/{key}", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _events() -> list[AuditEvent]:
    async with db.get_sessionmaker()() as session:
        statement = select(AuditEvent).where(AuditEvent.resource == "comparator_group").order_by(AuditEvent.seq)
        return list((await session.scalars(statement)).all())


async def _create(governor: AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await governor.post(GROUPS, json=TEES_VALLEY | changes)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class TestBuiltInGroups:
    async def test_listed_for_the_borough_then_the_councils_own(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        await _create(governor)
        items = assert_page(await client.get(GROUPS), total=6)
        assert [item["key"] for item in items] == [*BUILT_IN, "tees-valley"]
        assert [item["member_count"] for item in items] == [1, 12, 10, 10, 161, 5]
        assert [item["subject"] for item in items] == ["stockton-on-tees"] * 5 + [None]
        assert [item["built_in"] for item in items] == [True] * 5 + [False]
        assert [item["version"] for item in items] == [None] * 5 + [1]
        items = assert_page(await client.get(GROUPS, params={"limit": 2, "page": 3}), total=6, page=3, limit=2)
        assert [item["key"] for item in items] == ["all-local-authorities", "tees-valley"]

    async def test_statistical_neighbours_nearest_first_with_dfes_words(self, client: AsyncClient) -> None:
        for model, file_name, first in (
            ("2021", "New_Statistical_Neighbour_Groupings_April_2021.csv", 5),
            ("2025", "sn_model_2025_wide.csv", 4),
        ):
            codes = _neighbour_codes(file_name, first, "808")
            body = await _detail(client, f"statistical-neighbours-{model}")
            members = body["members"]
            assert [member["old_la_code"] for member in members] == codes
            assert [member["name"] for member in members] == _names_of(codes)
            assert all(member["closeness"] for member in members)
            assert (body["subject"], body["unmatched"], body["published"]) == ("stockton-on-tees", [], None)
        darlington = (await _detail(client, "statistical-neighbours-2025"))["members"][0]
        assert darlington == {
            "key": "darlington",
            "name": "Darlington",
            "gss_code": "E06000005",
            "old_la_code": "841",
            "closeness": "Very close",
        }

    async def test_england_region_and_every_local_authority(self, client: AsyncClient) -> None:
        england = await _detail(client, "england")
        assert ([m["key"] for m in england["members"]], england["published"]) == (["england"], "england")
        region = await _detail(client, "region")
        assert (region["name"], region["published"], len(region["members"])) == ("North East region", "north-east", 12)
        assert "stockton-on-tees" in [m["key"] for m in region["members"]]
        assert {m["gss_code"][:3] for m in region["members"]} == {"E06", "E08"}
        everyone = await _detail(client, "all-local-authorities")
        expected = sorted(place.name for place in places() if place.region_code)
        assert [m["name"] for m in everyone["members"]] == expected
        assert everyone["version"] is None

    async def test_worked_out_for_another_local_authority_named_any_way(self, client: AsyncClient) -> None:
        codes = _neighbour_codes("sn_model_2025_wide.csv", 4, "805")
        for name in ("hartlepool", "E06000001", "805", "HARTLEPOOL"):
            body = await _detail(client, "statistical-neighbours-2025", scope=name)
            assert body["subject"] == "hartlepool"
            assert [member["old_la_code"] for member in body["members"]] == codes
        camden = await _detail(client, "region", scope="Camden")
        assert (camden["published"], camden["name"]) == ("inner-london", "Inner London region")  # as D3 has it

    async def test_a_neighbour_no_scope_is_yet_is_listed_as_unmatched(self, client: AsyncClient) -> None:
        async with db.get_sessionmaker()() as session, session.begin():  # arranged: Darlington without its number
            await session.execute(update(Place).where(Place.key == "darlington").values(old_la_code=None))
        body = await _detail(client, "statistical-neighbours-2025")
        assert (len(body["members"]), body["member_count"], body["unmatched"]) == (9, 9, ["841"])

    async def test_the_subject_must_be_a_local_authority(self, client: AsyncClient) -> None:
        problem = assert_problem(await client.get(GROUPS, params={"scope": "north-east"}), 422)
        assert problem["errors"] == [{"loc": ["query", "scope"], "msg": "not a local authority in DfE's geography"}]
        assert_problem(await client.get(f"{GROUPS}/region", params={"scope": "nowhere"}), 404)

    async def test_built_in_groups_cannot_be_written(self, governor: AsyncClient) -> None:
        for key in BUILT_IN:
            headers = {"If-Match": "*"}
            patched = await governor.patch(f"{GROUPS}/{key}", json={"name": "Mine"}, headers=headers)
            assert_problem(patched, 409, detail_contains="built-in group")
            assert_problem(await governor.delete(f"{GROUPS}/{key}", headers=headers), 409, detail_contains="built-in")
            taken = await governor.post(GROUPS, json=TEES_VALLEY | {"key": key})
            assert_problem(taken, 409, detail_contains=f"'{key}' is a built-in group")
        assert await _events() == []


class TestCreate:
    async def test_created_from_members_named_any_way_and_audited_as_its_author(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        response = await governor.post(GROUPS, json=TEES_VALLEY)
        assert response.status_code == 201, response.text
        assert (response.headers["Location"], response.headers["ETag"]) == (TEES, '"1"')
        body = response.json()
        assert [member["key"] for member in body["members"]] == TEES_KEYS
        assert (body["built_in"], body["subject"], body["version"], body["member_count"]) == (False, None, 1, 5)
        assert "governance officer" in body["created_by"]
        read = await client.get(TEES)
        assert read.headers["ETag"] == '"1"'
        assert read.json() == body
        [event] = await _events()
        assert (event.action, event.resource_key, event.version) == ("create", "tees-valley", 1)
        assert event.after == {"name": "Tees Valley", "description": TEES_VALLEY["description"], "members": TEES_KEYS}
        assert "governance officer" in event.actor
        assert event.api_key_id is not None

    async def test_unknown_members_are_refused_naming_each(self, governor: AsyncClient) -> None:
        body = TEES_VALLEY | {"members": ["hartlepool", "Teesside", "999", "darlington"]}
        problem = assert_problem(await governor.post(GROUPS, json=body), 422, detail_contains="'Teesside', '999'")
        assert problem["errors"] == [
            {"loc": ["body", "members", 1], "msg": "no scope is named 'Teesside'"},
            {"loc": ["body", "members", 2], "msg": "no scope is named '999'"},
        ]
        assert_problem(await governor.get(TEES), 404)

    async def test_a_place_named_twice_is_refused(self, governor: AsyncClient) -> None:
        body = TEES_VALLEY | {"members": ["hartlepool", "darlington", "805"]}
        problem = assert_problem(await governor.post(GROUPS, json=body), 422)
        assert problem["errors"] == [{"loc": ["body", "members", 2], "msg": "names the same place as members[0]"}]

    async def test_a_key_in_use_is_409(self, governor: AsyncClient) -> None:
        await _create(governor)
        assert_problem(await governor.post(GROUPS, json=TEES_VALLEY), 409, detail_contains="already exists")

    @pytest.mark.parametrize(
        "body",
        [
            TEES_VALLEY | {"members": []},
            TEES_VALLEY | {"key": "Tees Valley"},
            TEES_VALLEY | {"name": ""},
            TEES_VALLEY | {"version": 3},
            {"key": "tees-valley", "name": "Tees Valley"},
        ],
    )
    async def test_a_bad_body_is_422(self, governor: AsyncClient, body: dict[str, Any]) -> None:
        assert_problem(await governor.post(GROUPS, json=body), 422)
        assert await _events() == []


class TestChange:
    async def test_members_replaced_with_if_match_move_the_etag(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        await _create(governor)
        response = await governor.patch(
            TEES, json={"members": ["Hartlepool", "Middlesbrough"]}, headers=await etag_of(governor, TEES)
        )
        assert response.status_code == 200, response.text
        assert (response.headers["ETag"], response.json()["version"]) == ('"2"', 2)
        assert [member["key"] for member in response.json()["members"]] == ["hartlepool", "middlesbrough"]
        assert (await client.get(TEES)).headers["ETag"] == '"2"'
        [_, event] = await _events()
        assert (event.action, event.version) == ("update", 2)
        assert (event.before, event.after) == ({"members": TEES_KEYS}, {"members": ["hartlepool", "middlesbrough"]})
        assert "governance officer" in event.actor

    async def test_a_stale_etag_is_412_and_none_is_428(self, governor: AsyncClient, client: AsyncClient) -> None:
        await _create(governor)
        stale = await etag_of(governor, TEES)
        renamed = await governor.patch(TEES, json={"name": "Tees Valley CA"}, headers=stale)
        assert renamed.status_code == 200, renamed.text
        assert_problem(await governor.patch(TEES, json={"members": ["darlington"]}, headers=stale), 412)
        assert_problem(await governor.delete(TEES, headers=stale), 412)
        assert_problem(await governor.patch(TEES, json={"name": "x"}), 428, detail_contains="If-Match")
        body = (await client.get(TEES)).json()
        assert (body["name"], len(body["members"]), body["version"]) == ("Tees Valley CA", 5, 2)

    async def test_the_same_values_change_nothing(self, governor: AsyncClient) -> None:
        await _create(governor)
        same = {"name": "Tees Valley", "members": TEES_KEYS}
        response = await governor.patch(TEES, json=same, headers=await etag_of(governor, TEES))
        assert (response.status_code, response.headers["ETag"]) == (200, '"1"')
        assert len(await _events()) == 1

    async def test_unknown_members_and_nulls_are_refused(self, governor: AsyncClient) -> None:
        await _create(governor)
        headers = await etag_of(governor, TEES)
        problem = assert_problem(await governor.patch(TEES, json={"members": ["Narnia"]}, headers=headers), 422)
        assert problem["errors"] == [{"loc": ["body", "members", 0], "msg": "no scope is named 'Narnia'"}]
        for body in ({"members": None}, {"name": None}, {"key": "other"}):
            assert_problem(await governor.patch(TEES, json=body, headers=headers), 422)
        assert_problem(await governor.patch(f"{GROUPS}/no-such-group", json={"name": "x"}, headers=headers), 404)


class TestDelete:
    async def test_deleted_with_if_match_and_audited_with_what_it_held(
        self, governor: AsyncClient, client: AsyncClient
    ) -> None:
        await _create(governor)
        response = await governor.delete(TEES, headers=await etag_of(governor, TEES))
        assert (response.status_code, response.content) == (204, b"")
        assert_problem(await client.get(TEES), 404)
        assert [item["key"] for item in assert_page(await client.get(GROUPS), total=5)] == BUILT_IN
        [_, event] = await _events()
        assert (event.action, event.after) == ("delete", None)
        assert event.before is not None
        assert event.before["members"] == TEES_KEYS
        assert "governance officer" in event.actor
        assert_problem(await governor.delete(TEES, headers={"If-Match": "*"}), 404)


class TestAccess:
    async def test_no_key_is_401(self, anonymous: AsyncClient) -> None:
        assert_problem(await anonymous.get(GROUPS), 401)
        assert_problem(await anonymous.post(GROUPS, json=TEES_VALLEY), 401)

    async def test_writing_needs_governance_write(self, governor: AsyncClient, key_client: KeyClient) -> None:
        await _create(governor)
        headers = await etag_of(governor, TEES)
        for scopes in ((Scope.read,), (Scope.read, Scope.kpi_submit, Scope.actions_write)):
            async with await key_client(*scopes) as writer:
                assert_problem(await writer.post(GROUPS, json=TEES_VALLEY | {"key": "other"}), 403)
                assert_problem(await writer.patch(TEES, json={"name": "x"}, headers=headers), 403)
                assert_problem(await writer.delete(TEES, headers=headers), 403)
                assert (await writer.get(TEES)).status_code == 200
        assert len(await _events()) == 1

    async def test_unknown_query_parameters_are_refused(self, client: AsyncClient) -> None:
        problem = assert_problem(await client.get(GROUPS, params={"subject": "hartlepool"}), 422)
        assert problem["errors"][0]["loc"] == ["query", "subject"]
        assert_problem(await client.get(f"{GROUPS}/region", params={"scope": "805", "model": "2025"}), 422)
        assert_problem(await client.get(f"{GROUPS}/no-such-group"), 404)
