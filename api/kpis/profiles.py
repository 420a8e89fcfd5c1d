"""Target profiles: a KPI's trajectory toward its target through a year, one point a month or a quarter, set as a
whole (PUT), read, listed and deleted, with an ETag over the whole profile and the audit trail.

A profile is refused (422) when a point is not a month or quarter within the year that the KPI takes figures for,
when its points mix months and quarters or name a period twice, when a snapshot's or a ratio's profile is
cumulative (their points are each period's level already), or when it disagrees with the KPI's numeric target for
the year: the year's last period must then have a point, and the profile's target for the year to date there
(cumulative for a `sum` KPI) must be the annual target. A KPI reported by month (or by calendar year) has no
shorter periods in its year to profile.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import lock_rows, utcnow
from api.errors import Forbidden, InvalidInput, NotFound, ProblemError
from api.kpis import combining
from api.kpis import service as kpi_service
from api.kpis.in_year import annual_target, parse_year, profile_for
from api.kpis.in_year_schemas import ProfilePointRead, TargetProfileIn, TargetProfileQuery, TargetProfileRead
from api.kpis.models import Combine, Kpi, KpiTargetProfile, KpiTargetProfilePoint, ProfileBasis
from api.kpis.validation import range_problems
from api.pagination import fetch_page
from api.periods import InvalidPeriod, Period, parse_period
from api.versioning import Preconditions

RESOURCE = "kpi_target_profile"


def _source(code: str, year: str) -> str:
    return f"/api/v1/kpis/{code}/target-profiles/{year}"


def read(kpi: Kpi, profile: KpiTargetProfile) -> TargetProfileRead:
    year = parse_period(profile.year)
    points = {point.period_end_date: point.value for point in profile.points}
    target = annual_target(kpi, year)
    return TargetProfileRead(
        kpi=kpi.code,
        year=profile.year,
        basis=profile.basis,
        points=[
            ProfilePointRead(
                period=point.period,
                period_end_date=point.period_end_date,
                value=point.value,
                cumulative=_cumulative(kpi, profile.basis, points, point),
            )
            for point in profile.points
        ],
        annual_target=target.value if target is not None else None,
        version=profile.version,
        updated_by=profile.updated_by,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def _cumulative(kpi: Kpi, basis: ProfileBasis, points: dict[date, Decimal], point: KpiTargetProfilePoint) -> Decimal:
    found = combining.profile_target(kpi.combine, basis, points, point.period_end_date)
    return point.value if found is None else found


def snapshot(profile: KpiTargetProfile) -> dict[str, Any]:
    """What the audit trail keeps of a profile: its basis, and each point under 'points.<period>'."""
    return {"basis": profile.basis} | {f"points.{point.period}": point.value for point in profile.points}


def _invalid(problems: list[ProblemError]) -> InvalidInput:
    return InvalidInput(
        "The target profile was not accepted: " + "; ".join(p.msg for p in problems) + ".", errors=problems
    )


def _points(kpi: Kpi, year: Period, data: TargetProfileIn) -> list[tuple[Period, Decimal]]:
    """The points as periods of the year, checked (422 naming each bad point)."""
    shorter = combining.IN_YEAR.get(kpi.period_type, ())
    if not shorter:
        message = f"{kpi.code} is reported by {kpi.period_type.value.replace('_', ' ')}: nothing shorter to profile"
        raise _invalid([ProblemError(loc=["path", "code"], msg=message)])
    problems: list[ProblemError] = []
    points: list[tuple[Period, Decimal]] = []
    for index, point in enumerate(data.points):
        loc: list[str | int] = ["body", "points", index, "period"]
        try:
            period = parse_period(point.period)
        except InvalidPeriod as error:
            problems.append(ProblemError(loc=loc, msg=str(error)))
            continue
        kinds = " or ".join(kind.value.replace("_", " ") for kind in shorter)
        if period.type not in shorter:
            problems.append(
                ProblemError(loc=loc, msg=f"{period.code} is not a {kinds}, the periods {kpi.code} is profiled by")
            )
        elif not year.contains(period):
            problems.append(ProblemError(loc=loc, msg=f"{period.code} is not in {year.code}"))
        elif period in dict(points):
            problems.append(ProblemError(loc=loc, msg=f"{period.code} is given twice"))
        else:
            problems += [
                ProblemError(loc=["body", "points", index, "value"], msg=m)
                for m in range_problems(point.value, kpi.unit)
            ]
            points.append((period, point.value))
    if len({period.type for period, _value in points}) > 1:
        problems.append(
            ProblemError(loc=["body", "points"], msg="give every point for a month, or every point for a quarter")
        )
    if data.basis is ProfileBasis.cumulative and kpi.combine is not Combine.sum:
        message = (
            f"{kpi.code}'s figures combine by {kpi.combine.value}: each point is its period's level, so the basis "
            "is per_period"
        )
        problems.append(ProblemError(loc=["body", "basis"], msg=message))
    if problems:
        raise _invalid(problems)
    return sorted(points, key=lambda found: found[0].end)


def _check_annual(kpi: Kpi, year: Period, basis: ProfileBasis, points: Sequence[tuple[Period, Decimal]]) -> None:
    """The profile's target for the whole year must be the KPI's numeric target for the year, where it has one."""
    target = annual_target(kpi, year)
    if target is None or target.value is None:
        return
    by_end = {period.end: value for period, value in points}
    reached = combining.profile_target(kpi.combine, basis, by_end, year.end)
    if reached is None:
        message = (
            f"the profile has no point for the end of {year.code}, where it must reach the annual target of "
            f"{target.value.normalize():f}"
        )
    elif reached != target.value:
        message = (
            f"the profile reaches {reached.normalize():f} for the year to the end of {year.code}, but {kpi.code}'s "
            f"target for {year.code} is {target.value.normalize():f}"
        )
    else:
        return
    raise _invalid([ProblemError(loc=["body", "points"], msg=message)])


async def _kpi(session: AsyncSession, code: str, actor: Actor | None = None) -> Kpi:
    if actor is not None and not actor.principal.may_submit(code):
        raise Forbidden(f"This key ({actor.principal.name}) may not change KPI '{code}'.")
    return await kpi_service.get_kpi(session, code)


async def get_profile(session: AsyncSession, code: str, year_text: str) -> tuple[Kpi, KpiTargetProfile]:
    kpi = await _kpi(session, code)
    year = parse_year(kpi, year_text, ["path", "year"])
    profile = await profile_for(session, kpi, year.code)
    if profile is None:
        raise NotFound("target profile", f"{kpi.code}/{year.code}")
    return kpi, profile


async def list_profiles(
    session: AsyncSession, code: str, query: TargetProfileQuery
) -> tuple[Kpi, Sequence[KpiTargetProfile], int]:
    kpi = await _kpi(session, code)
    statement = (
        select(KpiTargetProfile)
        .where(KpiTargetProfile.kpi_id == kpi.id)
        .options(selectinload(KpiTargetProfile.points))
        .order_by(KpiTargetProfile.year)
    )
    if query.updated_since is not None:
        statement = statement.where(KpiTargetProfile.updated_at >= query.updated_since)
    rows, total = await fetch_page(session, statement, query)
    return kpi, rows, total


async def put_profile(
    session: AsyncSession, code: str, year_text: str, data: TargetProfileIn, *, actor: Actor, conditions: Preconditions
) -> tuple[Kpi, KpiTargetProfile, bool]:
    """Set a year's whole profile; returns the KPI, the profile and whether it was created. If-Match guards a profile
    that exists (its ETag covers every point); If-None-Match: * sets it only if there is none yet."""
    kpi = await _kpi(session, code, actor)
    year = parse_year(kpi, year_text, ["path", "year"])
    conditions.require(_source(kpi.code, year.code), may_create=True)
    points = _points(kpi, year, data)
    _check_annual(kpi, year, data.basis, points)
    await lock_rows(session, "kpi", [kpi.id])  # writers of a KPI's profiles take turns: one creates, one waits
    profile = await profile_for(session, kpi, year.code)
    conditions.check(profile.version if profile is not None else None)
    wanted = [
        KpiTargetProfilePoint(period=period.code, period_end_date=period.end, value=value) for period, value in points
    ]
    if profile is None:
        profile = KpiTargetProfile(
            kpi_id=kpi.id, year=year.code, basis=data.basis, updated_by=actor.name, points=wanted
        )
        session.add(profile)
        await session.flush()
        await audit.record(
            session,
            actor,
            resource=RESOURCE,
            key=f"{kpi.code}/{year.code}",
            action="create",
            after=snapshot(profile),
            version=profile.version,
        )
        return kpi, profile, True
    before = snapshot(profile)
    if before == {"basis": data.basis} | {f"points.{p.period}": p.value for p in wanted}:
        return kpi, profile, False
    profile.points.clear()
    await session.flush()  # the old points go before the new ones take their periods
    profile.points.extend(wanted)
    profile.basis, profile.updated_by, profile.updated_at = data.basis, actor.name, utcnow()
    await session.flush()
    was, now = audit.changes(before, snapshot(profile) | dict.fromkeys(before.keys() - snapshot(profile).keys()))
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=f"{kpi.code}/{year.code}",
        action="update",
        before=was,
        after=now,
        version=profile.version,
    )
    return kpi, profile, False


async def delete_profile(
    session: AsyncSession, code: str, year_text: str, *, actor: Actor, conditions: Preconditions
) -> None:
    kpi = await _kpi(session, code, actor)
    year = parse_year(kpi, year_text, ["path", "year"])
    conditions.require(_source(kpi.code, year.code))
    await lock_rows(session, "kpi", [kpi.id])
    profile = await profile_for(session, kpi, year.code)
    if profile is None:
        raise NotFound("target profile", f"{kpi.code}/{year.code}")
    conditions.check(profile.version)
    before = snapshot(profile)
    await session.delete(profile)
    await session.flush()
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=f"{kpi.code}/{year.code}",
        action="delete",
        before=before,
        version=profile.version,
    )
