from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import Combine, Polarity, TargetKind, Unit
from tests.factories import Scenario, make_kpi
from tests.kpis.batches import KPI
from tests.kpis.in_year import IN_CARE, REFERRALS, TIMELY


@pytest.fixture
async def kpi(session: AsyncSession, scenario: Scenario) -> str:
    """A KPI measured like DfE's 'second or subsequent child protection plans', with no values yet."""
    await make_kpi(session, KPI, decimal_places=1)
    await session.commit()
    return KPI


@pytest.fixture
async def kpis(session: AsyncSession, scenario: Scenario) -> None:
    """Three annual KPIs, one for each way figures combine: a count of events, a snapshot and a rate."""
    await make_kpi(
        session,
        REFERRALS,
        unit=Unit.count,
        decimal_places=0,
        polarity=Polarity.lower_better,
        combine=Combine.sum,
        targets=[("FY2016-17", TargetKind.numeric, Decimal(1200))],
    )
    await make_kpi(session, IN_CARE, unit=Unit.count, decimal_places=0, polarity=Polarity.none, combine=Combine.latest)
    await make_kpi(
        session,
        TIMELY,
        decimal_places=1,
        polarity=Polarity.higher_better,
        combine=Combine.ratio,
        targets=[("FY2016-17", TargetKind.numeric, Decimal(90))],
    )
    await session.commit()
