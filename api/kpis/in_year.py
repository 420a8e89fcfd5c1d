"""A KPI's in-year figures: each month and quarter of a year with its figure, the year to date, the rolling twelve
months and the rating of the year to date against the year's target profile. Nothing here is typed in: every
combined figure is worked out on read from the latest revisions (as at and as known at a moment), by the KPI's
`combine` rule (api/kpis/combining.py)."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.bitemporal import AsAt
from api.errors import InvalidInput, ProblemError
from api.kpis import combining, rating
from api.kpis import service as kpi_service
from api.kpis.combining import Combined, Piece
from api.kpis.in_year_schemas import (
    CombinedRead,
    InYearFigureRead,
    InYearPeriodRead,
    InYearQuery,
    InYearRead,
    YearToDateRead,
)
from api.kpis.models import Combine, Kpi, KpiTarget, KpiTargetProfile, KpiValue, Scope, TargetKind
from api.kpis.rating import Rating, RatingStatus
from api.kpis.schemas import RatingRead
from api.periods import InvalidPeriod, Period, PeriodType, parse_period

RULES = {
    Combine.sum: "Counts add up: a quarter is its months added up, the year to date the months so far.",
    Combine.latest: "A snapshot: a quarter's figure is its last month's, the year to date the latest period's.",
    Combine.ratio: "A rate: the sum of the numerators over the sum of the denominators of the periods combined.",
}
SHORT = (PeriodType.month, PeriodType.financial_quarter)


def year_type(kpi: Kpi) -> PeriodType:
    """The kind of year a KPI's months and quarters fall in: academic for an academic-year KPI, else financial."""
    if kpi.period_type is PeriodType.calendar_year:
        message = f"{kpi.code} is reported by calendar year: it has no months or quarters within its year."
        raise InvalidInput(message, errors=[ProblemError(loc=["path", "code"], msg=message)])
    return PeriodType.academic_year if kpi.period_type is PeriodType.academic_year else PeriodType.financial_year


def parse_year(kpi: Kpi, text: str, loc: list[str | int]) -> Period:
    """A year as the KPI reads it (2016/17 is its kind of year); 422 for anything else."""
    kind = year_type(kpi)
    try:
        year = parse_period(text, year_type=kind)
    except InvalidPeriod as error:
        raise InvalidInput(str(error), errors=[ProblemError(loc=loc, msg=str(error))]) from error
    if year.type is not kind:
        message = f"{year.code} is not a {kind.value.replace('_', ' ')}: {kpi.code}'s months fall in those."
        raise InvalidInput(message, errors=[ProblemError(loc=loc, msg=message)])
    return year


def quarters_of(year: Period) -> list[Period]:
    if year.type is not PeriodType.financial_year:
        return []
    return [Period(PeriodType.financial_quarter, year.year, index) for index in range(1, 5)]


@dataclass(frozen=True)
class Held:
    """The latest revision of a submitted month's or quarter's figure."""

    piece: Piece
    revision: int
    provisional: bool


async def _held(
    session: AsyncSession, kpi: Kpi, scope: Scope, first: date, last: date, moment: AsAt
) -> dict[str, Held]:
    """The latest revision of each month's and quarter's figure ending between two dates."""
    rank = func.row_number().over(partition_by=KpiValue.period, order_by=KpiValue.revision.desc()).label("rank")
    ranked = (
        select(
            KpiValue.period,
            KpiValue.value,
            KpiValue.numerator,
            KpiValue.denominator,
            KpiValue.status_symbol,
            KpiValue.revision,
            KpiValue.provisional,
            rank,
        )
        .where(
            KpiValue.kpi_id == kpi.id,
            KpiValue.scope_id == scope.id,
            KpiValue.period_type.in_(SHORT),
            KpiValue.period_end_date.between(first, last),
            *moment.clauses(recorded=KpiValue.submitted_at, dated=KpiValue.period_end_date),
        )
        .subquery()
    )
    rows = await session.execute(select(ranked).where(ranked.c.rank == 1))
    return {
        row.period: Held(
            Piece(row.period, row.value, row.numerator, row.denominator, row.status_symbol),
            row.revision,
            row.provisional,
        )
        for row in rows
    }


async def _default_year(session: AsyncSession, kpi: Kpi, scope: Scope, moment: AsAt) -> Period:
    """The year of the latest month or quarter with a figure, else the current year."""
    latest = await session.scalar(
        select(func.max(KpiValue.period_end_date)).where(
            KpiValue.kpi_id == kpi.id,
            KpiValue.scope_id == scope.id,
            KpiValue.period_type.in_(SHORT),
            *moment.clauses(recorded=KpiValue.submitted_at, dated=KpiValue.period_end_date),
        )
    )
    return Period.containing(latest or moment.as_at or date.today(), year_type(kpi))


async def profile_for(session: AsyncSession, kpi: Kpi, year: str) -> KpiTargetProfile | None:
    return await session.scalar(
        select(KpiTargetProfile)
        .where(KpiTargetProfile.kpi_id == kpi.id, KpiTargetProfile.year == year)
        .options(selectinload(KpiTargetProfile.points))
    )


def annual_target(kpi: Kpi, year: Period) -> KpiTarget | None:
    """The KPI's numeric target for the year (an annual KPI's), if it has one."""
    target = next((target for target in kpi.targets if target.period == year.code), None)
    return target if target is not None and target.kind is TargetKind.numeric and target.value is not None else None


