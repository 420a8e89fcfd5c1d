"""SDK round trips against a live worker: a procedure change tested at the ODG and approved at CSMT, meetings scheduled
and changed with the ETag carried from the read, decisions recorded and corrected; sync and async."""

import pytest

from strategy_client import AsyncClient, Client
from strategy_client.errors import Conflict

pytestmark = pytest.mark.usefixtures("loaded")
REF = "procedure-change:missing-episodes"


def test_a_procedure_change_tested_then_approved(sdk: Client) -> None:
    change = sdk.procedure_changes.create(key="missing-episodes", title="Record missing episodes on the day")
    odg = sdk.meetings.create(body="odg", meeting_date="2016-10-03")
    csmt = sdk.meetings.create(body="csmt", meeting_date="2016-10-12", agenda_items=[REF])
    with pytest.raises(Conflict):
        sdk.meetings.decide(csmt, text="Approved", concerns=[REF], procedure_outcome="approved")
    sdk.meetings.decide(odg, text="Tested", concerns=[REF], procedure_outcome="tested")
    approved = sdk.meetings.decide(csmt, text="Approved", concerns=[REF], procedure_outcome="approved")
    assert (approved.number, approved.body) == (1, "csmt")
    assert sdk.procedure_changes.get(change).status == "approved"
    held = sdk.meetings.update(sdk.meetings.get(csmt), status="held")
    assert (held.status, [d.number for d in held.decisions]) == ("held", [1])
    corrected = sdk.meetings.correct(csmt, 1, reasons="The ODG found no snags")
    assert (corrected.reasons, corrected.etag) == ("The ODG found no snags", '"2"')
    assert [d.meeting_date.isoformat() for d in sdk.meetings.decisions(item=REF)] == ["2016-10-12", "2016-10-03"]


async def test_meetings_listed_async(async_sdk: AsyncClient) -> None:
    for day in ("2016-09-14", "2016-10-12"):
        await async_sdk.meetings.create(body="csmt", meeting_date=day)
    listed = [m.meeting_date.isoformat() async for m in async_sdk.meetings.list(body="csmt", from_="2016-10-01")]
    assert listed == ["2016-10-12"]
