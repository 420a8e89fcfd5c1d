"""SDK round trips against a live worker: the assurance programme recorded, listed, changed with the ETag carried
from the read, archived, and its reports; sync and async."""

import pytest

from strategy_client import AsyncClient, Client, PreconditionFailed
from strategy_client.errors import UnprocessableEntity

pytestmark = pytest.mark.usefixtures("loaded")
ACTION = "cin-thematic-review-toxic-trio"


def test_an_audit_recorded_changed_archived_and_reported(sdk: Client) -> None:
    audit = sdk.assurance.create(
        kind="case_file_audit",
        team="reviewing-unit",
        carried_out_on="2016-09-14",
        carried_out_by_role="Service manager",
        grading="requires_improvement",
        themes=["Voice of the child"],
        actions=[{"action": ACTION, "relation": "raises"}],
    )
    assert (audit.themes, audit.etag) == (["voice-of-the-child"], '"1"')
    assert [a.id for a in sdk.assurance.list(from_="2016-09-01", to="2016-09-30", theme="Voice of the Child")] == [
        audit.id
    ]
    changed = sdk.assurance.update(audit, grading="good")
    assert (changed.grading, changed.etag) == ("good", '"2"')
    with pytest.raises(PreconditionFailed):
        sdk.assurance.update(audit.id, grading="inadequate", if_match=audit.etag)
    gradings = sdk.assurance.gradings(from_="2016-07-01", to="2016-09-30")
    assert gradings.total.counts.good == 1
    assert [action.action for action in sdk.assurance.actions().items] == [ACTION]
    with pytest.raises(UnprocessableEntity) as refused:
        sdk.assurance.create(
            kind="member_visit", team="reviewing-unit", carried_out_on="2016-09-14", carried_out_by_role="Mr Smith"
        )
    assert [error.loc for error in refused.value.problem.errors or []] == [["body", "carried_out_by_role"]]
    assert sdk.assurance.archive(audit.id).archived_at is not None
    assert list(sdk.assurance.list()) == []


async def test_recurring_themes_async(async_sdk: AsyncClient) -> None:
    for day, theme in (("2016-05-10", "Drift and delay"), ("2016-06-10", "drift & delay")):
        await async_sdk.assurance.create(
            kind="team_performance_review",
            team="early-help-team",
            carried_out_on=day,
            carried_out_by_role="AD EHPP",
            themes=[theme],
        )
    report = await async_sdk.assurance.themes(min_count=2)
    assert [(item.theme, item.count) for item in report.items] == [("drift-and-delay", 2)]