async def in_year(session: AsyncSession, code: str, query: InYearQuery) -> InYearRead:
    kpi = await kpi_service.get_kpi(session, code)
    scope = await kpi_service.get_scope(session, query.scope) if query.scope else await kpi_service.borough(session)
    moment = AsAt(query.as_at, query.known_at)
    year = (
        parse_year(kpi, query.year, ["query", "year"])
        if query.year
        else await _default_year(session, kpi, scope, moment)
    )
    months = combining.months_of(year, year)
    before_year = months[0]
    for _ in range(11):  # the rolling twelve months reach back into the year before
        before_year = before_year.previous()
    held = await _held(session, kpi, scope, before_year.end, year.end, moment)
    profile = await profile_for(session, kpi, year.code)
    sheet = _Sheet(
        kpi, months, {code: found.piece for code, found in held.items()}, held, profile, annual_target(kpi, year)
    )
    periods = sorted([*months, *quarters_of(year)], key=lambda p: (p.end, p.type is not PeriodType.month))
    return InYearRead(
        code=kpi.code,
        title=kpi.title,
        unit=kpi.unit,
        decimal_places=kpi.decimal_places,
        polarity=kpi.polarity,
        period_type=kpi.period_type,
        combine=kpi.combine,
        combine_rule=RULES[kpi.combine],
        scope=scope.key,
        year=year.code,
        as_at=query.as_at,
        known_at=query.known_at,
        profile_basis=profile.basis if profile else None,
        profile_version=profile.version if profile else None,
        periods=[sheet.row(period) for period in periods],
    )


@dataclass(frozen=True)
class _Sheet:
    kpi: Kpi
    months: Sequence[Period]
    figures: dict[str, Piece]
    held: dict[str, Held]
    profile: KpiTargetProfile | None
    target: KpiTarget | None

    def combined(self, found: Combined) -> CombinedRead:
        kpi = self.kpi
        shown = rating.display(found.value, kpi)
        return CombinedRead(
            value=found.value,
            display=shown,
            numerator=found.numerator,
            denominator=found.denominator,
            parts=list(found.parts),
            reason=found.reason,
        )

    def figure(self, period: Period) -> InYearFigureRead:
        held = self.held.get(period.code)
        if held is not None:
            piece = held.piece
            withheld = f"The figure is withheld ('{piece.status_symbol}')." if piece.value is None else None
            found = Combined(piece.value, piece.numerator, piece.denominator, (period.code,), withheld)
            read = self.combined(found).model_dump()
            return InYearFigureRead(**read, source="submitted", revision=held.revision, provisional=held.provisional)
        if period.type is PeriodType.financial_quarter:
            months = combining.months_of(period, period)
            found = combining.over(self.kpi.combine, self.kpi.unit, months, self.figures, quarters=False)
            read = self.combined(found).model_dump()
            return InYearFigureRead(
                **read, source="combined" if found.value is not None else None, revision=None, provisional=None
            )
        empty = Combined(None, None, None, (), f"No figure for {period.code} has been submitted.")
        return InYearFigureRead(**self.combined(empty).model_dump(), source=None, revision=None, provisional=None)

    def row(self, period: Period) -> InYearPeriodRead:
        kpi = self.kpi
        last_month = Period.containing(period.end, PeriodType.month)
        so_far = [month for month in self.months if month.end <= period.end]
        to_date = combining.over(kpi.combine, kpi.unit, so_far, self.figures)
        quarters = any(part.startswith("FY") for part in to_date.parts)
        target = self._target(period)
        return InYearPeriodRead(
            period=period.code,
            period_type=period.type,
            label=period.label,
            period_start_date=period.start,
            period_end_date=period.end,
            figure=self.figure(period),
            year_to_date=YearToDateRead(**self.combined(to_date).model_dump(), uses_quarters=quarters),
            rolling_twelve_months=self.combined(combining.rolling(kpi.combine, kpi.unit, last_month, self.figures)),
            profiled_target=target,
            profiled_target_display=(rating.display(target, kpi)),
            rating=RatingRead(**asdict(self._rating(period, to_date, target))),
        )

    def _target(self, period: Period) -> Decimal | None:
        if self.profile is None:
            return None
        points = {point.period_end_date: point.value for point in self.profile.points}
        return combining.profile_target(self.kpi.combine, self.profile.basis, points, period.end)

    def _rating(self, period: Period, to_date: Combined, target: Decimal | None) -> Rating:
        kpi = self.kpi
        if self.profile is None:
            reason = "No target profile for the year, so the year to date is not rated."
        elif target is None:
            reason = f"The year's target profile has no point for {period.code}."
        elif to_date.value is None:
            reason = f"No year-to-date figure to rate: {to_date.reason}"
        else:
            rated = rating.rate_numeric(
                to_date.value,
                target,
                polarity=kpi.polarity,
                amber_tolerance=self.target.amber_tolerance if self.target else None,
                unit=kpi.unit,
                decimal_places=kpi.decimal_places,
            )
            return Rating(rated.status, rated.word, rated.symbol, f"Year to date: {rated.reason}")
        return Rating(RatingStatus.not_rated, "Not rated", rating.NOT_SHOWN, reason)
