"""Teams and localities (/teams): the seeded teams, creating and changing them with ETags, grants and the audit
trail, and figures filed under a team's key."""

from collections.abc import Awaitable, Callable

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

KeyClient = Callable[..., Awaitable[AsyncClient]]
TEAM = {
    "key": "children-in-care-team",
    "name": "Children in Care Team",
    "service_owner": "AD SLAC",
    "manager_role": "Team manager",
}


class TestSeededTeams:
    async def test_the_teams_the_document_names_roll_up_to_the_borough(
        self, client: AsyncClient, loaded: Tally
    ) -> None:
        response = await client.get("/api/v1/teams", params={"limit": 100})
        assert response.status_code == 200
        teams = {team["key"]: team for team in response.json()["items"]}
        assert set(teams) == {
            "reviewing-unit",
            "child-placement-team",
            "early-help-team",
            "childrens-hub",
            "youth-offending-team",
        }
        assert {team["parent"] for team in teams.values()} == {"stockton-on-tees"}
        assert teams["reviewing-unit"]["service_owner"] == "AD SLAC"
        assert teams["early-help-team"]["service_owner"] == "AD EHPP"
        assert teams["youth-offending-team"]["service_owner"] is None  # the document does not say whose service
        assert all(team["manager_role"] == "Team manager" for team in teams.values())

    async def test_filters_by_service_and_parent(self, client: AsyncClient, loaded: Tally) -> None:
        mine = (await client.get("/api/v1/teams", params={"service_owner": "AD SLAC"})).json()["items"]
        assert [team["key"] for team in mine] == ["child-placement-team", "reviewing-unit"]
        none = (await client.get("/api/v1/teams", params={"parent": "england"})).json()
        assert none["total"] == 0

    async def test_one_team_carries_its_version_as_etag(self, client: AsyncClient, loaded: Tally) -> None:
        response = await client.get("/api/v1/teams/reviewing-unit")
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{response.json()["version"]}"'

    async def test_a_place_is_not_a_team(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.get("/api/v1/teams/england"), 404)

    async def test_unknown_query_parameters_are_refused(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.get("/api/v1/teams", params={"manager": "x"}), 422)


