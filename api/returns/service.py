"""KPI return schedules (created, replaced and withdrawn with governance:write, every change audited) and the list
of returns owed."""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.audit import service as audit
from api.auth.principal import Actor
from api.bitemporal import AsAt
from api.db import lock_rows, utcnow
from api.errors import Forbidden, InvalidInput, NotFound, ProblemError
from api.kpis import service as kpis_service
from api.kpis.models import Kpi
from api.owners.lookup import owners_named
from api.owners.models import Owner
from api.periods import InvalidPeriod, Period, PeriodType, parse_period, year_type_for
from api.returns import book
from api.returns.due import FREQUENCIES
from api.returns.models import KpiReturnSchedule
from api.returns.schemas import ReturnQuery, ReturnScheduleWrite
from api.strategy.models import Strategy
from api.versioning import Preconditions

# When no strategy is loaded: 2016-18, the strategy's own years.
STRATEGY_START, STRATEGY_END = date(2016, 4, 1), date(2018, 3, 31)


def snapshot(schedule: KpiReturnSchedule) -> dict[str, Any]:
    return {
        "accountable_owner": schedule.accountable_owner.code,
        "submitting_owner": schedule.submitting_owner.code,
        "frequency": schedule.frequency,
        "due_basis": schedule.due_basis,
        "due_days": schedule.due_days,
        "first_period": schedule.first_period,
        "last_period": schedule.last_period,
        "archived_at": schedule.archived_at,
    }


async def find(session: AsyncSession, kpi: Kpi, *, populate_existing: bool = False) -> KpiReturnSchedule | None:
    schedule = KpiReturnSchedule
    return await session.scalar(
        select(schedule)
        .where(schedule.kpi_id == kpi.id)
        .options(
            joinedload(schedule.kpi), joinedload(schedule.accountable_owner), joinedload(schedule.submitting_owner)
        )
        .execution_options(populate_existing=populate_existing)
    )


async def get_schedule(session: AsyncSession, code: str) -> KpiReturnSchedule:
    """A KPI's return schedule (404 for an unknown KPI, or one without a schedule)."""
    found = await find(session, await kpis_service.kpi_by_code(session, code))
    if found is None:
        raise NotFound("return schedule for the KPI", code)
    return found


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=["body", field], msg=message)])


def _period(field: str, frequency: PeriodType, text: str) -> Period:
    """A period code given for ``field``, checked to be of the frequency."""
    try:
        period = parse_period(text, year_type=year_type_for(frequency))
    except InvalidPeriod as error:
        raise _refuse(field, str(error)) from error
    if period.type is not frequency:
        raise _refuse(field, f"'{text}' is not a period of the schedule's frequency ({frequency}).")
    return period


async def _span(session: AsyncSession, frequency: PeriodType, data: ReturnScheduleWrite) -> tuple[str, str | None]:
    """The first and last periods asked for, each else the one the strategy starts or ends in; an explicit null
    last period: owed until withdrawn."""
    strategy = (
        await session.execute(select(Strategy.period_start_date, Strategy.period_end_date).order_by(Strategy.id))
    ).first()
    start, end = (strategy[0], strategy[1]) if strategy else (STRATEGY_START, STRATEGY_END)
    first = _period("first_period", frequency, data.first_period) if data.first_period else None
    first = first or Period.containing(start, frequency)
    last: Period | None
    if data.last_period is not None:
        last = _period("last_period", frequency, data.last_period)
    else:
        last = None if "last_period" in data.model_fields_set else Period.containing(end, frequency)
    if last is not None and last.end < first.end:
        raise _refuse("last_period", f"The last period ({last.code}) comes before the first ({first.code}).")
    return first.code, last.code if last else None


async def _values(session: AsyncSession, kpi: Kpi, data: ReturnScheduleWrite) -> dict[str, Any]:
    frequency = data.frequency or kpi.period_type
    if frequency not in FREQUENCIES[kpi.period_type]:
        allowed = ", ".join(sorted(FREQUENCIES[kpi.period_type]))
        raise _refuse("frequency", f"A {kpi.period_type} KPI's figures can be returned by {allowed}, not {frequency}.")
    (accountable,) = await owners_named(session, [data.accountable_owner], field="accountable_owner")
    (submitting,) = await owners_named(
        session, [data.submitting_owner or data.accountable_owner], field="submitting_owner"
    )
    first, last = await _span(session, frequency, data)
    return {
        "accountable_owner_id": accountable.id,
        "submitting_owner_id": submitting.id,
        "frequency": frequency,
        "due_basis": data.due_basis,
        "due_days": data.due_days,
        "first_period": first,
        "last_period": last,
    }


