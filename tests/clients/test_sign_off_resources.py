"""SDK round trips, sync, against a live worker: a figure submitted by one key, found in the approvers' queue and
approved by another, then corrected and awaiting sign-off again."""

import pytest

from api.auth.models import Scope
from strategy_client import Client, Conflict
from tests.conftest import Minter

pytestmark = pytest.mark.usefixtures("loaded")
NEET = "neet-not-known-16-19"


async def test_a_figure_queued_approved_and_corrected(sdk_server: str, mint: Minter) -> None:
    approver_key = await mint(Scope.read, Scope.approve, owner_codes=["AD Schools"], name="AD Schools approver")
    submitter_key = await mint(Scope.read, Scope.kpi_submit, name="performance officer")
    with Client(sdk_server, api_key=submitter_key) as submitter, Client(sdk_server, api_key=approver_key) as approver:
        written = submitter.kpis.values.put(NEET, "FY2016-17", value=8)
        queued = list(approver.sign_offs.list(owner="AD Schools"))
        assert [(item.kpi, item.period, item.revision) for item in queued] == [(NEET, "FY2016-17", written.revision)]
        approved = approver.kpis.values.sign_off(NEET, "FY2016-17", written.revision)
        assert (approved.sign_off_state, approved.approved_revision) == ("approved", written.revision)
        assert list(approver.sign_offs.list(kpi=NEET)) == []
        submitter.kpis.values.put(NEET, "FY2016-17", value=9)
        with pytest.raises(Conflict):
            approver.kpis.values.sign_off(NEET, "FY2016-17", written.revision)
        read = submitter.kpis.values.get(NEET, "FY2016-17")
        assert (read.sign_off_state, read.approved_revision) == ("awaiting_sign_off", written.revision)
