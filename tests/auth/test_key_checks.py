"""Requests waiting at the same time share one key check, and none is answered by a check that began before it
arrived (api/auth/checks.py): a revocation or a write committed before a request arrives is seen by it."""

import asyncio
from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import update

from api import db
from api.audit.models import ChangeCounter
from api.auth import checks, service
from api.auth.models import ApiKey, Scope
from api.auth.notified import FENCE_SECONDS, Notified
from api.auth.principal import system_actor
from api.db import utcnow
from tests.asserts import assert_problem
from tests.auth.helpers import HeldChecks, key_id_of
from tests.conftest import Minter, in_process


async def test_a_key_revoked_while_a_check_is_in_flight_is_refused_to_the_next_request(
    app: FastAPI, mint: Minter, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await mint(Scope.read)
    held = HeldChecks(monkeypatch)
    async with in_process(app, {"Authorization": f"Bearer {token}"}) as client:
        earlier = asyncio.create_task(client.get("/api/v1/focus-areas"))
        await asyncio.wait_for(held.read_once.wait(), 10)  # its check has read the key: still valid then
        async with db.get_sessionmaker()() as session, session.begin():
            await session.execute(update(ApiKey).where(ApiKey.key_id == key_id_of(token)).values(revoked_at=utcnow()))
        later = asyncio.create_task(client.get("/api/v1/focus-areas"))
        await asyncio.sleep(0.05)  # the later request is waiting: for the next check, not the one in flight
        held.release.set()
        assert (await earlier).status_code == 200
        assert_problem(await later, 401, detail_contains="revoked")
    assert held.asked == [[key_id_of(token)], [key_id_of(token)]]


async def test_requests_waiting_together_share_one_check(app: FastAPI, mint: Minter) -> None:
    tokens = [await mint(Scope.read, name=f"dashboard {n}") for n in range(4)]
    clients = [in_process(app, {"Authorization": f"Bearer {token}"}) for token in tokens]
    revoked = tokens[3]
    async with db.get_sessionmaker()() as session, session.begin():
        await session.execute(update(ApiKey).where(ApiKey.key_id == key_id_of(revoked)).values(revoked_at=utcnow()))
    shared = checks.key_checks()
    before = shared.statements
    try:
        responses = await asyncio.gather(*(clients[n % 4].get("/api/v1/focus-areas") for n in range(40)))
    finally:
        for client in clients:
            await client.aclose()
    statuses = [response.status_code for response in responses]
    assert statuses == [401 if n % 4 == 3 else 200 for n in range(40)]  # each request gets its own key's answer
    assert 1 <= shared.statements - before < 40


async def test_a_failed_check_is_a_503_for_every_request_that_shared_it(
    app: FastAPI, client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(key_ids: Sequence[str]) -> checks.Checked:
        await asyncio.sleep(0.01)
        raise ConnectionError("The database connection failed: refused")

    monkeypatch.setattr(checks, "_read", down)
    responses = await asyncio.gather(*(client.get("/api/v1/focus-areas") for _ in range(5)))
    for response in responses:
        assert_problem(response, 503)
    monkeypatch.undo()
    assert (await client.get("/api/v1/focus-areas")).status_code == 200


async def test_a_key_id_of_another_shape_is_refused_without_a_query(client: AsyncClient) -> None:
    shared = checks.key_checks()
    before = shared.statements
    for key_id in ("k" + "0" * 5000, "K0123456789", "k012345678g", "k01234567890"):
        response = await client.get("/api/v1/focus-areas", headers={"Authorization": f"Bearer csk_{key_id}_secret"})
        assert_problem(response, 401, detail_contains="not recognised")
    assert shared.statements == before


async def test_with_notifications_checks_are_answered_from_memory_and_a_revocation_reaches_it(
    mint: Minter, database_url: str
) -> None:
    """api/auth/notified.py: once listening, a key read once is answered without a statement, the data version
    follows every commit, and a revocation (fenced, as the API's writes are) drops the key, read afresh as revoked."""
    if database_url.startswith("sqlite"):
        pytest.skip("notifications: PostgreSQL only")
    token = await mint(Scope.read)
    key_id = key_id_of(token)
    shared = checks.KeyChecks()
    await shared.listen(Notified(database_url, connect_timeout=10, keepalive=10))
    try:
        assert shared.notified is not None
        assert await shared.notified.until_live(10)
        first = await shared.check(key_id)  # not held yet: read from the database, then held
        assert shared.statements == 1
        assert first.keys[key_id].revoked_at is None
        for _ in range(20):
            again = await shared.check(key_id)
            assert again.keys[key_id] is first.keys[key_id]
        assert shared.statements == 1
        async with db.get_sessionmaker()() as session, session.begin():
            await service.revoke_key(session, key_id, actor=system_actor("test"))
        started = asyncio.get_running_loop().time()
        await shared.notified.fence()
        # A lone listener acknowledges its own fence as it hears it: at once, and it stays live (not cut off).
        assert asyncio.get_running_loop().time() - started < FENCE_SECONDS / 2
        assert shared.notified.live
        assert key_id not in shared.notified.keys
        assert (await shared.check(None)).version > first.version  # the revocation's commit, notified
        after = await shared.check(key_id)
        assert shared.statements == 2
        assert after.keys[key_id].revoked_at is not None
    finally:
        await shared.unlisten()


async def _count_to(version: int) -> None:
    """The change counter set as a restore (or the writes after one) would leave it."""
    async with db.get_sessionmaker()() as session, session.begin():
        await session.merge(ChangeCounter(id=1, last_seq=version))


async def test_a_version_that_goes_back_is_counted_as_a_rewind(app: FastAPI, database_url: str) -> None:
    """A restored database hands out version numbers again (api/auth/checks.py KeyChecks.rewinds), seen by the
    checks read from the database and by the notifications alike; a version moving on is not a rewind."""
    shared = checks.KeyChecks()
    await _count_to(500)
    assert (await shared.check(None)).version == 500
    await _count_to(501)
    assert (await shared.check(None)).version == 501
    assert shared.rewinds == 0
    await _count_to(480)
    assert (await shared.check(None)).version == 480
    assert shared.rewinds == 1
    if database_url.startswith("sqlite"):
        return
    await shared.listen(Notified(database_url, connect_timeout=10, keepalive=10))
    try:
        assert shared.notified is not None
        assert await shared.notified.until_live(10)
        await _count_to(700)
        await shared.notified.fence()  # every notification sent before it has been applied
        assert (await shared.check(None)).version == 700
        assert shared.rewinds == 1
        await _count_to(650)
        await shared.notified.fence()
        assert (await shared.check(None)).version == 650
        assert shared.notified.rewinds == 1
        assert shared.rewinds == 2
    finally:
        await shared.unlisten()
