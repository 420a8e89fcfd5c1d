"""The returns owed, as at a date and as known at a moment: loaded in two queries whatever the number of KPIs
(the schedules, and the first borough figure of each KPI and period), then worked out by the pure rules of
api/returns/due.py. Used by GET /returns, the performance challenge and the packs (through api/snapshot.py)."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.bitemporal import AsAt
from api.kpis.models import Kpi, KpiValue, Scope, ScopeKind, Tier
from api.periods import Period, parse_period
from api.returns.due import ReturnStatus, days_late, due_date, london_day, status_of
from api.returns.models import KpiReturnSchedule

TIERS = list(Tier)


@dataclass(frozen=True)
class KpiReturn:
    """One return owed: a KPI's figure for a period, due on a date, and where it stands."""

    schedule: KpiReturnSchedule
    period: Period
    due_date: date
    status: ReturnStatus
    received_at: datetime | None  # the first borough figure's submission, if known by then
    days_late: int | None

    @property
    def kpi(self) -> Kpi:
        return self.schedule.kpi

    @property
    def owner_ids(self) -> frozenset[int]:
        return frozenset({self.schedule.accountable_owner_id, self.schedule.submitting_owner_id})

    @property
    def item(self) -> str:
        return f"return:{self.kpi.code}:{self.period.code}"

    def order(self) -> tuple[date, int, int, str, date]:
        """Due date, then the KPIs' plan order (tier, position), then the period."""
        kpi = self.kpi
        return self.due_date, TIERS.index(kpi.tier), kpi.position, kpi.code, self.period.start


@dataclass(frozen=True)
class Book:
    """Every schedule in force, and when each KPI's figure for a period was first submitted for the borough."""

    schedules: Sequence[KpiReturnSchedule]
    first_received: dict[tuple[int, str], datetime]  # (kpi id, period code) -> first submission

    def owed(self, as_at: date, *, period: str | None = None) -> list[KpiReturn]:
        """The returns owed by the end of ``as_at`` (periods ended by then, from each schedule's first period), in
        due-date and plan order; ``period``: only that period's."""
        found = [item for schedule in self.schedules for item in self._owed(schedule, as_at, period)]
        return sorted(found, key=KpiReturn.order)

    def _owed(self, schedule: KpiReturnSchedule, as_at: date, only: str | None) -> Iterator[KpiReturn]:
        current = parse_period(schedule.first_period)
        last = parse_period(schedule.last_period).end if schedule.last_period else as_at
        while current.end <= min(as_at, last):
            if only is None or current.code == only:
                due = due_date(current.end, schedule.due_basis, schedule.due_days)
                received_at = self.first_received.get((schedule.kpi_id, current.code))
                received_on = london_day(received_at) if received_at else None
                status = status_of(due, received_on, as_at)
                late = days_late(status, due, received_on, as_at)
                shown_at = received_at if status in (ReturnStatus.received, ReturnStatus.late) else None
                yield KpiReturn(schedule, current, due, status, shown_at, late)
            current = current.next()


async def schedules_in_force(session: AsyncSession, known_at: datetime | None) -> Sequence[KpiReturnSchedule]:
    """The schedules in force now, or at ``known_at`` (made by then, not archived by then), of KPIs not archived
    by then, with their KPI and owners."""
    schedule = KpiReturnSchedule
    statement = (
        select(schedule)
        .join(schedule.kpi)
        .options(
            joinedload(schedule.kpi), joinedload(schedule.accountable_owner), joinedload(schedule.submitting_owner)
        )
    )
    if known_at is None:
        statement = statement.where(schedule.archived_at.is_(None), Kpi.archived_at.is_(None))
    else:
        statement = statement.where(
            schedule.created_at <= known_at,
            or_(schedule.archived_at.is_(None), schedule.archived_at > known_at),
            or_(Kpi.archived_at.is_(None), Kpi.archived_at > known_at),
        )
    return (await session.scalars(statement)).all()


async def first_received(
    session: AsyncSession, kpi_ids: Sequence[int], known_at: datetime | None
) -> dict[tuple[int, str], datetime]:
    """When each of these KPIs' borough figures for a period was first submitted (as known at ``known_at``)."""
    if not kpi_ids:
        return {}
    statement = (
        select(KpiValue.kpi_id, KpiValue.period, func.min(KpiValue.submitted_at))
        .join(Scope, Scope.id == KpiValue.scope_id)
        .where(Scope.kind == ScopeKind.borough, KpiValue.kpi_id.in_(kpi_ids))
        .group_by(KpiValue.kpi_id, KpiValue.period)
    )
    if known_at is not None:
        statement = statement.where(KpiValue.submitted_at <= known_at)
    return {(kpi_id, period): first for kpi_id, period, first in await session.execute(statement)}


async def load(session: AsyncSession, dates: AsAt) -> Book:
    schedules = await schedules_in_force(session, dates.known_at)
    received = await first_received(session, [schedule.kpi_id for schedule in schedules], dates.known_at)
    return Book(schedules, received)


LATE_WINDOW = timedelta(days=31)  # a late return is news for a month: CSMT's monthly performance report


def recently_late(item: KpiReturn, as_at: date) -> bool:
    """A return received late in the month up to ``as_at``."""
    return (
        item.status is ReturnStatus.late
        and item.received_at is not None
        and as_at - LATE_WINDOW < london_day(item.received_at) <= as_at
    )
