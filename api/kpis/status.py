"""A KPI's standing for a period: its figure, target, rating, direction of travel and comparators.

The scorecard and the single-KPI status share this code; values are read in one query for every KPI asked about.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.kpis import rating
from api.kpis.models import Kpi, KpiTarget, KpiValue, Scope, ScopeKind, TargetKind, Tier
from api.kpis.rating import Rating, RatingStatus, Travel
from api.kpis.schemas import (
    ComparatorRead,
    FigureRead,
    KpiStatusRead,
    RatingRead,
    TargetSummary,
    TravelRead,
)
from api.periods import YEAR_START_MONTH, Period, PeriodType, parse_period

ENGLAND_GSS = "E92000001"


@dataclass
class Standing:
    kpi: Kpi
    scope: Scope
    period: Period | None
    value: KpiValue | None
    target: KpiTarget | None
    rating: Rating
    vs_previous: Travel | None
    vs_last_year: Travel | None
    comparators: list[KpiValue] = field(default_factory=list)


Series = dict[tuple[int, int], dict[str, KpiValue]]  # (kpi id, scope id) -> period code -> latest revision


async def _series(session: AsyncSession, kpi_ids: Sequence[int], before: datetime | None = None) -> Series:
    rank = func.row_number().over(
        partition_by=(KpiValue.kpi_id, KpiValue.scope_id, KpiValue.period), order_by=KpiValue.revision.desc()
    )
    wanted = select(KpiValue.id, rank.label("rank")).where(KpiValue.kpi_id.in_(kpi_ids))
    if before is not None:  # as the figures stood then: later revisions excluded
        wanted = wanted.where(KpiValue.submitted_at < before)
    ranked = wanted.subquery()
    values = await session.scalars(
        select(KpiValue)
        .join(ranked, ranked.c.id == KpiValue.id)
        .where(ranked.c.rank == 1)
        .options(selectinload(KpiValue.scope))
    )
    series: Series = defaultdict(dict)
    for value in values:
        series[(value.kpi_id, value.scope_id)][value.period] = value
    return series


def period_for(kpi: Kpi, text: str) -> Period:
    """The KPI's own period for what was asked: '2016/17' is AY2016-17 for an academic-year KPI."""
    academic = kpi.period_type is PeriodType.academic_year
    asked = parse_period(text, year_type=PeriodType.academic_year if academic else PeriodType.financial_year)
    if asked.type is kpi.period_type:
        return asked
    if asked.type in YEAR_START_MONTH and kpi.period_type in YEAR_START_MONTH:
        return Period(kpi.period_type, asked.year)
    return Period.containing(asked.start, kpi.period_type)


def _latest_period(values: dict[str, KpiValue]) -> Period | None:
    if not values:
        return None
    newest = max(values.values(), key=lambda value: (value.period_end_date, value.period_start_date))
    return parse_period(newest.period)


def _rate(
    kpi: Kpi,
    period: Period,
    value: KpiValue | None,
    target: KpiTarget | None,
    local: dict[str, KpiValue],
    national: dict[str, KpiValue],
) -> Rating:
    if value is None or value.value is None:
        symbol = f" ('{value.status_symbol.value}')" if value is not None and value.status_symbol else ""
        reason = f"The {period.code} figure is withheld{symbol}." if value else f"No figure for {period.code} yet."
        return Rating(RatingStatus.not_rated, "Not rated", rating.NOT_SHOWN, reason)
    if target is None:
        reason = (
            "A context figure: it has no target." if kpi.tier is Tier.context else f"No target set for {period.code}."
        )
        return Rating(RatingStatus.not_rated, "Not rated", rating.NOT_SHOWN, reason)
    if target.kind is TargetKind.monitor:
        return rating.rate_monitor()
    if target.kind is TargetKind.numeric and target.value is not None:
        return rating.rate_numeric(
            value.value,
            target.value,
            polarity=kpi.polarity,
            amber_tolerance=target.amber_tolerance,
            unit=kpi.unit,
            decimal_places=kpi.decimal_places,
        )
    earlier = period.previous()
    return rating.rate_relative_to_national(
        local_now=value.value,
        local_before=_earlier(kpi, earlier, local),
        national_now=_number(national.get(period.code)),
        national_before=_number(national.get(earlier.code)),
        polarity=kpi.polarity,
        amber_tolerance=target.amber_tolerance,
        unit=kpi.unit,
        decimal_places=kpi.decimal_places,
        period=period.code,
        earlier_period=earlier.code,
    )


def _number(value: KpiValue | None) -> Decimal | None:
    return value.value if value is not None else None


def _earlier(kpi: Kpi, period: Period, local: dict[str, KpiValue]) -> Decimal | None:
    """Our figure for an earlier period; the strategy's baseline (the 2015/16 projection) stands in for it."""
    found = _number(local.get(period.code))
    if found is None and kpi.baseline_period == period.code:
        return kpi.baseline_value
    return found


