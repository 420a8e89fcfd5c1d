"""The async client over a live worker, for a representative set: the same methods as the sync one, awaited, and
lists as async iterators."""

import pytest

from strategy_client import AsyncClient, NotFound, PreconditionFailed, models

pytestmark = pytest.mark.usefixtures("loaded")
NEET = "neet-not-known-16-19"
ACTION = "cin-implement-graded-care-profile-2"


async def test_lists_iterate_every_page(async_sdk: AsyncClient) -> None:
    codes = [kpi.code async for kpi in async_sdk.kpis.list(page_size=7)]
    assert len(codes) == len(set(codes)) == (await async_sdk.kpis.list_page(limit=1)).total > 7
    council_plan = [kpi async for kpi in async_sdk.kpis.list(tier="council_plan")]
    assert len(council_plan) == 11


async def test_an_action_changed_with_the_etag_of_its_read(async_sdk: AsyncClient) -> None:
    action = await async_sdk.actions.get(ACTION)
    changed = await async_sdk.actions.update(action, comments="async")
    assert changed.comments == "async"
    with pytest.raises(PreconditionFailed):
        await async_sdk.actions.update(action, comments="stale")


async def test_figures_submissions_and_the_scorecard(async_sdk: AsyncClient) -> None:
    await async_sdk.kpis.values.put(NEET, "FY2016-17", value=8)
    assert (await async_sdk.kpis.values.get(NEET, "FY2016-17")).value == 8
    summary = await async_sdk.kpi_submissions.create(csv=f"kpi,period,value\n{NEET},FY2015-16,9\n")
    assert summary.created == 1
    scorecard = await async_sdk.scorecard.get(tier="council_plan")
    assert len(scorecard.items) == 11
    assert [event async for event in async_sdk.events.list()]


async def test_packs_keys_and_errors(async_sdk: AsyncClient) -> None:
    assert isinstance(await async_sdk.packs.get("csmt"), models.Pack)
    assert (await async_sdk.packs.get("csmt", format="csv")).strip()
    assert "admin" in (await async_sdk.api_keys.current()).scopes
    with pytest.raises(NotFound) as missing:
        await async_sdk.kpis.get("no-such-kpi")
    assert missing.value.request_id
