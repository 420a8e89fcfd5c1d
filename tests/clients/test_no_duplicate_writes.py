"""A write whose answer is lost is retried under the same Idempotency-Key and the worker replays its first answer:
the client gets the result and exactly one write lands. The answer is lost by a proxy in front of a live worker,
after the worker has committed."""

import pytest

from strategy_client import AsyncClient, Client
from tests.clients.proxy import DroppingProxy, first

pytestmark = pytest.mark.usefixtures("loaded")
NEET = "neet-not-known-16-19"
ACTION = "cin-implement-graded-care-profile-2"


def test_a_submission_whose_answer_was_lost_lands_once(sdk_server: str, admin_key: str, sdk: Client) -> None:
    rows: list[dict[str, object]] = [{"kpi": NEET, "period": "FY2016-17", "value": 7}]
    with (
        DroppingProxy(sdk_server, first("POST", "/api/v1/kpi-submissions")) as proxy,
        Client(proxy.base_url, api_key=admin_key, backoff=0.05) as client,
    ):
        summary = client.kpi_submissions.create(rows, source="lost answer")
    lost, replayed = proxy.exchanges
    assert (lost.dropped, lost.status, replayed.status) == (True, 201, 201)
    assert replayed.headers.get("idempotent-replayed") == "true"
    assert lost.headers.get("idempotent-replayed") is None
    [landed] = list(sdk.kpi_submissions.list())
    assert summary.id == landed.id
    assert summary.created == 1
    assert len(list(sdk.kpis.values.list(NEET, period="FY2016-17", history=True))) == 1


async def test_a_progress_update_whose_answer_was_lost_is_added_once(
    sdk_server: str, admin_key: str, async_sdk: AsyncClient
) -> None:
    before = [update.id async for update in async_sdk.actions.updates.list(ACTION)]
    with DroppingProxy(sdk_server, first("POST", f"/api/v1/actions/{ACTION}/updates")) as proxy:
        async with AsyncClient(proxy.base_url, api_key=admin_key, backoff=0.05) as client:
            update = await client.actions.updates.create(ACTION, status="at_risk", rag="amber", as_of="2016-09-30")
    assert [exchange.dropped for exchange in proxy.exchanges] == [True, False]
    assert proxy.exchanges[1].headers.get("idempotent-replayed") == "true"
    after = [found async for found in async_sdk.actions.updates.list(ACTION)]
    assert len(after) == len(before) + 1
    assert update.id in {found.id for found in after}
    assert (update.status, update.rag) == ("at_risk", "amber")