def _grant(actor: Actor, owner_ids: list[int]) -> None:
    if not actor.principal.may_write_for(owner_ids):
        raise Forbidden(
            "This key may write only for its owners: one must be the schedule's accountable or submitting owner "
            "(see GET /api/v1/api-keys/current)."
        )


async def put_schedule(
    session: AsyncSession, code: str, data: ReturnScheduleWrite, *, actor: Actor, conditions: Preconditions
) -> tuple[KpiReturnSchedule, bool]:
    """Create or replace a KPI's schedule (a withdrawn one comes back); True when it was created."""
    kpi = await kpis_service.kpi_by_code(session, code)
    if kpi.archived_at is not None:
        raise _refuse("kpi", f"KPI '{code}' is archived: it owes no returns.")
    values = await _values(session, kpi, data)
    await lock_rows(session, "kpi", [kpi.id])  # two creators of one schedule: the second finds the first's
    existing = await find(session, kpi, populate_existing=True)
    if existing is not None:
        conditions.require(f"/api/v1/kpis/{code}/return-schedule", may_create=True)
    conditions.check(existing.version if existing else None)
    _grant(actor, [values["accountable_owner_id"], values["submitting_owner_id"]])
    if existing is None:
        session.add(KpiReturnSchedule(kpi_id=kpi.id, **values))
        await session.flush()
        created = await get_schedule(session, code)
        await audit.record(
            session,
            actor,
            resource="kpi_return_schedule",
            key=code,
            action="create",
            after=snapshot(created),
            version=created.version,
        )
        return created, True
    _grant(actor, [existing.accountable_owner_id, existing.submitting_owner_id])
    before = snapshot(existing)
    for name, value in {**values, "archived_at": None}.items():
        setattr(existing, name, value)
    return await _saved(session, kpi, code, before, actor, "update"), False


async def withdraw_schedule(
    session: AsyncSession, code: str, *, actor: Actor, conditions: Preconditions
) -> KpiReturnSchedule:
    """Withdraw (archive) a KPI's schedule: no returns are owed from now; the record stays."""
    kpi = await kpis_service.kpi_by_code(session, code)
    source = f"/api/v1/kpis/{code}/return-schedule"
    conditions.require(source)
    await lock_rows(session, "kpi", [kpi.id])
    existing = await find(session, kpi, populate_existing=True)
    if existing is None:
        raise NotFound("return schedule for the KPI", code)
    conditions.check(existing.version)
    _grant(actor, [existing.accountable_owner_id, existing.submitting_owner_id])
    before = snapshot(existing)
    existing.archived_at = existing.archived_at or utcnow()
    return await _saved(session, kpi, code, before, actor, "archive")


async def _saved(
    session: AsyncSession, kpi: Kpi, code: str, before: dict[str, Any], actor: Actor, verb: str
) -> KpiReturnSchedule:
    await session.flush()
    schedule = await find(session, kpi, populate_existing=True)
    assert schedule is not None
    was, now = audit.changes(before, snapshot(schedule))
    if now:
        await audit.record(
            session,
            actor,
            resource="kpi_return_schedule",
            key=code,
            action=verb,
            before=was,
            after=now,
            version=schedule.version,
        )
    return schedule


async def list_returns(session: AsyncSession, query: ReturnQuery, dates: AsAt) -> tuple[list[book.KpiReturn], int]:
    """The returns owed as at ``dates``, filtered, in due-date and plan order, one page of them and the total."""
    assert dates.as_at is not None
    period = None
    if query.period is not None:
        try:
            period = parse_period(query.period).code
        except InvalidPeriod as error:
            raise InvalidInput(str(error), errors=[ProblemError(loc=["query", "period"], msg=str(error))]) from error
    owner_id = None
    if query.owner is not None:
        owner_id = await session.scalar(select(Owner.id).where(Owner.code == query.owner))
        if owner_id is None:
            message = f"'{query.owner}' is not an owner code"
            raise InvalidInput(message, errors=[ProblemError(loc=["query", "owner"], msg=message)])
    if query.kpi is not None and await session.scalar(select(Kpi.id).where(Kpi.code == query.kpi)) is None:
        message = f"'{query.kpi}' is not a KPI code"
        raise InvalidInput(message, errors=[ProblemError(loc=["query", "kpi"], msg=message)])
    loaded = await book.load(session, dates)
    found = [
        item
        for item in loaded.owed(dates.as_at, period=period)
        if (query.kpi is None or item.kpi.code == query.kpi)
        and (owner_id is None or owner_id in item.owner_ids)
        and (query.due_before is None or item.due_date <= query.due_before)
        and (not query.status or item.status in query.status)
    ]
    return found[query.offset : query.offset + query.limit], len(found)
