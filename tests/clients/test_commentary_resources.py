"""SDK round trips against a live worker: commentary on a KPI's figure and on a progress update, edited with the ETag
carried from the read, withdrawn, and its revisions; sync and async."""

import pytest

from strategy_client import AsyncClient, Client, Conflict, PreconditionFailed

pytestmark = pytest.mark.usefixtures("loaded")
KPI = "neet-not-known-16-19"
ACTION = "cic-placement-sufficiency-planning"
PROJECT = "lean-review"


def test_kpi_commentary_written_edited_withdrawn_and_traced(sdk: Client) -> None:
    written = sdk.commentaries.create_on_kpi(KPI, "2016/17", "Tracking cut the not known")
    assert (written.kpi, written.period, written.revision, written.etag) == (KPI, "FY2016-17", 1, '"1"')
    sdk.commentaries.create_on_kpi(KPI, "FY2015-16", "Baseline year")
    assert [c.period for c in sdk.commentaries.list_on_kpi(KPI, page_size=1)] == ["FY2016-17", "FY2015-16"]
    assert [c.id for c in sdk.commentaries.list_on_kpi(KPI, period="2016/17")] == [written.id]
    edited = sdk.commentaries.update(written, "Tracking cut the not known; NEET is next")
    assert (edited.revision, edited.etag) == (2, '"2"')
    with pytest.raises(PreconditionFailed):
        sdk.commentaries.update(written.id, "stale", if_match=written.etag)
    withdrawn = sdk.commentaries.withdraw(written.id)  # the ETag this client saw last
    assert withdrawn.withdrawn_at is not None
    with pytest.raises(Conflict):
        sdk.commentaries.update(withdrawn, "after withdrawal")
    revisions = sdk.commentaries.revisions(written)
    assert [(r.revision, r.withdrawn) for r in revisions] == [(1, False), (2, False), (3, True)]
    assert [c.period for c in sdk.commentaries.list_on_kpi(KPI)] == ["FY2015-16"]
    assert len(list(sdk.commentaries.list_on_kpi(KPI, include_withdrawn=True))) == 2


async def test_progress_update_commentary_async(async_sdk: AsyncClient) -> None:
    on_action = await async_sdk.actions.updates.create(ACTION, status="at_risk", as_of="2016-09-30")
    first = await async_sdk.commentaries.create_on_action_update(ACTION, on_action, "Slipped to November")
    assert (first.action, first.progress_update_id) == (ACTION, on_action.id)
    listed = [c.id async for c in async_sdk.commentaries.list_on_action_update(ACTION, on_action.id)]
    assert listed == [first.id]
    on_project = await async_sdk.projects.updates.create(PROJECT, status="on_track", as_of="2016-09-30")
    second = await async_sdk.commentaries.create_on_project_update(PROJECT, on_project, "Mapping under way")
    assert (await async_sdk.commentaries.get(second.id)).project == PROJECT
    assert [c.text async for c in async_sdk.commentaries.list_on_project_update(PROJECT, on_project)] == [
        "Mapping under way"
    ]
