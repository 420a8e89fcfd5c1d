"""Writing actions: create, PATCH with If-Match, archive, owner grants, mass assignment, concurrency, audit."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.asserts import assert_problem

GRADED_CARE = "cin-implement-graded-care-profile-2"
STEP_DOWN = "cin-child-in-need-review-care-planning-and-step-down"  # owned by AD EHPP and AD SLAC
PLACEMENTS = "cic-placement-sufficiency-planning"  # owned by AD SLAC alone
EARLY_HELP = "eh-integrated-and-cohesive-model-for-delivery"  # owned by AD EHPP alone
NEW = {
    "key": "cin-private-fostering-audit",
    "focus_area": "children-in-need-of-help-and-protection",
    "what": "Audit private fostering arrangements",
    "detail": "To be confident that privately fostered children are known and safeguarded",
    "when": "Jan 2017",
    "who": ["AD SLAC"],
    "milestones": [{"title": "Audit tool agreed", "when": "Oct 2016"}],
}


async def _etag(client: AsyncClient, key: str) -> str:
    return (await client.get(f"/api/v1/actions/{key}")).headers["etag"]


class TestCreate:
    async def test_created_with_parsed_dates_location_and_etag(self, csmt: AsyncClient, loaded: Tally) -> None:
        response = await csmt.post("/api/v1/actions", json=NEW)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["due_date"], body["milestones"][0]["due_date"]) == ("2017-01-31", "2016-10-31")
        assert [o["code"] for o in body["owners"]] == ["AD SLAC"]
        assert (body["position"], body["version"]) == (19, 1)
        assert response.headers["location"] == "/api/v1/actions/cin-private-fostering-audit"
        assert response.headers["etag"] == '"1"'
        assert_problem(await csmt.post("/api/v1/actions", json=NEW), 409)

    async def test_unknown_references_are_422(self, csmt: AsyncClient, loaded: Tally) -> None:
        bad_owner = assert_problem(await csmt.post("/api/v1/actions", json=NEW | {"who": ["AD NOBODY"]}), 422)
        assert bad_owner["errors"] == [{"loc": ["body", "who", 0], "msg": "'AD NOBODY' is not an owner code or alias"}]
        assert_problem(await csmt.post("/api/v1/actions", json=NEW | {"focus_area": "nowhere"}), 422)

    async def test_status_rag_and_read_only_fields_are_refused(self, csmt: AsyncClient, loaded: Tally) -> None:
        for field, value in (
            ("status", "complete"),
            ("rag", "green"),
            ("version", 9),
            ("created_at", "2016-01-01"),
            ("overdue", False),
            ("archived_at", None),
        ):
            problem = assert_problem(await csmt.post("/api/v1/actions", json=NEW | {field: value}), 422)
            assert problem["errors"][0]["loc"] == ["body", field]


class TestPatch:
    async def test_patch_needs_the_current_etag(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = f"/api/v1/actions/{GRADED_CARE}"
        assert_problem(await csmt.patch(url, json={"comments": "x"}), 428, detail_contains="If-Match")
        assert_problem(await csmt.patch(url, json={"comments": "x"}, headers={"If-Match": '"99"'}), 412)
        etag = await _etag(csmt, GRADED_CARE)
        changed = await csmt.patch(
            url, json={"comments": "GCP2 training for all social workers"}, headers={"If-Match": etag}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["comments"] == "GCP2 training for all social workers"
        assert changed.headers["etag"] == '"2"'
        assert_problem(await csmt.patch(url, json={"comments": "again"}, headers={"If-Match": etag}), 412)

    async def test_changing_when_and_who_reparses_and_relinks(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = f"/api/v1/actions/{GRADED_CARE}"
        body = (
            await csmt.patch(
                url,
                json={"when": "Mar 2017", "who": ["LSCB", "Ad EHPP"]},
                headers={"If-Match": await _etag(csmt, GRADED_CARE)},
            )
        ).json()
        assert (body["due_kind"], body["due_date"]) == ("dated", "2017-03-31")
        assert [o["code"] for o in body["owners"]] == ["LSCB", "AD EHPP"]

    async def test_an_unchanged_patch_keeps_the_version(self, csmt: AsyncClient, loaded: Tally) -> None:
        etag = await _etag(csmt, GRADED_CARE)
        same = await csmt.patch(
            f"/api/v1/actions/{GRADED_CARE}",
            json={"comments": "Linked to early help pathways"},
            headers={"If-Match": etag},
        )
        assert same.headers["etag"] == etag

    async def test_two_concurrent_patches_with_one_etag_exactly_one_wins(
        self, csmt: AsyncClient, loaded: Tally
    ) -> None:
        etag = await _etag(csmt, GRADED_CARE)
        url = f"/api/v1/actions/{GRADED_CARE}"
        responses = await asyncio.gather(
            *(csmt.patch(url, json={"comments": f"writer {n}"}, headers={"If-Match": etag}) for n in range(2))
        )
        assert sorted(r.status_code for r in responses) == [200, 412]
        winner = next(r for r in responses if r.status_code == 200)
        assert (await csmt.get(url)).json()["comments"] == winner.json()["comments"]


class TestArchive:
    async def test_archived_actions_leave_lists_but_stay_readable(self, csmt: AsyncClient, loaded: Tally) -> None:
        url = f"/api/v1/actions/{GRADED_CARE}"
        archived = await csmt.delete(url, headers={"If-Match": await _etag(csmt, GRADED_CARE)})
        assert archived.status_code == 200
        assert archived.json()["archived_at"] is not None
        assert (await csmt.get(url)).status_code == 200
        keys = {a["key"] for a in (await csmt.get("/api/v1/actions?limit=100")).json()["items"]}
        assert GRADED_CARE not in keys
        everything = (await csmt.get("/api/v1/actions?limit=100&include_archived=true")).json()
        assert GRADED_CARE in {a["key"] for a in everything["items"]}
        update = {"status": "on_track", "as_of": "2016-09-30"}
        assert_problem(await csmt.post(f"{url}/updates", json=update), 409)


class TestOwnerGrants:
    async def test_an_owner_limited_key_writes_only_its_owners_actions(
        self, key_client: Callable[..., Awaitable[AsyncClient]], csmt: AsyncClient, loaded: Tally
    ) -> None:
        async with await key_client(Scope.read, Scope.actions_write, owner_codes=["AD SLAC"]) as ad_slac:
            mine = await ad_slac.patch(
                f"/api/v1/actions/{PLACEMENTS}",
                json={"comments": "Sufficiency statement"},
                headers={"If-Match": await _etag(csmt, PLACEMENTS)},
            )
            assert mine.status_code == 200, mine.text
            shared = await ad_slac.post(
                f"/api/v1/actions/{STEP_DOWN}/updates",
                json={"status": "at_risk", "rag": "amber", "as_of": "2016-09-30"},
            )
            assert shared.status_code == 201, "a row with two owners is writable by either"
            theirs = await ad_slac.patch(
                f"/api/v1/actions/{GRADED_CARE}",
                json={"comments": "x"},
                headers={"If-Match": await _etag(csmt, GRADED_CARE)},
            )
            assert_problem(theirs, 403, detail_contains="belongs to LSCB")
            update: dict[str, Any] = {"status": "complete", "as_of": "2016-09-30"}
            assert_problem(await ad_slac.post(f"/api/v1/actions/{GRADED_CARE}/updates", json=update), 403)
            give_away = await ad_slac.patch(
                f"/api/v1/actions/{PLACEMENTS}",
                json={"who": ["LSCB"]},
                headers={"If-Match": await _etag(csmt, PLACEMENTS)},
            )
            assert_problem(give_away, 403)
            assert_problem(await ad_slac.post("/api/v1/actions", json=NEW | {"who": ["LSCB"]}), 403)

    async def test_grants_follow_the_owner_when_codes_are_renamed_or_swapped(
        self, key_client: Callable[..., Awaitable[AsyncClient]], admin: AsyncClient, loaded: Tally
    ) -> None:
        async def recode(owner: str, code: str) -> None:
            etag = (await admin.get(f"/api/v1/owners/{owner}")).headers["etag"]
            response = await admin.patch(f"/api/v1/owners/{owner}", json={"code": code}, headers={"If-Match": etag})
            assert response.status_code == 200, response.text

        async with await key_client(Scope.read, Scope.actions_write, owner_codes=["AD SLAC"]) as ad_slac:
            await recode("ad-slac", "AD SLAC (old)")
            await recode("ad-ehpp", "AD SLAC")  # the code now names somebody else
            await recode("ad-slac", "AD EHPP")
            mine = await ad_slac.patch(
                f"/api/v1/actions/{PLACEMENTS}",
                json={"comments": "Still mine"},
                headers={"If-Match": await _etag(admin, PLACEMENTS)},
            )
            assert mine.status_code == 200, mine.text
            assert [owner["code"] for owner in mine.json()["owners"]] == ["AD EHPP"]
            theirs = await ad_slac.patch(
                f"/api/v1/actions/{EARLY_HELP}",  # the old AD EHPP's, now coded "AD SLAC"
                json={"comments": "Not mine"},
                headers={"If-Match": await _etag(admin, EARLY_HELP)},
            )
            assert_problem(theirs, 403, detail_contains="belongs to AD SLAC")
            current = (await ad_slac.get("/api/v1/api-keys/current")).json()
            assert current["owner_codes"] == ["AD EHPP"], "the key names its owner by the owner's code today"

    async def test_a_key_without_actions_write_gets_403(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.post("/api/v1/actions", json=NEW), 403, detail_contains="actions:write")
