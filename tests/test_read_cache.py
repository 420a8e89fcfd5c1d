"""The read cache never answers with something the database would not: any write, through any worker, is seen by the
next read; a key is checked before any cached answer is given; what differs by caller is kept apart."""

import asyncio
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from httpx import AsyncClient
from sqlalchemy import update

from api import db
from api.audit.models import ChangeCounter
from api.auth.deps import access_control, authenticate
from api.auth.models import Scope
from api.owners.models import Owner
from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.auth.helpers import HeldChecks
from tests.configured import client_for, configured_app
from tests.conftest import Minter

KPI = "/api/v1/kpis/neet-not-known-16-19"
ACTION = "/api/v1/actions/cin-implement-graded-care-profile-2"


@pytest.fixture
async def cached_app(monkeypatch: pytest.MonkeyPatch, loaded: Tally) -> AsyncIterator[FastAPI]:
    async with configured_app(monkeypatch, READ_CACHE_ENTRIES="100") as app:
        yield app


async def test_a_write_is_seen_by_the_next_read(cached_app: FastAPI, mint: Minter) -> None:
    async with client_for(cached_app, await mint(Scope.admin)) as admin:
        before = await admin.get(KPI)
        assert (await admin.get(KPI)).json() == before.json()
        headers = {"If-Match": before.headers["etag"]}
        assert (await admin.put(f"{KPI}/targets/FY2017-18", json={"kind": "monitor"}, headers=headers)).is_success
        after = await admin.get(KPI)
        assert after.headers["etag"] != before.headers["etag"]
        assert "FY2017-18" in [target["period"] for target in after.json()["targets"]]
        values = await admin.get(f"{KPI}/values?period=FY2016-17")
        assert (await admin.put(f"{KPI}/values/FY2016-17", json={"value": 6.1})).is_success
        assert (await admin.get(f"{KPI}/values?period=FY2016-17")).json() != values.json()


