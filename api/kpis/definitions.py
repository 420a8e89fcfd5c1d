"""Defining KPIs: creating, changing and archiving definitions and setting their targets, with ETags and the audit
trail. Figures are submitted elsewhere (api/kpis/submissions.py)."""

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import Conflict, InvalidInput, NotFound, ProblemError
from api.kpis import service
from api.kpis.combining import default_combine
from api.kpis.models import Kpi, KpiTarget, KpiValue, Tier
from api.kpis.schemas import KpiCreate, KpiUpdate, TargetIn
from api.kpis.validation import range_problems
from api.periods import InvalidPeriod, Period, parse_period, year_type_for
from api.strategy.models import FocusArea
from api.versioning import WILDCARD, PreconditionFailed, Preconditions, claim_by_key, lock

RESOURCE = "kpi"
DEFINITION = (
    "title",
    "description",
    "tier",
    "unit",
    "decimal_places",
    "polarity",
    "period_type",
    "combine",
    "national_code",
    "national_indicator",
    "baseline_period",
    "baseline_value",
    "baseline_note",
    "note",
)
# Figures already held are read in the KPI's unit and period type: changing either would misread them.
FIXED_ONCE_REPORTED = ("unit", "period_type")


def _target(target: KpiTarget) -> dict[str, Any]:
    return {"kind": target.kind, "value": target.value, "amber_tolerance": target.amber_tolerance, "note": target.note}


def snapshot(kpi: Kpi) -> dict[str, Any]:
    """What the audit trail keeps of a KPI: its definition, and each target under 'targets.<period>'."""
    return (
        {name: getattr(kpi, name) for name in DEFINITION}
        | {"focus_area": kpi.focus_area.key if kpi.focus_area else None, "archived_at": kpi.archived_at}
        | {f"targets.{target.period}": _target(target) for target in kpi.targets}
    )


def _invalid(loc: list[str | int], message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=loc, msg=message)])


def _period(kpi: Kpi, text: str, loc: list[str | int], *, any_type: bool = False) -> Period:
    """A period code read as the KPI reads it (a bare 2016/17 is its kind of year), of the KPI's period type."""
    try:
        period = parse_period(text, year_type=year_type_for(kpi.period_type))
    except InvalidPeriod as error:
        raise _invalid(loc, str(error)) from error
    if period.type is not kpi.period_type and not any_type:
        kind, wanted = period.type.value.replace("_", " "), kpi.period_type.value.replace("_", " ")
        raise _invalid(loc, f"{period.code} is a period of type {kind}, but {kpi.code} is reported by {wanted}")
    return period


def _check_figure(kpi: Kpi, value: Decimal, loc: list[str | int]) -> None:
    problems = range_problems(value, kpi.unit)
    if problems:
        raise _invalid(loc, problems[0])


def _settle_baseline(kpi: Kpi) -> None:
    """Normalise the baseline period and check it, and the baseline figure, fit the KPI (context KPIs: any period)."""
    if kpi.baseline_value is not None and kpi.baseline_period is None:
        raise _invalid(["body", "baseline_period"], "a baseline value needs the period it is for")
    if kpi.baseline_period is not None:
        loc: list[str | int] = ["body", "baseline_period"]
        kpi.baseline_period = _period(kpi, kpi.baseline_period, loc, any_type=kpi.tier is Tier.context).code
    if kpi.baseline_value is not None:
        _check_figure(kpi, kpi.baseline_value, ["body", "baseline_value"])


async def _focus_area(session: AsyncSession, key: str | None) -> FocusArea | None:
    if key is None:
        return None
    area = await session.scalar(select(FocusArea).where(FocusArea.key == key))
    if area is None:
        raise _invalid(["body", "focus_area"], f"no focus area '{key}'")
    return area


async def create_kpi(
    session: AsyncSession, data: KpiCreate, *, actor: Actor, national_indicator: str | None = None
) -> Kpi:
    """A new KPI; ``national_indicator``: the dictionary entry it is adopted from (api/kpis/national.py)."""
    if await session.scalar(select(Kpi.id).where(Kpi.code == data.code)):
        raise Conflict(f"A KPI with code '{data.code}' already exists.")
    last = await session.scalar(select(func.max(Kpi.position)))
    kpi = Kpi(
        **data.model_dump(exclude={"focus_area", "combine"}),
        combine=data.combine or default_combine(data.unit),
        position=(last or 0) + 1,
        national_indicator=national_indicator,
        targets=[],
    )
    kpi.focus_area = await _focus_area(session, data.focus_area)
    _settle_baseline(kpi)
    session.add(kpi)
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the code after we checked
        raise Conflict(
            f"A KPI with code '{data.code}'"
            + (f" or adopting national indicator '{national_indicator}'" if national_indicator else "")
            + " was created at the same time."
        ) from error
    kpi = await service.get_kpi(session, data.code)
    await audit.record(
        session, actor, resource=RESOURCE, key=kpi.code, action="create", after=snapshot(kpi), version=kpi.version
    )
    return kpi


def _source(code: str) -> str:
    return f"/api/v1/kpis/{code}"


def _reload(session: AsyncSession, code: str) -> Callable[[], Awaitable[Kpi]]:
    return lambda: service.get_kpi(session, code, populate_existing=True)


async def _writable(session: AsyncSession, code: str, conditions: Preconditions) -> Kpi:
    """The KPI with its targets, locked and re-read once the preconditions hold."""
    return await claim_by_key(session, service.get_kpi, code, conditions, source=_source(code))


