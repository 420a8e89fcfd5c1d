"""A dashboard polling a list, a report or a pack sends back the ETag it was given and is answered 304 Not Modified,
without the body, until the answer changes; an item's ETag stays its version, for If-Match."""

import re
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests import answers
from tests.asserts import assert_problem
from tests.configured import client_for, configured_app
from tests.conftest import Minter

PACK = "/api/v1/governance-bodies/csmt/pack"
SCORECARD = "/api/v1/scorecard?tier=council_plan"
ACTIONS = "/api/v1/actions?limit=50"
ACTION = "/api/v1/actions/cin-implement-graded-care-profile-2"
QUALITY = "/api/v1/data-quality"
FOCUS_AREA = "children-in-need-of-help-and-protection"
ANSWER_TAG = re.compile(r'^"[0-9a-f]{32}"$')
STAMPED_TAG = re.compile(r'^W/"[0-9a-f]{32}"$')  # an answer that states when it was made (or sent gzipped)
PLAIN = {"Accept-Encoding": "identity"}  # httpx asks for gzip by default; a gzipped answer's tag is weak


@pytest.mark.parametrize("path", [PACK, SCORECARD, ACTIONS, f"{PACK}?format=csv", QUALITY])
async def test_an_unchanged_answer_is_a_304_without_its_body(client: AsyncClient, loaded: Tally, path: str) -> None:
    first = await client.get(path, headers=PLAIN)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert (STAMPED_TAG if path.startswith((PACK, QUALITY)) else ANSWER_TAG).match(tag)
    again = await client.get(path, headers={"If-None-Match": tag, "X-Request-ID": "poll-2"} | PLAIN)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["x-request-id"] == "poll-2"
    other = await client.get(path, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'} | PLAIN)
    assert other.status_code == 200
    assert other.content == first.content
    assert other.headers["etag"] == tag


async def test_a_write_makes_the_next_poll_a_200_with_a_new_etag(
    client: AsyncClient, admin: AsyncClient, loaded: Tally
) -> None:
    owners = await client.get("/api/v1/owners")
    tag = owners.headers["etag"]
    assert (await client.get("/api/v1/owners", headers={"If-None-Match": tag})).status_code == 304
    made = await admin.post(
        "/api/v1/owners", json={"key": "head-of-fostering", "code": "HoS Fostering", "kind": "role"}
    )
    assert made.status_code == 201, made.text
    after = await client.get("/api/v1/owners", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert "HoS Fostering" in [owner["code"] for owner in after.json()["items"]]
    assert (await client.get("/api/v1/owners", headers={"If-None-Match": after.headers["etag"]})).status_code == 304


async def test_a_write_that_leaves_an_answer_as_it_was_keeps_it_a_304(
    client: AsyncClient, admin: AsyncClient, loaded: Tally
) -> None:
    """The ETag is the answer's bytes, not the data's version: after a write elsewhere the list is computed afresh,
    and is the same."""
    areas = await client.get("/api/v1/focus-areas")
    owner = {"key": "head-of-fostering", "code": "HoS Fostering", "kind": "role"}
    assert (await admin.post("/api/v1/owners", json=owner)).status_code == 201
    again = await client.get("/api/v1/focus-areas", headers={"If-None-Match": areas.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["etag"] == areas.headers["etag"]


@pytest.mark.parametrize("path", [PACK, f"{PACK}?format=pdf", "/api/v1/bodies/CSMT/pack?format=xlsx", QUALITY])
async def test_an_answer_made_afresh_keeps_its_etag_though_it_states_a_new_moment(
    client: AsyncClient, admin: AsyncClient, loaded: Tally, path: str
) -> None:
    """A pack states when it was generated (a PDF and a workbook their creation too), so each computation is new
    bytes; its weak ETag is made from what it says without that moment, so another worker, or this one once its
    cache has let the answer go, answers the poll 304 until what it says changes, whatever else is written."""
    first = await client.get(path)
    tag = first.headers["etag"]
    assert STAMPED_TAG.match(tag)
    answers.forget()  # as another worker would: nothing cached
    again = await client.get(path)
    assert again.headers["etag"] == tag
    if path in (PACK, QUALITY):
        moments = {"generated_at": None} | ({"known_at": None} if path == PACK else {})  # known_at: now, unasked
        assert again.json()["generated_at"] != first.json()["generated_at"]
        assert again.json() | moments == first.json() | moments
    owner = {"key": "head-of-fostering", "code": "HoS Fostering", "kind": "role", "full_name": "Head of Fostering"}
    assert (await admin.post("/api/v1/owners", json=owner)).status_code == 201  # a write it does not show
    answers.forget()
    assert (await client.get(path, headers={"If-None-Match": tag})).status_code == 304
    action = {"key": "cin-fostering-audit", "focus_area": FOCUS_AREA, "what": "Audit fostering", "when": "In time"}
    assert (await admin.post("/api/v1/actions", json=action)).status_code == 201  # one it shows (an unreadable date)
    after = await client.get(path, headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert STAMPED_TAG.match(after.headers["etag"])
    assert after.headers["etag"] != tag
    assert (await client.get(f"{PACK}?period=2016/17")).headers["etag"] != after.headers["etag"]


async def test_a_pack_as_known_at_a_moment_asked_for_is_tagged_by_that_moment(
    client: AsyncClient, loaded: Tally
) -> None:
    """known_at left out of the tag only when it is "now": a pack as known at an earlier moment says so, and is
    another answer."""
    now = datetime.fromisoformat((await client.get(PACK)).json()["known_at"])
    first = await client.get(PACK, params={"known_at": now.isoformat()})
    later = await client.get(PACK, params={"known_at": (now + timedelta(microseconds=1)).isoformat()})
    moments = {"known_at": None, "generated_at": None}
    assert first.json() | moments == later.json() | moments
    assert first.headers["etag"] != later.headers["etag"]


@pytest.mark.parametrize(
    "sent",
    ["W/{tag}", '"0123456789abcdef0123456789abcdef", {tag}', "*", ' {tag} ,"x"'],
)
async def test_if_none_match_is_compared_weakly_and_may_list_tags(
    client: AsyncClient, loaded: Tally, sent: str
) -> None:
    tag = (await client.get(SCORECARD, headers=PLAIN)).headers["etag"]
    assert (await client.get(SCORECARD, headers={"If-None-Match": sent.format(tag=tag)})).status_code == 304


async def test_a_head_is_answered_the_same_way(client: AsyncClient, loaded: Tally) -> None:
    tag = (await client.get(ACTIONS)).headers["etag"]
    head = await client.head(ACTIONS, headers={"If-None-Match": tag})
    assert head.status_code == 304
    assert (await client.head(ACTIONS)).headers["etag"] == tag


async def test_an_items_etag_stays_its_version_and_is_not_a_validator_of_its_bytes(
    client: AsyncClient, loaded: Tally
) -> None:
    item = await client.get(ACTION)
    assert re.match(r'^"[0-9]+"$', item.headers["etag"])
    again = await client.get(ACTION, headers={"If-None-Match": item.headers["etag"]})
    assert again.status_code == 200
    assert again.json() == item.json()


async def test_errors_and_answers_a_key_decides_carry_no_answer_etag(
    app: FastAPI, client: AsyncClient, mint: Minter
) -> None:
    missing = await client.get("/api/v1/actions/no-such-action", headers={"If-None-Match": "*"})
    assert_problem(missing, 404)
    assert "etag" not in missing.headers
    async with client_for(app, await mint(Scope.read, Scope.webhooks_manage)) as manager:
        hooks = await manager.get("/api/v1/webhook-subscriptions", headers={"If-None-Match": "*"})
    assert hooks.status_code == 200
    assert "etag" not in hooks.headers


async def test_the_same_without_the_read_cache(monkeypatch: pytest.MonkeyPatch, loaded: Tally, mint: Minter) -> None:
    async with configured_app(monkeypatch, READ_CACHE_ENTRIES="0") as app, client_for(app, await mint(Scope.read)) as c:
        first = await c.get(SCORECARD, headers=PLAIN)
        assert ANSWER_TAG.match(first.headers["etag"])
        assert (await c.get(SCORECARD, headers={"If-None-Match": first.headers["etag"]})).status_code == 304


def test_the_document_says_which_reads_answer_304(shared_app: FastAPI) -> None:
    paths = shared_app.openapi()["paths"]
    for path in ("/api/v1/governance-bodies/{key}/pack", "/api/v1/scorecard", "/api/v1/actions", "/api/v1/owners"):
        operation = paths[path]["get"]
        assert "If-None-Match" in [parameter["name"] for parameter in operation["parameters"]]
        assert operation["responses"]["304"]["headers"]["ETag"]["required"] is True
        assert operation["responses"]["200"]["headers"]["ETag"]["required"] is False
    for path in ("/api/v1/actions/{key}", "/api/v1/webhook-subscriptions", "/api/v1/api-keys", "/healthz"):
        assert "304" not in paths[path]["get"]["responses"]