def _travel(kpi: Kpi, value: KpiValue | None, earlier: Period, local: dict[str, KpiValue]) -> Travel | None:
    if value is None or value.value is None:
        return None
    return rating.direction_of_travel(
        value.value,
        _earlier(kpi, earlier, local),
        polarity=kpi.polarity,
        decimal_places=kpi.decimal_places,
        unit=kpi.unit,
        against=earlier.code,
    )


def stand(kpi: Kpi, scope: Scope, asked: str | None, series: Series, scopes: Sequence[Scope]) -> Standing:
    local = series.get((kpi.id, scope.id), {})
    period = period_for(kpi, asked) if asked else _latest_period(local)
    if period is None:
        no_data = Rating(RatingStatus.not_rated, "Not rated", rating.NOT_SHOWN, "No figures have been submitted.")
        return Standing(kpi, scope, None, None, None, no_data, None, None)
    england = next((s for s in scopes if s.gss_code == ENGLAND_GSS), None)
    national = series.get((kpi.id, england.id), {}) if england else {}
    value = local.get(period.code)
    target = next((t for t in kpi.targets if t.period == period.code), None)
    last_year = period.same_period_last_year()
    comparators = [
        found
        for other in scopes
        if other.kind is ScopeKind.comparator and (found := series.get((kpi.id, other.id), {}).get(period.code))
    ]
    return Standing(
        kpi=kpi,
        scope=scope,
        period=period,
        value=value,
        target=target,
        rating=_rate(kpi, period, value, target, local, national),
        vs_previous=_travel(kpi, value, period.previous(), local),
        vs_last_year=_travel(kpi, value, last_year, local) if last_year != period.previous() else None,
        comparators=comparators,
    )


async def series_for(
    session: AsyncSession, kpi_ids: Sequence[int], as_of: date | None = None
) -> tuple[Series, Sequence[Scope]]:
    """Figures (as they stood at the end of ``as_of``, when given) and every scope, for stand()."""
    before = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC) if as_of else None
    scopes = (await session.scalars(select(Scope).order_by(Scope.kind, Scope.key))).all()
    return await _series(session, kpi_ids, before), scopes


async def standings(
    session: AsyncSession,
    kpis: Sequence[Kpi],
    asked: str | None,
    scope: Scope | None = None,
    as_of: date | None = None,
) -> list[Standing]:
    """Each KPI's standing for a period; with ``as_of``, from the figures as they stood at the end of that day."""
    series, scopes = await series_for(session, [kpi.id for kpi in kpis], as_of)
    scope = scope or next(s for s in scopes if s.kind is ScopeKind.borough)
    return [stand(kpi, scope, asked, series, scopes) for kpi in kpis]


def _display(value: Decimal | None, kpi: Kpi) -> str | None:
    return rating.format_figure(value, kpi.unit, kpi.decimal_places) if value is not None else None


def _target_display(target: KpiTarget, kpi: Kpi) -> str:
    if target.kind is TargetKind.numeric and target.value is not None:
        return rating.format_figure(target.value, kpi.unit, kpi.decimal_places)
    return "Monitor" if target.kind is TargetKind.monitor else "Improve at least in line with the national rate"


def _travel_read(travel: Travel | None) -> TravelRead | None:
    return TravelRead(**asdict(travel)) if travel else None


def to_read(standing: Standing) -> KpiStatusRead:
    kpi, value, target = standing.kpi, standing.value, standing.target
    local = value.value if value else None
    return KpiStatusRead(
        code=kpi.code,
        title=kpi.title,
        tier=kpi.tier,
        unit=kpi.unit,
        polarity=kpi.polarity,
        decimal_places=kpi.decimal_places,
        scope=standing.scope.key,
        period=standing.period.code if standing.period else None,
        baseline_period=kpi.baseline_period,
        baseline_value=kpi.baseline_value,
        figure=FigureRead(
            period=value.period,
            value=value.value,
            display=_display(value.value, kpi),
            numerator=value.numerator,
            denominator=value.denominator,
            status_symbol=value.status_symbol,
            provisional=value.provisional,
            revision=value.revision,
            submitted_at=value.submitted_at,
        )
        if value
        else None,
        target=TargetSummary(
            period=target.period,
            kind=target.kind,
            value=target.value,
            amber_tolerance=target.amber_tolerance,
            display=_target_display(target, kpi),
        )
        if target
        else None,
        rating=RatingRead(**asdict(standing.rating)),
        vs_previous=_travel_read(standing.vs_previous),
        vs_last_year=_travel_read(standing.vs_last_year),
        comparators=[
            ComparatorRead(
                scope=other.scope.key,
                name=other.scope.name,
                value=other.value,
                display=_display(other.value, kpi),
                difference=local - other.value if local is not None and other.value is not None else None,
            )
            for other in standing.comparators
        ],
    )