async def _refuse_if_reported(session: AsyncSession, kpi: Kpi, changes: dict[str, Any]) -> None:
    changing = [name for name in FIXED_ONCE_REPORTED if name in changes and changes[name] != getattr(kpi, name)]
    if not changing:
        return
    held = await session.scalar(select(func.count()).select_from(KpiValue).where(KpiValue.kpi_id == kpi.id))
    if held:
        what = " and ".join(name.replace("_", " ") for name in changing)
        raise Conflict(
            f"{kpi.code} already has {held} figure revision(s), each read as {kpi.unit.value} by "
            f"{kpi.period_type.value.replace('_', ' ')}; changing its {what} would silently misread them. "
            "Define a new KPI for the new measure and archive this one."
        )


def _check_targets_fit(kpi: Kpi) -> None:
    misfits = [target.period for target in kpi.targets if parse_period(target.period).type is not kpi.period_type]
    if misfits:
        raise Conflict(
            f"{kpi.code} has targets for {', '.join(misfits)}, which are not periods of type "
            f"{kpi.period_type.value.replace('_', ' ')}: remove or replace them before changing its period type."
        )


async def update_kpi(
    session: AsyncSession, code: str, data: KpiUpdate, *, actor: Actor, conditions: Preconditions
) -> Kpi:
    kpi = await _writable(session, code, conditions)
    changes = data.model_dump(exclude_unset=True)
    await _refuse_if_reported(session, kpi, changes)
    before = snapshot(kpi)
    for name in DEFINITION:
        if name in changes:
            setattr(kpi, name, changes[name])
    if "focus_area" in changes:
        kpi.focus_area = await _focus_area(session, data.focus_area)
    if changes.keys() & {"tier", "unit", "period_type", "baseline_period", "baseline_value"}:
        _settle_baseline(kpi)
    if "period_type" in changes:
        _check_targets_fit(kpi)
    return await _save(session, kpi, actor, "update", before)


async def archive_kpi(session: AsyncSession, code: str, *, actor: Actor, conditions: Preconditions) -> Kpi:
    kpi = await _writable(session, code, conditions)
    if kpi.archived_at is not None:
        return kpi
    before = snapshot(kpi)
    kpi.archived_at = utcnow()
    return await _save(session, kpi, actor, "archive", before)


async def set_target(
    session: AsyncSession, code: str, period_text: str, data: TargetIn, *, actor: Actor, conditions: Preconditions
) -> Kpi:
    """Upsert one period's target. If-Match guards the whole KPI (its targets included); If-None-Match: * sets the
    target only if the period has none yet."""
    kpi = await service.get_kpi(session, code)
    conditions.require(_source(code), may_create=True)
    kpi = await lock(session, kpi, _reload(session, code))
    if kpi.tier is Tier.context:
        raise Conflict(f"{kpi.code} is a context KPI: it describes the borough and has no target.")
    period = _period(kpi, period_text, ["path", "period"])
    if data.value is not None:
        _check_figure(kpi, data.value, ["body", "value"])
    wanted = data.model_dump()
    target = next((target for target in kpi.targets if target.period == period.code), None)
    _check_target_conditions(conditions, kpi, period.code, exists=target is not None)
    if target is not None and _target(target) == wanted:
        return kpi
    before = snapshot(kpi)
    if target is None:
        kpi.targets.append(KpiTarget(period=period.code, period_start_date=period.start, **wanted))
        kpi.targets.sort(key=lambda item: item.period_start_date)
    else:
        for name, value in wanted.items():
            setattr(target, name, value)
    return await _save(session, kpi, actor, "set_target", before, touch=True)


def _check_target_conditions(conditions: Preconditions, kpi: Kpi, period: str, *, exists: bool) -> None:
    """If-Match is checked against the KPI's version; If-None-Match: * against the period's target."""
    if conditions.if_none_match is not None and conditions.if_none_match.strip() == WILDCARD:
        if exists:
            raise PreconditionFailed(f"{kpi.code} already has a target for {period}; send If-Match to change it.")
        conditions = Preconditions(if_match=conditions.if_match)
    conditions.check(kpi.version)


async def remove_target(
    session: AsyncSession, code: str, period_text: str, *, actor: Actor, conditions: Preconditions
) -> Kpi:
    kpi = await _writable(session, code, conditions)
    period = _period(kpi, period_text, ["path", "period"], any_type=True)
    target = next((target for target in kpi.targets if target.period == period.code), None)
    if target is None:
        raise NotFound("target", f"{kpi.code}/{period.code}")
    before = snapshot(kpi)
    kpi.targets.remove(target)
    return await _save(session, kpi, actor, "remove_target", before, touch=True)


async def _save(
    session: AsyncSession, kpi: Kpi, actor: Actor, verb: str, before: dict[str, Any], *, touch: bool = False
) -> Kpi:
    """Write the change and audit what changed. ``touch``: only targets changed, so update the KPI row itself in the
    same flush (before its targets): its version moves on, and a concurrent writer with the same ETag gets 412."""
    if touch:
        kpi.updated_at = utcnow()
    await session.flush()
    after = snapshot(kpi)
    was, now = audit.changes(before, after | dict.fromkeys(before.keys() - after.keys()))
    if now:
        await audit.record(
            session, actor, resource=RESOURCE, key=kpi.code, action=verb, before=was, after=now, version=kpi.version
        )
    return kpi