async def test_a_write_through_another_worker_is_seen_too(
    cached_app: FastAPI, mint: Minter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps, two caches (as two processes would have): the write through one is read through the other."""
    token = await mint(Scope.admin)
    async with client_for(cached_app, token) as first:
        etag = (await first.get(ACTION)).headers["etag"]
        async with configured_app(monkeypatch, READ_CACHE_ENTRIES="100") as other, client_for(other, token) as second:
            patched = await second.patch(ACTION, json={"comments": "Agreed at CSMT"}, headers={"If-Match": etag})
            assert patched.status_code == 200
        assert (await first.get(ACTION)).json()["comments"] == "Agreed at CSMT"


async def test_a_write_committed_while_a_check_is_in_flight_is_seen_by_the_next_read(
    cached_app: FastAPI, mint: Minter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests share the key check that reads the data's version (api/auth/checks.py); a read that arrives while
    one is in flight waits for the next, so a write committed meanwhile is not hidden behind a cached answer."""
    owner = "/api/v1/owners/csmt"
    async with client_for(cached_app, await mint(Scope.read)) as client:
        first = await client.get(owner)
        assert first.status_code == 200
        held = HeldChecks(monkeypatch)
        earlier = asyncio.create_task(client.get(owner))
        await asyncio.wait_for(held.read_once.wait(), 10)
        async with db.get_sessionmaker()() as session, session.begin():  # a write, as the service makes one
            await session.execute(update(Owner).where(Owner.key == "csmt").values(full_name="CSMT (renamed)"))
            await session.execute(update(ChangeCounter).values(last_seq=ChangeCounter.last_seq + 1))
        later = asyncio.create_task(client.get(owner))
        await asyncio.sleep(0.05)
        held.release.set()
        assert (await earlier).json() == first.json()  # its check read the version before the write: from the cache
        assert (await later).json()["full_name"] == "CSMT (renamed)"
    assert len(held.asked) == 2


async def test_a_database_restored_from_a_backup_is_not_answered_from_the_history_it_undid(
    cached_app: FastAPI, mint: Minter
) -> None:
    """A restore takes the change counter back, and the writes after it hand out the same numbers again: an answer
    kept at one of them, from before the restore, must not be given for the restored data. The first check that
    reads a lower version than the one before it empties the cache."""
    owner = "/api/v1/owners/csmt"

    async def database(full_name: str | None = None, *, version: int) -> None:
        async with db.get_sessionmaker()() as session, session.begin():
            if full_name is not None:
                await session.execute(update(Owner).where(Owner.key == "csmt").values(full_name=full_name))
            await session.execute(update(ChangeCounter).values(last_seq=version))

    async with client_for(cached_app, await mint(Scope.read)) as client:
        await database(version=1_000)
        kept = (await client.get(owner)).json()
        assert (await client.get(owner)).json() == kept  # answered from the cache at version 1,000
        await database("CSMT (as the backup had it)", version=990)  # the restore
        assert (await client.get("/api/v1/focus-areas")).status_code == 200  # any read: the version went back
        await database(version=1_000)  # writes since the restore reach the same number again
        assert (await client.get(owner)).json()["full_name"] == "CSMT (as the backup had it)"


async def test_the_key_is_checked_before_a_cached_answer(cached_app: FastAPI, mint: Minter, admin: AsyncClient) -> None:
    reader_token = await mint(Scope.read, name="dashboard")
    async with client_for(cached_app, reader_token) as reader:
        assert (await reader.get(KPI)).status_code == 200
        async with client_for(cached_app, await mint(Scope.kpi_submit)) as submitter:
            assert_problem(await submitter.get(KPI), 403, detail_contains="'read'")
        key_id = reader_token.split("_")[1]
        async with client_for(cached_app, await mint(Scope.admin)) as admin_client:
            assert (await admin_client.delete(f"/api/v1/api-keys/{key_id}")).status_code == 200
        assert_problem(await reader.get(KPI), 401, detail_contains="revoked")
    async with client_for(cached_app) as nobody:
        assert_problem(await nobody.get(KPI), 401)


async def test_what_only_administrators_see_is_kept_apart(cached_app: FastAPI, mint: Minter) -> None:
    async with (
        client_for(cached_app, await mint(Scope.admin)) as admin,
        client_for(cached_app, await mint(Scope.read)) as reader,
    ):
        everything = (await admin.get("/api/v1/events?limit=1000")).json()["events"]
        visible = (await reader.get("/api/v1/events?limit=1000")).json()["events"]
        assert any(event["resource"] == "api_key" for event in everything)
        assert all(event["resource"] != "api_key" for event in visible)
        assert (await admin.get("/api/v1/events?limit=1000")).json()["events"] == everything


async def test_a_cached_answer_carries_its_own_request_id_only(cached_app: FastAPI, mint: Minter) -> None:
    async with client_for(cached_app, await mint(Scope.read)) as reader:
        answers = [await reader.get(KPI, headers={"X-Request-ID": f"poll-{n}"}) for n in range(3)]
    for n, answer in enumerate(answers):
        assert answer.headers.get_list("x-request-id") == [f"poll-{n}"]
        assert answer.headers["etag"] == answers[0].headers["etag"]


async def test_a_keys_own_webhook_subscriptions_are_never_another_keys_answer(
    cached_app: FastAPI, mint: Minter
) -> None:
    hooks = "/api/v1/webhook-subscriptions"
    async with (
        client_for(cached_app, await mint(Scope.read, Scope.webhooks_manage, name="case management")) as first,
        client_for(cached_app, await mint(Scope.read, Scope.webhooks_manage, name="dashboard vendor")) as second,
        client_for(cached_app, await mint(Scope.read, name="reader")) as reader,
    ):
        made = await first.post(hooks, json={"url": "https://example.org/hooks", "event_types": ["kpi_value.approved"]})
        assert made.status_code == 201, made.text
        assert [s["id"] for s in (await first.get(hooks)).json()["items"]] == [made.json()["id"]]
        assert (await first.get(hooks)).json()["items"]  # answered again, as a cache would
        assert (await second.get(hooks)).json()["items"] == []
        assert_problem(await second.get(f"{hooks}/{made.json()['id']}"), 404)
        assert_problem(await reader.get(hooks), 403, detail_contains="webhooks:manage")
        # At the same moment: a burst of one read waits for the first to be computed, but never takes its answer.
        at_once = await asyncio.gather(*(client.get(hooks) for client in (first, second, reader) * 4))
        assert [len(answer.json().get("items", [])) for answer in at_once] == [1, 0, 0] * 4
        assert [answer.status_code for answer in at_once] == [200, 200, 403] * 4


# Reads that take the caller's key themselves, and why the cache may still answer them: each is kept by the
# middleware apart by whether the caller is an administrator (all a change to an API key shows), or never kept.
TAKE_THE_CALLER = {
    "/api/v1/audit": "administrators' events kept apart",
    "/api/v1/events": "administrators' events kept apart",
    "/api/v1/api-keys/current": "/api-keys is never kept",
}


def test_every_read_that_takes_the_callers_key_is_known_to_the_cache(shared_app: FastAPI) -> None:
    """A read whose answer depends on the key beyond `read` says so: through require() (its scope, the key's own
    webhook subscriptions), which marks the answer as the caller's alone, or by taking the key itself, listed here
    with the reason the cache never gives it to another caller. A new read that takes the key must be added."""
    taking = set()
    for route in shared_app.router.routes:
        if isinstance(route, APIRoute) and "GET" in (route.methods or ()) and route.path.startswith("/api/v1"):
            own = [dependency for dependency in route.dependant.dependencies if dependency.call is not access_control]
            if any(dependency.call is authenticate for dependency in own):
                taking.add(route.path)
    assert taking == set(TAKE_THE_CALLER)
