"""The packs' shared arrangement: the real strategy a few months into delivery, arranged through the API."""

import pytest
from httpx import AsyncClient

from api.auth.models import Scope
from api.seeding.sync import Tally
from tests.conftest import Minter

TOXIC_TRIO = "cin-thematic-review-toxic-trio"  # CSMT, Sep 2016
PLACEMENTS = "cic-placement-sufficiency-planning"  # AD SLAC, Jun 2016
NEET = "neet-not-known-16-19"


# The borough's figures the scenario submits, each approved at sign-off (tests/signoffs/test_packs.py shows packs
# before that).
APPROVED = ((NEET, "FY2015-16"), (NEET, "FY2016-17"), ("care-leavers-in-eet-16-21", "FY2016-17"))


@pytest.fixture
async def scenario(loaded: Tally, submitter: AsyncClient, csmt: AsyncClient, mint: Minter) -> None:
    """A few months of the strategy in delivery: figures (approved), progress reports and savings."""
    rows = [
        {"kpi": NEET, "period": "FY2015-16", "value": 9},
        {"kpi": NEET, "period": "FY2016-17", "value": 8},
        {"kpi": NEET, "period": "FY2016-17", "scope": "england", "value": 6},
        {"kpi": "care-leavers-in-eet-16-21", "period": "FY2016-17", "value": 56},
    ]
    assert (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).status_code == 201
    approver = {"Authorization": f"Bearer {await mint(Scope.read, Scope.approve, name='head of performance')}"}
    for code, period in APPROVED:
        url = f"/api/v1/kpis/{code}/values/{period}/sign-offs"
        answer = await submitter.post(url, json={"decision": "approved", "revision": 1}, headers=approver)
        assert answer.status_code == 201, answer.text
    updates = [
        (
            f"/api/v1/actions/{TOXIC_TRIO}/updates",
            {
                "status": "at_risk",
                "rag": "amber",
                "percent_complete": 50,
                "commentary": "Audit delayed",
                "as_of": "2016-08-31",
            },
        ),
        (f"/api/v1/actions/{PLACEMENTS}/updates", {"status": "off_track", "rag": "red", "as_of": "2016-10-01"}),
        (
            "/api/v1/projects/lean-review/updates",
            {
                "status": "at_risk",
                "rag": "red",
                "percent_complete": 30,
                "commentary": "Process maps late",
                "as_of": "2016-10-31",
            },
        ),
    ]
    for url, body in updates:
        assert (await csmt.post(url, json=body)).status_code == 201
    savings = {"target_pence": 80_000_000, "forecast_pence": 65_000_000, "delivered_pence": 20_000_000}
    assert (await csmt.put("/api/v1/projects/lean-review/savings/FY2016-17", json=savings)).status_code == 200
