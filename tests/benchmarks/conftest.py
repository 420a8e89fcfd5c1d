"""Real published figures for the comparator group and benchmark tests: every local authority's, region's and
England's percentage of child protection plans that were a second or subsequent plan, 2012-13 to 2024-25, read from
DfE's table D3 (seed/national/d3_cpps_subsequent_plan_2013_to_2025.csv).

Built once per module on top of the strategy: the places made with geography.ensure_places (the one step done in a
session, so that these tests stand apart from the import's mapping rules, which tests/benchmarks/test_imports.py
covers over HTTP), then a KPI defined and every figure submitted over HTTP as one JSON batch, each row's scope given
by its GSS code. The tables are kept as a snapshot, which a
module's tests have restored before anything else is written (a module asks for it by overriding clean_tables)."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from api import db
from api.auth import service as auth_service
from api.auth.models import Scope
from api.auth.principal import system_actor
from api.auth.schemas import ApiKeyCreate
from api.benchmarks.ees import SYMBOLS, period_code
from api.benchmarks.geography import Place, ensure_places
from api.kpis.models import GeographyLevel
from tests.dfe import DFE_DIR
from tests.factories import Rows, SeedSnapshot, empty_database, restore_snapshot, take_snapshot

D3 = DFE_DIR / "d3_cpps_subsequent_plan_2013_to_2025.csv"
KPI = "cp-subsequent-plans"
KPI_DEFINITION: dict[str, Any] = {
    "code": KPI,
    "title": "Child protection plans starting in the year which were a second or subsequent plan",
    "tier": "service_indicator",
    "unit": "percent",
    "decimal_places": 1,
    "polarity": "lower_better",
    "period_type": "financial_year",
}
LEVELS = {
    "National": GeographyLevel.country,
    "Regional": GeographyLevel.region,
    "Local authority": GeographyLevel.local_authority,
}


@dataclass(frozen=True)
class D3Row:
    period: str  # the service's code: time_period 2024 is FY2023-24
    level: GeographyLevel
    gss_code: str
    name: str
    old_la_code: str | None
    region_code: str | None
    percent: str  # as published: a number or a symbol

    @property
    def value(self) -> Decimal | None:
        return None if self.percent in SYMBOLS else Decimal(self.percent)


@cache
def d3_rows() -> tuple[D3Row, ...]:
    with D3.open(encoding="utf-8-sig", newline="") as file:
        return tuple(_row(row) for row in csv.DictReader(file))


def _row(row: dict[str, str]) -> D3Row:
    level = LEVELS[row["geographic_level"]]
    gss = {
        GeographyLevel.country: row["country_code"],
        GeographyLevel.region: row["region_code"],
        GeographyLevel.local_authority: row["new_la_code"],
    }[level]
    name = {GeographyLevel.country: row["country_name"], GeographyLevel.region: row["region_name"]}.get(
        level, row["la_name"]
    )
    local = level is GeographyLevel.local_authority
    return D3Row(
        period=period_code(row["time_period"], row["time_identifier"]),
        level=level,
        gss_code=gss,
        name=name,
        old_la_code=row["old_la_code"] if local else None,
        region_code=row["region_code"] if local else None,
        percent=row["CPP_subsequent_percent"],
    )


def in_period(period: str, level: GeographyLevel = GeographyLevel.local_authority) -> Iterator[D3Row]:
    return (row for row in d3_rows() if row.period == period and row.level is level)


def places() -> list[Place]:
    """Every place in the file as it was last published. Three authorities kept their LA number under a new GSS
    code (North Yorkshire, Buckinghamshire, Somerset): the number goes to the newest code, the older code is a place
    of its own, so that each row lands on one scope."""
    latest: dict[str, D3Row] = {}
    for row in sorted(d3_rows(), key=lambda row: row.period):
        latest[row.gss_code] = row
    numbered = {row.old_la_code: row.gss_code for row in latest.values() if row.old_la_code}  # newest code wins
    return [
        Place(
            row.level,
            row.gss_code,
            row.name,
            old_la_code=row.old_la_code if row.old_la_code and numbered[row.old_la_code] == row.gss_code else None,
            region_code=row.region_code,
        )
        for row in latest.values()
    ]


def submission_rows() -> list[dict[str, Any]]:
    return [
        {"kpi": KPI, "period": row.period, "scope": row.gss_code}
        | ({"status_symbol": SYMBOLS[row.percent].value} if row.value is None else {"value": row.percent})
        for row in d3_rows()
    ]


@pytest.fixture(scope="module")
async def published(seeded: SeedSnapshot, shared_app: FastAPI) -> Rows:
    """The strategy, every place in D3 and every figure, as a snapshot of the tables; the database is left empty."""
    await restore_snapshot(seeded.rows)
    tests = system_actor("tests")
    async with db.get_sessionmaker()() as session, session.begin():
        await ensure_places(session, places(), tests)
        _, token = await auth_service.create_key(
            session, ApiKeyCreate(name="DfE figures", scopes=[Scope.admin]), actor=tests
        )
    headers = {"Authorization": f"Bearer {token}"}
    async with AsyncClient(transport=ASGITransport(app=shared_app), base_url="http://test", headers=headers) as client:
        defined = await client.post("/api/v1/kpis", json=KPI_DEFINITION)
        assert defined.status_code == 201, defined.text
        batch = {"rows": submission_rows(), "source": "DfE, Children in need, table D3"}
        submitted = await client.post("/api/v1/kpi-submissions", json=batch)
        assert submitted.status_code == 201, submitted.text
        assert submitted.json()["created"] == len(d3_rows()) == 2132
    rows = await take_snapshot()
    await empty_database()
    return rows