class TestCreateTeam:
    async def test_creates_a_team_under_the_borough_and_audits_its_author(
        self, governor: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        response = await governor.post("/api/v1/teams", json=TEAM)
        assert response.status_code == 201, response.text
        assert response.headers["location"] == "/api/v1/teams/children-in-care-team"
        body = response.json()
        assert (body["kind"], body["parent"], body["service_owner"]) == ("team", "stockton-on-tees", "AD SLAC")
        assert response.headers["etag"] == f'"{body["version"]}"'
        events = (await admin.get("/api/v1/audit", params={"resource": "team"})).json()["items"]
        assert [(event["action"], event["id"]) for event in events] == [("create", "children-in-care-team")]
        changes = {change["field"]: change["after"] for change in events[0]["changes"]}
        assert changes["service_owner"] == "AD SLAC"
        assert "(governance officer)" in events[0]["actor"]

    async def test_a_teams_key_is_a_scope_figures_are_filed_under(
        self, governor: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        assert (await governor.post("/api/v1/teams", json=TEAM)).status_code == 201
        put = await admin.put(
            "/api/v1/kpis/neet-not-known-16-19/values/FY2016-17",
            params={"scope": "children-in-care-team"},
            json={"value": 8},
        )
        assert put.status_code == 201, put.text
        scope = (await admin.get("/api/v1/scopes/children-in-care-team")).json()
        assert scope["kind"] == "team"
        values = await admin.get("/api/v1/kpis/neet-not-known-16-19/values", params={"scope": "children-in-care-team"})
        assert [item["value"] for item in values.json()["items"]] == [8]

    async def test_a_locality_can_hold_teams(self, governor: AsyncClient, loaded: Tally) -> None:
        locality = {"key": "stockton-north", "name": "Stockton North", "kind": "locality"}
        assert (await governor.post("/api/v1/teams", json=locality)).status_code == 201
        team = await governor.post("/api/v1/teams", json=TEAM | {"parent": "stockton-north"})
        assert team.json()["parent"] == "stockton-north"

    async def test_needs_governance_write(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.post("/api/v1/teams", json=TEAM), 403)

    async def test_a_key_limited_to_owners_manages_only_their_services_teams(
        self, key_client: KeyClient, loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["AD EHPP"]) as ehpp:
            assert_problem(await ehpp.post("/api/v1/teams", json=TEAM), 403)
            assert_problem(await ehpp.post("/api/v1/teams", json=TEAM | {"service_owner": None}), 403)
            mine = await ehpp.post("/api/v1/teams", json=TEAM | {"service_owner": "AD EHPP"})
            assert mine.status_code == 201

    async def test_bad_input_is_a_422_naming_the_field(self, governor: AsyncClient, loaded: Tally) -> None:
        cases = [
            (TEAM | {"service_owner": "AD Nobody"}, "service_owner"),
            (TEAM | {"parent": "england"}, "parent"),
            (TEAM | {"parent": "reviewing-unit"}, "parent"),  # a team under a team: not a roll-up
            (TEAM | {"parent": "nowhere"}, "parent"),
            (TEAM | {"kind": "comparator"}, "kind"),
            (TEAM | {"key": "Not A Key"}, "key"),
            (TEAM | {"manager_role": "x" * 201}, "manager_role"),
            (TEAM | {"name": "nul\x00"}, "name"),
            (TEAM | {"manager": "Jane"}, "manager"),  # unknown fields are refused
        ]
        for body, field in cases:
            problem = assert_problem(await governor.post("/api/v1/teams", json=body), 422)
            assert field in {str(part) for error in problem["errors"] for part in error["loc"]}, (field, problem)
        assert (await governor.get("/api/v1/teams/children-in-care-team")).status_code == 404  # nothing written

    async def test_a_key_already_taken_by_any_scope_is_a_conflict(self, governor: AsyncClient, loaded: Tally) -> None:
        assert_problem(await governor.post("/api/v1/teams", json=TEAM | {"key": "england"}), 409)


class TestUpdateTeam:
    async def test_changes_need_the_current_etag(self, governor: AsyncClient, loaded: Tally) -> None:
        read = await governor.get("/api/v1/teams/reviewing-unit")
        etag = read.headers["etag"]
        change = {"manager_role": "Service manager", "name": "Independent Reviewing Unit"}
        assert_problem(await governor.patch("/api/v1/teams/reviewing-unit", json=change), 428)
        done = await governor.patch("/api/v1/teams/reviewing-unit", json=change, headers={"If-Match": etag})
        assert done.status_code == 200, done.text
        assert (done.json()["manager_role"], done.json()["name"]) == ("Service manager", "Independent Reviewing Unit")
        assert done.headers["etag"] != etag
        stale = await governor.patch("/api/v1/teams/reviewing-unit", json={"name": "x"}, headers={"If-Match": etag})
        assert_problem(stale, 412)

    async def test_a_locality_cannot_roll_up_to_itself_through_another(
        self, governor: AsyncClient, loaded: Tally
    ) -> None:
        north = {"key": "north", "name": "North", "kind": "locality"}
        assert (await governor.post("/api/v1/teams", json=north)).status_code == 201
        inner = {"key": "north-inner", "name": "North inner", "kind": "locality", "parent": "north"}
        assert (await governor.post("/api/v1/teams", json=inner)).status_code == 201
        etag = (await governor.get("/api/v1/teams/north")).headers["etag"]
        loop = await governor.patch("/api/v1/teams/north", json={"parent": "north-inner"}, headers={"If-Match": etag})
        assert_problem(loop, 422, detail_contains="rolls up to")
        itself = await governor.patch("/api/v1/teams/north", json={"parent": "north"}, headers={"If-Match": etag})
        assert_problem(itself, 422)

    async def test_a_limited_key_cannot_move_another_services_team_into_its_own(
        self, key_client: KeyClient, loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["AD EHPP"]) as ehpp:
            etag = (await ehpp.get("/api/v1/teams/reviewing-unit")).headers["etag"]
            move = {"service_owner": "AD EHPP"}
            assert_problem(await ehpp.patch("/api/v1/teams/reviewing-unit", json=move, headers={"If-Match": etag}), 403)
            etag = (await ehpp.get("/api/v1/teams/early-help-team")).headers["etag"]
            own = await ehpp.patch(
                "/api/v1/teams/early-help-team", json={"manager_role": "Service manager"}, headers={"If-Match": etag}
            )
            assert own.status_code == 200

    async def test_name_and_parent_cannot_be_emptied(self, governor: AsyncClient, loaded: Tally) -> None:
        etag = (await governor.get("/api/v1/teams/reviewing-unit")).headers["etag"]
        for body in ({"name": None}, {"parent": None}):
            response = await governor.patch("/api/v1/teams/reviewing-unit", json=body, headers={"If-Match": etag})
            assert_problem(response, 422)

    async def test_a_change_that_changes_nothing_keeps_the_version(self, governor: AsyncClient, loaded: Tally) -> None:
        read = await governor.get("/api/v1/teams/reviewing-unit")
        same = await governor.patch(
            "/api/v1/teams/reviewing-unit",
            json={"manager_role": read.json()["manager_role"]},
            headers={"If-Match": read.headers["etag"]},
        )
        assert same.headers["etag"] == read.headers["etag"]
