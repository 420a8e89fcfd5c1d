import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import Scenario, make_kpi
from tests.kpis.batches import KPI


@pytest.fixture
async def kpi(session: AsyncSession, scenario: Scenario) -> str:
    """A KPI measured like DfE's 'second or subsequent child protection plans', with no values yet."""
    await make_kpi(session, KPI, decimal_places=1)
    await session.commit()
    return KPI
