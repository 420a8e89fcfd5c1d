"""Loading the KPI return schedules (seed/returns.yaml) by KPI code: created, updated in place, never removed."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import Kpi
from api.owners.models import Owner
from api.periods import Period, PeriodType, parse_period, year_type_for
from api.returns.models import KpiReturnSchedule
from api.seeding.reader import SeedBundle
from api.seeding.sync import Tally, assign, outcome


def _period(text: str | None, frequency: PeriodType, default: date) -> str:
    """A period code as the seed gives it, else the period of the frequency containing ``default``."""
    if text is None:
        return Period.containing(default, frequency).code
    return parse_period(text, year_type=year_type_for(frequency)).code


async def load_returns(session: AsyncSession, bundle: SeedBundle, owners: dict[str, Owner], tally: Tally) -> None:
    kpis = {kpi.code: kpi for kpi in await session.scalars(select(Kpi))}
    existing = {schedule.kpi_id: schedule for schedule in await session.scalars(select(KpiReturnSchedule))}
    for source in bundle.return_schedules:
        kpi = kpis[source.kpi]
        frequency = source.frequency or kpi.period_type
        values: dict[str, object] = {
            "accountable_owner_id": owners[source.accountable_owner].id,
            "submitting_owner_id": owners[source.submitting_owner or source.accountable_owner].id,
            "frequency": frequency,
            "due_basis": source.due_basis,
            "due_days": source.due_days,
            "first_period": _period(source.first_period, frequency, bundle.strategy.strategy.period_start),
            "last_period": _period(source.last_period, frequency, bundle.strategy.strategy.period_end),
        }
        schedule = existing.get(kpi.id)
        if schedule is None:
            session.add(KpiReturnSchedule(kpi_id=kpi.id, **values))
        tally.record("return_schedules", outcome(schedule is None, schedule is not None and assign(schedule, values)))
    await session.flush()
