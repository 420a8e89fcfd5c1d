"""Assurance activities (/assurance-activities): recorded, read, changed and archived with ETags, the programme's
rules, who may write them, and the audit trail."""

from collections.abc import Awaitable, Callable
from typing import Any

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem

KeyClient = Callable[..., Awaitable[AsyncClient]]
ACTIVITIES = "/api/v1/assurance-activities"
ACTION = "cin-thematic-review-toxic-trio"
AUDIT: dict[str, Any] = {
    "kind": "case_file_audit",
    "team": "reviewing-unit",
    "carried_out_on": "2016-09-14",
    "carried_out_by_role": "Service manager",
    "grading": "requires_improvement",
    "themes": ["Voice of the child", "Management oversight"],
    "findings": "Plans were reviewed on time; the child's views were not always recorded.",
    "learning": "Team managers to check that views are recorded before a review closes.",
    "actions": [{"action": ACTION, "relation": "raises"}],
}


async def _recorded(client: AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post(ACTIVITIES, json=AUDIT | changes)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class TestRecord:
    async def test_records_an_audit_with_its_themes_and_actions_and_audits_its_author(
        self, auditor: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        response = await auditor.post(ACTIVITIES, json=AUDIT)
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"{ACTIVITIES}/{body['id']}"
        assert response.headers["etag"] == f'"{body["version"]}"'
        assert (body["team"], body["service_owner"], body["grading"]) == (
            "reviewing-unit",
            "AD SLAC",
            "requires_improvement",
        )
        assert body["themes"] == ["voice-of-the-child", "management-oversight"]
        assert body["actions"][0]["action"] == ACTION
        assert body["actions"][0]["relation"] == "raises"
        assert body["lead_body"] is None
        assert body["setting"] is None
        assert "(quality assurance)" in body["created_by"]
        read = await auditor.get(response.headers["location"])
        assert read.json() == body
        assert read.headers["etag"] == response.headers["etag"]
        events = (await admin.get("/api/v1/audit", params={"resource": "assurance_activity"})).json()["items"]
        assert [(event["action"], event["id"]) for event in events] == [("create", str(body["id"]))]
        assert "(quality assurance)" in events[0]["actor"]

    async def test_lscb_work_may_span_teams_and_is_led_by_the_lscb(self, auditor: AsyncClient, loaded: Tally) -> None:
        review = {
            "kind": "thematic_review",
            "carried_out_on": "2016-09-30",
            "carried_out_by_role": "LSCB business manager",
            "themes": ["Toxic trio"],
        }
        body = (await auditor.post(ACTIVITIES, json=review)).json()
        assert (body["team"], body["lead_body"], body["grading"]) == (None, "lscb", None)
        audit = await _recorded(auditor, kind="multi_agency_audit", team=None, lead_body="csmt", actions=[])
        assert audit["lead_body"] == "csmt"  # another body when named

    async def test_a_practice_observation_names_its_setting(self, auditor: AsyncClient, loaded: Tally) -> None:
        body = await _recorded(auditor, kind="practice_observation", setting="cp_conference", grading="good")
        assert (body["kind"], body["setting"]) == ("practice_observation", "cp_conference")

    async def test_the_programmes_rules_are_422s_naming_the_field_and_nothing_is_written(
        self, auditor: AsyncClient, loaded: Tally
    ) -> None:
        cases = [
            (AUDIT | {"kind": "member_visit", "carried_out_by_role": "Elected member"}, "grading"),
            (AUDIT | {"kind": "thematic_review"}, "grading"),
            (AUDIT | {"kind": "practice_observation"}, "setting"),
            (AUDIT | {"setting": "taf"}, "setting"),
            (AUDIT | {"setting": "home_visit", "kind": "practice_observation"}, "setting"),
            (AUDIT | {"team": "stockton-on-tees"}, "team"),  # the borough is not a team
            (AUDIT | {"team": "england"}, "team"),
            (AUDIT | {"team": "no-such-team"}, "team"),
            (AUDIT | {"team": None}, "team"),  # a case file audit is of a team
            (AUDIT | {"grading": "satisfactory"}, "grading"),  # not on Ofsted's four-point scale
            (AUDIT | {"carried_out_on": "2999-01-01"}, "carried_out_on"),
            (AUDIT | {"lead_body": "no-such-body"}, "lead_body"),
            (AUDIT | {"actions": [{"action": "no-such-action", "relation": "raises"}]}, "actions"),
            (AUDIT | {"actions": [{"action": ACTION, "relation": "raises"}] * 2}, "actions"),
            (AUDIT | {"actions": [{"action": ACTION, "relation": "mentions"}]}, "actions"),
            (AUDIT | {"carried_out_by_role": "x" * 201}, "carried_out_by_role"),
            (AUDIT | {"findings": "x" * 4001}, "findings"),
            (AUDIT | {"learning": "nul\x00"}, "learning"),
            (AUDIT | {"themes": ["---"]}, "themes"),
            (AUDIT | {"themes": ["x" * 81]}, "themes"),
            (AUDIT | {"themes": [f"theme {n}" for n in range(21)]}, "themes"),
            (AUDIT | {"child": "anyone"}, "child"),  # unknown fields are refused
            (AUDIT | {"version": 3}, "version"),  # read-only fields too
        ]
        for body, field in cases:
            problem = assert_problem(await auditor.post(ACTIVITIES, json=body), 422)
            assert field in {str(part) for error in problem["errors"] for part in error["loc"]}, (field, problem)
        assert_page(await auditor.get(ACTIVITIES), total=0)

    async def test_unknown_query_parameters_are_refused(self, auditor: AsyncClient, loaded: Tally) -> None:
        assert_problem(await auditor.get(ACTIVITIES, params={"child": "x"}), 422)
        assert_problem(await auditor.get(ACTIVITIES, params={"from": "2016-13-01"}), 422)
        assert_problem(await auditor.get("/api/v1/assurance-reports/themes", params={"min": 2}), 422)


class TestAccess:
    async def test_writing_needs_assurance_write(
        self, client: AsyncClient, governor: AsyncClient, loaded: Tally
    ) -> None:
        assert_problem(await client.post(ACTIVITIES, json=AUDIT), 403, detail_contains="'assurance:write'")
        assert_problem(await governor.post(ACTIVITIES, json=AUDIT), 403, detail_contains="'assurance:write'")

    async def test_a_key_limited_to_owners_writes_only_its_services_teams(
        self, key_client: KeyClient, auditor: AsyncClient, loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.assurance_write, owner_codes=["AD EHPP"]) as ehpp:
            assert_problem(await ehpp.post(ACTIVITIES, json=AUDIT), 403)  # the Reviewing Unit is AD SLAC's
            lscb = {"kind": "thematic_review", "carried_out_on": "2016-09-30", "carried_out_by_role": "LSCB"}
            assert_problem(await ehpp.post(ACTIVITIES, json=lscb), 403)  # no team: an unrestricted key's
            mine = await ehpp.post(ACTIVITIES, json=AUDIT | {"team": "early-help-team"})
            assert mine.status_code == 201, mine.text
            theirs = await _recorded(auditor)
            etag = (await ehpp.get(f"{ACTIVITIES}/{theirs['id']}")).headers["etag"]
            change = await ehpp.patch(
                f"{ACTIVITIES}/{theirs['id']}", json={"grading": "good"}, headers={"If-Match": etag}
            )
            assert_problem(change, 403)
            own = mine.json()
            moved = await ehpp.patch(
                f"{ACTIVITIES}/{own['id']}",
                json={"team": "reviewing-unit"},
                headers={"If-Match": f'"{own["version"]}"'},
            )
            assert_problem(moved, 403)  # nor move its own into another service's team
        assert_page(await auditor.get(ACTIVITIES), total=2)


class TestChange:
    async def test_changes_need_the_current_etag_and_move_it(self, auditor: AsyncClient, loaded: Tally) -> None:
        made = await _recorded(auditor)
        url, etag = f"{ACTIVITIES}/{made['id']}", f'"{made["version"]}"'
        assert_problem(await auditor.patch(url, json={"grading": "good"}), 428)
        done = await auditor.patch(url, json={"grading": "good"}, headers={"If-Match": etag})
        assert done.status_code == 200, done.text
        assert done.json()["grading"] == "good"
        assert done.headers["etag"] != etag
        assert_problem(await auditor.patch(url, json={"grading": "inadequate"}, headers={"If-Match": etag}), 412)

    async def test_a_change_to_themes_or_actions_alone_moves_the_etag(
        self, auditor: AsyncClient, loaded: Tally
    ) -> None:
        made = await _recorded(auditor)
        url, etag = f"{ACTIVITIES}/{made['id']}", f'"{made["version"]}"'
        themes = await auditor.patch(url, json={"themes": ["Voice of the Child", "Drift"]}, headers={"If-Match": etag})
        assert themes.json()["themes"] == ["voice-of-the-child", "drift"]
        assert themes.json()["version"] == made["version"] + 1
        evidence = {"actions": [{"action": ACTION, "relation": "evidences"}]}
        linked = await auditor.patch(url, json=evidence, headers={"If-Match": themes.headers["etag"]})
        assert linked.json()["actions"][0]["relation"] == "evidences"
        assert linked.json()["version"] == made["version"] + 2
        same = await auditor.patch(url, json=evidence, headers={"If-Match": linked.headers["etag"]})
        assert same.headers["etag"] == linked.headers["etag"]  # nothing changed, nothing written

    async def test_a_change_is_checked_against_the_whole_activity(self, auditor: AsyncClient, loaded: Tally) -> None:
        made = await _recorded(auditor)
        url, headers = f"{ACTIVITIES}/{made['id']}", {"If-Match": f'"{made["version"]}"'}
        assert_problem(await auditor.patch(url, json={"kind": "member_visit"}, headers=headers), 422)  # still graded
        assert_problem(await auditor.patch(url, json={"kind": "practice_observation"}, headers=headers), 422)
        assert_problem(await auditor.patch(url, json={"kind": None}, headers=headers), 422)
        visit = await auditor.patch(url, json={"kind": "member_visit", "grading": None}, headers=headers)
        assert visit.status_code == 200, visit.text
        assert (await auditor.get(url)).json()["kind"] == "member_visit"

    async def test_archiving_hides_it_from_lists_but_not_from_reading(
        self, auditor: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        made = await _recorded(auditor)
        url = f"{ACTIVITIES}/{made['id']}"
        assert_problem(await auditor.delete(url), 428)
        archived = await auditor.delete(url, headers={"If-Match": f'"{made["version"]}"'})
        assert archived.status_code == 200
        assert archived.json()["archived_at"] is not None
        assert_page(await auditor.get(ACTIVITIES), total=0)
        assert_page(await auditor.get(ACTIVITIES, params={"include_archived": "true"}), total=1)
        assert (await auditor.get(url)).status_code == 200
        events = (await admin.get("/api/v1/audit", params={"resource": "assurance_activity"})).json()["items"]
        assert {event["action"] for event in events} == {"create", "archive"}

    async def test_an_unknown_activity_is_404(self, auditor: AsyncClient, loaded: Tally) -> None:
        assert_problem(await auditor.get(f"{ACTIVITIES}/999999"), 404)
        assert_problem(await auditor.patch(f"{ACTIVITIES}/999999", json={}, headers={"If-Match": '"1"'}), 404)


class TestList:
    async def test_filters(self, auditor: AsyncClient, loaded: Tally) -> None:
        first = await _recorded(auditor)
        await _recorded(
            auditor,
            kind="practice_observation",
            setting="lac_review",
            team="child-placement-team",
            carried_out_on="2016-11-02",
            grading="good",
            themes=["voice of the child!"],
            actions=[],
        )
        await _recorded(auditor, kind="member_visit", grading=None, carried_out_on="2017-01-20", themes=[], actions=[])

        def keys(response: Any) -> list[tuple[str, str]]:
            return [(item["kind"], item["carried_out_on"]) for item in response.json()["items"]]

        everything = await auditor.get(ACTIVITIES)
        assert [date for _, date in keys(everything)] == ["2017-01-20", "2016-11-02", "2016-09-14"]  # latest first
        cases = {
            "kind=member_visit": 1,
            "team=reviewing-unit": 2,
            "from=2016-10-01&to=2016-12-31": 1,
            "grading=good": 1,
            "theme=Voice-of-the-Child": 2,  # however written
            f"action={ACTION}": 1,
            "updated_since=2999-01-01T00:00:00Z": 0,
        }
        for query, total in cases.items():
            assert (await auditor.get(f"{ACTIVITIES}?{query}")).json()["total"] == total, query
        assert first["id"] in [
            item["id"] for item in (await auditor.get(f"{ACTIVITIES}?action={ACTION}")).json()["items"]
        ]
