"""A quarterly KPI with a return schedule: AD SLAC accountable, AD EHPP submitting, ten working days."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.kpis.models import Kpi, KpiValue
from api.periods import PeriodType
from tests.factories import make_focus_area, make_kpi, make_owner, make_scope, make_strategy

CODE = "quarterly-assessments"
SCHEDULE = f"/api/v1/kpis/{CODE}/return-schedule"


@dataclass(frozen=True)
class Calendar:
    kpi: Kpi


@pytest.fixture
async def calendar(session: AsyncSession, governor: AsyncClient) -> Calendar:
    strategy = await make_strategy(session)
    area = await make_focus_area(session, strategy, key="children-in-need", position=6)
    dcs = await make_owner(session, "DCS")
    await make_owner(session, "AD SLAC", parent_id=dcs.id)
    await make_owner(session, "AD EHPP", parent_id=dcs.id, aliases=["Ad EHPP"])
    await make_owner(session, "LSCB")
    await make_scope(session, "stockton-on-tees")
    await make_scope(session, "england")
    kpi = await make_kpi(
        session, CODE, focus_area=area, period_type=PeriodType.financial_quarter, title="Assessments in 45 days"
    )
    await session.commit()
    answer = await governor.put(SCHEDULE, json={"accountable_owner": "AD SLAC", "submitting_owner": "AD EHPP"})
    assert answer.status_code == 201, answer.text
    return Calendar(kpi)


async def submit(client: AsyncClient, period: str, value: float, *, scope: str = "stockton-on-tees") -> None:
    answer = await client.put(f"/api/v1/kpis/{CODE}/values/{period}", params={"scope": scope}, json={"value": value})
    assert answer.status_code in (200, 201), answer.text


async def submitted_at(period: str, when: datetime) -> None:
    """As if the period's figures had been submitted at ``when``."""
    async with db.get_sessionmaker()() as session:
        await session.execute(update(KpiValue).where(KpiValue.period == period).values(submitted_at=when))
        await session.commit()
