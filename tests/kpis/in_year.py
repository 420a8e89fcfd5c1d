"""Shared by the in-year tests: three annual KPIs, one of each combine rule, and readers of the in-year view."""

from typing import Any

from httpx import AsyncClient

KPIS = "/api/v1/kpis"
REFERRALS = "referrals"  # a count of events: months add up
IN_CARE = "children-in-care-at-month-end"  # a snapshot
TIMELY = "assessments-in-45-days"  # a rate
SUBMISSIONS = "/api/v1/kpi-submissions"


async def post(client: AsyncClient, rows: list[dict[str, Any]], **body: Any) -> dict[str, Any]:
    response = await client.post(SUBMISSIONS, json={"rows": rows, **body})
    assert response.status_code == 201, response.text
    summary: dict[str, Any] = response.json()
    return summary


def months(kpi: str, values: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    return [{"kpi": kpi, "period": period, "value": value, **extra} for period, value in values.items()]


async def in_year(client: AsyncClient, kpi: str, query: str = "year=FY2016-17") -> dict[str, Any]:
    response = await client.get(f"{KPIS}/{kpi}/in-year?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def row(body: dict[str, Any], period: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in body["periods"] if item["period"] == period)
    return found
