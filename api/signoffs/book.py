"""Sign-offs as reports read them: the decisions on the figures a pack shows, as known at its moment, and the
approved figures open data publishes. Plain rows, no ORM objects."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.kpis.models import Kpi, KpiValue, StatusSymbol
from api.signoffs.models import Decision, KpiValueSignOff


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision on one revision of a figure, with the figure that revision held."""

    revision: int
    decision: Decision
    reasons: str | None
    decided_at: datetime
    decided_by: str
    value: Decimal | None
    status_symbol: StatusSymbol | None


async def decisions(
    session: AsyncSession, scope_id: int, periods: dict[int, str], known_at: datetime | None
) -> dict[tuple[int, str], list[Decided]]:
    """(kpi id, period) -> the decisions on that figure's revisions, oldest revision first, for the period each KPI
    is shown in (``periods``), as known at ``known_at`` (None: now)."""
    if not periods:
        return {}
    statement = (
        select(
            KpiValue.kpi_id,
            KpiValue.period,
            KpiValue.revision,
            KpiValueSignOff.decision,
            KpiValueSignOff.reasons,
            KpiValueSignOff.decided_at,
            KpiValueSignOff.decided_by,
            KpiValue.value,
            KpiValue.status_symbol,
        )
        .join(KpiValueSignOff, KpiValueSignOff.kpi_value_id == KpiValue.id)
        .where(
            KpiValue.scope_id == scope_id,
            KpiValue.kpi_id.in_(periods),
            KpiValue.period.in_(set(periods.values())),
        )
        .order_by(KpiValue.kpi_id, KpiValue.revision)
    )
    if known_at is not None:
        statement = statement.where(KpiValueSignOff.decided_at <= known_at, KpiValue.submitted_at <= known_at)
    found: defaultdict[tuple[int, str], list[Decided]] = defaultdict(list)
    for kpi_id, period, revision, decision, reasons, decided_at, decided_by, value, symbol in await session.execute(
        statement
    ):
        if periods.get(kpi_id) == period:
            found[(kpi_id, period)].append(Decided(revision, decision, reasons, decided_at, decided_by, value, symbol))
    return dict(found)


@dataclass(frozen=True, slots=True)
class Published:
    """The approved revision of one figure: what open data publishes."""

    kpi_id: int
    period: str
    period_start_date: date
    period_end_date: date
    revision: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status_symbol: StatusSymbol | None
    provisional: bool
    approved_at: datetime


async def approved_figures(session: AsyncSession, scope_id: int, kpi_ids: list[int]) -> dict[int, list[Published]]:
    """kpi id -> each period's latest approved revision of the KPI's own figures for the scope, oldest period first."""
    if not kpi_ids:
        return {}
    rows = await session.execute(
        select(
            KpiValue.kpi_id,
            KpiValue.period,
            KpiValue.period_start_date,
            KpiValue.period_end_date,
            KpiValue.revision,
            KpiValue.value,
            KpiValue.numerator,
            KpiValue.denominator,
            KpiValue.status_symbol,
            KpiValue.provisional,
            KpiValueSignOff.decided_at,
        )
        .join(KpiValueSignOff, KpiValueSignOff.kpi_value_id == KpiValue.id)
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .where(
            KpiValueSignOff.decision == Decision.approved,
            KpiValue.scope_id == scope_id,
            KpiValue.kpi_id.in_(kpi_ids),
            KpiValue.period_type == Kpi.period_type,
        )
        .order_by(KpiValue.kpi_id, KpiValue.period_end_date, KpiValue.period, KpiValue.revision)
    )
    latest: dict[tuple[int, str], Published] = {}
    for row in rows:
        latest[(row[0], row[1])] = Published(*row)  # revisions ascending: the last one stands
    found: defaultdict[int, list[Published]] = defaultdict(list)
    for figure in latest.values():
        found[figure.kpi_id].append(figure)
    return dict(found)
