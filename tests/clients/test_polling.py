"""A dashboard polling through the SDK: refresh() sends back the ETag a pack, the scorecard or a list came with and
gets the same object while the server answers 304; watch() yields each newer answer as the data changes."""

import asyncio

import httpx
import pytest

from strategy_client import AsyncClient, Client, StrategyError, models

pytestmark = pytest.mark.usefixtures("loaded")
ACTION = "cin-implement-graded-care-profile-2"
FOCUS_AREA = "children-in-need-of-help-and-protection"


def _statuses(client: Client) -> list[int]:
    seen: list[int] = []
    client.http.event_hooks["response"].append(lambda response: seen.append(response.status_code))
    return seen


def test_an_unchanged_pack_is_the_same_object_read_as_a_304(sdk: Client) -> None:
    pack = sdk.packs.get("csmt", period="2016/17")
    assert (pack.etag or "").startswith('W/"')
    assert (pack.read_from or "").endswith("/api/v1/governance-bodies/csmt/pack?period=2016%2F17&format=json")
    seen = _statuses(sdk)
    assert sdk.refresh(pack) is pack
    assert seen == [304]


def test_a_change_gives_the_new_answer_then_304s_again(sdk: Client) -> None:
    scorecard = sdk.scorecard.get(tier="council_plan")
    sdk.kpis.values.put("neet-not-known-16-19", "FY2016-17", value=9)
    newer = sdk.refresh(scorecard)
    assert newer is not scorecard
    assert isinstance(newer, models.Scorecard)
    assert newer.etag != scorecard.etag
    neet = next(item for item in newer.items if item.code == "neet-not-known-16-19")
    assert neet.figure is not None
    assert (neet.figure.period, neet.figure.value) == ("FY2016-17", 9)
    seen = _statuses(sdk)
    assert sdk.refresh(newer) is newer
    assert seen == [304]


def test_an_item_still_at_its_version_is_the_same_object(sdk: Client) -> None:
    action = sdk.actions.get(ACTION)
    assert sdk.refresh(action) is action
    changed = sdk.actions.update(action, comments="polled")
    assert changed.read_from is None  # a write's answer: nothing to read again from
    with pytest.raises(StrategyError, match="not read by a GET"):
        sdk.refresh(changed)
    again = sdk.refresh(action)
    assert again is not action
    assert again.comments == "polled"


def test_a_page_of_a_list_is_read_again_with_its_filters(sdk: Client) -> None:
    first, second = [area.key for area in sdk.focus_areas.list_page().items][:2]
    page = sdk.actions.list_page(limit=5, focus_area=first)
    assert sdk.refresh(page) is page
    with pytest.raises(StrategyError, match="an item of a list"):
        sdk.refresh(page.items[0])
    sdk.actions.update(page.items[0].key, focus_area=second)
    again = sdk.refresh(page)
    assert again is not page
    assert page.items[0].key not in [action.key for action in again.items]
    assert again.total == page.total - 1


async def test_watch_yields_each_newer_pack(async_sdk: AsyncClient, sdk_server: str, admin_key: str) -> None:
    pack = await async_sdk.packs.get("csmt", period="2016/17")
    polls: list[int] = []
    async_sdk.http.event_hooks["response"].append(lambda response: _count(polls, response))
    watching = async_sdk.watch(pack, every=0.05)
    following = asyncio.ensure_future(anext(watching))
    for _ in range(500):  # unchanged: 304s, nothing yielded
        if len(polls) >= 3 or following.done():
            break
        await asyncio.sleep(0.02)
    assert not following.done(), following.result()
    assert set(polls) == {304}
    async with AsyncClient(sdk_server, api_key=admin_key) as writer:
        await writer.actions.create(key="cin-fostering-audit", focus_area=FOCUS_AREA, what="Audit fostering")
    newer = await asyncio.wait_for(following, timeout=10)
    assert newer.etag != pack.etag
    assert newer.generated_at > pack.generated_at


async def _count(polls: list[int], response: httpx.Response) -> None:
    polls.append(response.status_code)
