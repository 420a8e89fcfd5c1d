"""A pack (and the performance challenge) is read as one snapshot: a write that commits while its reads are made
shows in all of it or none of it (api/snapshot.read_as_one)."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.audit import service as audit
from api.auth.principal import system_actor
from api.kpis import service as kpis_service
from api.owners.models import Owner
from api.strategy.models import FocusArea
from tests.factories import make_action

WRITTEN = "written-while-the-pack-was-read"


async def _new_csmt_action() -> None:
    """A new action owned by CSMT (so routed to its pack), committed on a connection of its own, with its event in
    the change feed as any write through the service has (which is what the read cache goes by)."""
    async with db.get_sessionmaker()() as other:
        area = await other.scalar(select(FocusArea).order_by(FocusArea.position))
        csmt = await other.scalar(select(Owner).where(Owner.code == "CSMT"))
        assert area is not None
        assert csmt is not None
        await make_action(other, area, [csmt], key=WRITTEN)
        await audit.record(other, system_actor("another request"), resource="action", key=WRITTEN, action="create")
        await other.commit()


@pytest.fixture
def write_midway(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Commit a new action for CSMT, on a connection of its own, just after the snapshot has read the KPIs and
    before it reads the actions (the first time only); the keys written, as they are."""
    real: Callable[[AsyncSession], Awaitable[Any]] = kpis_service.all_kpis
    written: list[str] = []

    async def all_kpis_then_a_write(session: AsyncSession) -> Any:
        kpis = await real(session)
        if not written:
            await _new_csmt_action()
            written.append(WRITTEN)
        return kpis

    monkeypatch.setattr(kpis_service, "all_kpis", all_kpis_then_a_write)
    return written


def _action_keys(pack: dict[str, Any]) -> set[str]:
    return {action["key"] for area in pack["actions_by_focus_area"] for action in area["actions"]}


async def test_a_write_committed_while_a_pack_is_read_is_left_out_until_the_next_pack(
    client: AsyncClient, scenario: None, write_midway: list[str]
) -> None:
    first = await client.get("/api/v1/governance-bodies/csmt/pack?period=2016/17")
    assert first.status_code == 200, first.text
    assert write_midway == [WRITTEN], "the write was made while the pack was read"
    assert WRITTEN not in _action_keys(first.json())
    assert first.json()["headline"]["actions"] == 56, "the headline counts what the sections show"

    second = await client.get("/api/v1/governance-bodies/csmt/pack?period=2016/17")
    assert WRITTEN in _action_keys(second.json())
    assert second.json()["headline"]["actions"] == 57


async def test_the_performance_challenge_reads_one_snapshot_too(
    client: AsyncClient, scenario: None, write_midway: list[str]
) -> None:
    first = await client.get("/api/v1/performance-exceptions", params={"as_at": "2017-03-31"})
    assert first.status_code == 200, first.text
    assert write_midway == [WRITTEN]
    overdue = {item["item"] for item in first.json()["items"] if item["rule"] == "action-overdue-30-days"}
    assert f"action:{WRITTEN}" not in overdue  # due Sep 2016, no update: overdue as at March 2017 once it is seen

    second = await client.get("/api/v1/performance-exceptions", params={"as_at": "2017-03-31"})
    overdue = {item["item"] for item in second.json()["items"] if item["rule"] == "action-overdue-30-days"}
    assert f"action:{WRITTEN}" in overdue


async def test_a_pack_reads_what_was_committed_before_it_began(client: AsyncClient, scenario: None) -> None:
    """The snapshot begins with the request and ends with it: a pack read before a write leaves no snapshot open on
    its pooled connection for the next pack to see the data through."""
    before = await client.get("/api/v1/governance-bodies/csmt/pack?period=2016/17")
    assert WRITTEN not in _action_keys(before.json())
    await _new_csmt_action()
    pack = await client.get("/api/v1/governance-bodies/csmt/pack?period=2016/17")
    assert WRITTEN in _action_keys(pack.json())
