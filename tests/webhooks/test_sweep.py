"""The worker's sweep: overdue actions, late returns, exceptions and rating changes found by the services that packs
and the scorecard use, announced once each, after a first sweep that only takes its starting point."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from api import db
from api.seeding.sync import Tally
from api.webhooks import worker
from api.webhooks.models import WebhookEvent, WebhookEventType

FOCUS_AREA = "children-in-need-of-help-and-protection"
KPI = "neet-not-known-16-19"


async def _events(type: WebhookEventType) -> list[dict[str, Any]]:
    async with db.get_sessionmaker()() as session:
        rows = (await session.scalars(select(WebhookEvent).where(WebhookEvent.type == type))).all()
        return [row.data for row in rows]


async def test_a_sweep_of_an_empty_database_writes_nothing(admin: AsyncClient) -> None:
    assert await worker.sweep_once() == 0
    assert await worker.sweep_once() == 0


async def test_the_first_sweep_announces_nothing_and_the_next_only_what_is_new(
    admin: AsyncClient, loaded: Tally
) -> None:
    assert await worker.sweep_once() == 0, "the seed's long-overdue actions are the starting point"
    assert await worker.sweep_once() == 0
    made = await admin.post(
        "/api/v1/actions", json={"key": "cin-new-audit", "focus_area": FOCUS_AREA, "what": "Audit", "when": "Sep 2016"}
    )
    assert made.status_code == 201, made.text
    assert await worker.sweep_once() == 2
    [overdue] = await _events(WebhookEventType.action_overdue)
    assert (overdue["action"], overdue["due_date"]) == ("cin-new-audit", "2016-09-30")
    [raised] = await _events(WebhookEventType.exception_raised)
    assert raised["rule"] == "action-overdue-30-days"
    assert "cin-new-audit" in raised["item"]
    assert await worker.sweep_once() == 0, "announced once"


async def test_a_return_that_falls_late_is_announced(admin: AsyncClient, loaded: Tally) -> None:
    await worker.sweep_once()
    where = f"/api/v1/kpis/{KPI}/return-schedule"
    etag = (await admin.get(where)).headers["etag"]
    quarterly = {
        "accountable_owner": "AD Schools",
        "submitting_owner": "AD SLAC",
        "frequency": "financial_quarter",
        "due_basis": "calendar_days",
        "due_days": 20,
        "first_period": "FY2016-17-Q2",
        "last_period": "FY2016-17-Q3",
    }
    changed = await admin.put(where, json=quarterly, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text
    await worker.sweep_once()
    late = await _events(WebhookEventType.kpi_return_late)
    assert {(event["kpi"], event["period"]) for event in late} == {(KPI, "FY2016-17-Q2"), (KPI, "FY2016-17-Q3")}
    assert {event["status"] for event in late} == {"missing"}
    assert await worker.sweep_once() == 0


async def test_a_kpi_whose_rating_changes_is_announced_with_its_previous_rating(
    admin: AsyncClient, loaded: Tally
) -> None:
    where = f"/api/v1/kpis/{KPI}/values/FY2016-17"
    first = await admin.put(where, json={"value": 0.5})
    assert first.status_code in (200, 201), first.text
    await worker.sweep_once()
    assert await worker.sweep_once() == 0
    changed = await admin.put(where, json={"value": 60}, headers={"If-Match": first.headers["etag"]})
    assert changed.status_code == 200, changed.text
    await worker.sweep_once()
    [event] = await _events(WebhookEventType.kpi_rating_changed)
    assert (event["kpi"], event["period"]) == (KPI, "FY2016-17")
    assert event["previous_rating"] != event["rating"]
    assert {event["previous_rating"], event["rating"]} <= {"green", "amber", "red", "not_rated"}
