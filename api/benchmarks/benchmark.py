"""A KPI's benchmark for one local authority and period: its figure against England's, its rank and quartile among
every English local authority, each comparator group's mean and median, and the series of its own, England's and
its statistical neighbours' figures over every period.

Two queries read every figure it needs, the latest revision of each, whatever the number of groups and members:
first the figures of the places the series follows (the subject, England, its neighbours under both DfE models) in
every period, from which the period is chosen when none is asked for (the latest with a numeric figure for the
subject); then every scope's figure for that period, from which the rank and all the groups' statistics come.
The arithmetic is api/benchmarks/statistics.py; figures are compared and averaged as shown (rounded to the KPI's
decimal places), and a withheld figure (c, x, z, k, u) is never a number.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.benchmarks import groups, statistics
from api.benchmarks.benchmark_schemas import (
    BenchmarkQuery,
    BenchmarkRead,
    FigureShown,
    GapRead,
    GroupFigures,
    NeighbourMean,
    PlaceFigure,
    RankRead,
    SeriesPoint,
    Subject,
)
from api.benchmarks.neighbours import MODELS
from api.errors import AppError
from api.kpis import service as kpi_service
from api.kpis.models import GeographyLevel, Kpi, KpiValue, Scope, StatusSymbol
from api.kpis.rating import NATIONAL, as_shown, display
from api.kpis.status import period_for
from api.periods import Period, parse_period


class NothingToBenchmark(AppError):
    problem = problems.NOT_FOUND


@dataclass(frozen=True, slots=True)
class Published:
    """The latest revision of one scope's figure for one period."""

    period: str
    end: date
    value: Decimal | None
    status_symbol: StatusSymbol | None


def _latest(kpi_id: int, where: ColumnElement[bool]) -> Select[Any]:
    """The latest revision of each scope's figure for each period, of those ``where`` picks."""
    rank = func.row_number().over(partition_by=(KpiValue.scope_id, KpiValue.period), order_by=KpiValue.revision.desc())
    columns = (KpiValue.scope_id, KpiValue.period, KpiValue.period_end_date, KpiValue.value, KpiValue.status_symbol)
    ranked = select(*columns, rank.label("rank")).where(KpiValue.kpi_id == kpi_id, where).subquery()
    return select(*(ranked.c[column.key] for column in columns)).where(ranked.c.rank == 1)


async def _read(session: AsyncSession, statement: Select[Any]) -> list[tuple[int, Published]]:
    # Plain rows, straight from the connection: nothing here is an ORM entity.
    rows = await (await session.connection()).execute(statement)
    return [(scope_id, Published(period, end, value, symbol)) for scope_id, period, end, value, symbol in rows]


@dataclass(frozen=True)
class AsShown:
    """Figures as the KPI shows them."""

    kpi: Kpi

    def number(self, value: Decimal) -> Decimal:
        return as_shown(value, self.kpi.unit, self.kpi.decimal_places)

    def numbers(self, figures: Iterable[Published | None]) -> list[Decimal]:
        return [self.number(f.value) for f in figures if f is not None and f.value is not None]

    def figure(self, figure: Published | None) -> FigureShown | None:
        if figure is None:
            return None
        value = self.number(figure.value) if figure.value is not None else None
        return FigureShown(value=value, status_symbol=figure.status_symbol, display=display(value, self.kpi))

    def place(self, scope: Scope | None, figure: Published | None) -> PlaceFigure | None:
        shown = self.figure(figure)
        if scope is None or shown is None:
            return None
        return PlaceFigure(scope=scope.key, name=scope.name, **shown.model_dump())

    def average(self, figure: Decimal | None) -> Decimal | None:
        return self.number(figure) if figure is not None else None


async def benchmark(session: AsyncSession, code: str, query: BenchmarkQuery) -> BenchmarkRead:
    kpi = await kpi_service.kpi_by_code(session, code)
    places = await groups.places_for(session, query.scope)
    chosen = await groups.groups_for(session, places, query.group)
    subject, england = places.subject, places.scopes.england
    neighbours = {model: group for model, group in zip(MODELS, _neighbour_groups(places), strict=True)}
    followed = {subject.id, *([england.id] if england else [])}
    followed |= {member.scope.id for group in neighbours.values() for member in group.members}
    history = await _read(session, _latest(kpi.id, and_(KpiValue.scope_id.in_(followed), kpi_service.own_figures(kpi))))
    period = _period(kpi, query.period, subject, history)
    at = dict(await _read(session, _latest(kpi.id, KpiValue.period == period.code)))
    show = AsShown(kpi)
    ours, theirs = at.get(subject.id), at.get(england.id) if england else None
    return BenchmarkRead(
        kpi=kpi.code,
        title=kpi.title,
        unit=kpi.unit,
        polarity=kpi.polarity,
        decimal_places=kpi.decimal_places,
        period=period.code,
        scope=Subject(key=subject.key, name=subject.name, gss_code=subject.gss_code, old_la_code=subject.old_la_code),
        figure=show.figure(ours),
        england=show.place(england, theirs),
        gap_to_england=_gap(kpi, ours, theirs),
        rank=_rank(kpi, places, ours, at, show),
        groups=[_group_figures(group, at, show) for group in chosen],
        series=_series(history, subject, england, neighbours, show),
    )


def _neighbour_groups(places: groups.Places) -> list[groups.Group]:
    by_key = {group.key: group for group in groups.built_ins(places)}
    return [by_key[groups.NEIGHBOURS[model]] for model in MODELS]


def _period(kpi: Kpi, asked: str | None, subject: Scope, history: Sequence[tuple[int, Published]]) -> Period:
    """The KPI's own period for what was asked (422 for no period), else the subject's latest numeric one."""
    if asked is not None:
        return period_for(kpi, kpi_service.parse_period_param(asked, "period", kpi).code)
    numeric = [figure for scope_id, figure in history if scope_id == subject.id and figure.value is not None]
    if not numeric:
        raise NothingToBenchmark(
            f"KPI '{kpi.code}' has no numeric figure for {subject.name} yet, so it has no latest period to "
            "benchmark: name a period."
        )
    return parse_period(max(numeric, key=lambda figure: figure.end).period)


def _gap(kpi: Kpi, ours: Published | None, theirs: Published | None) -> GapRead | None:
    ours_value, theirs_value = (figure.value if figure else None for figure in (ours, theirs))
    return GapRead.of(statistics.gap_for(kpi, ours_value, theirs_value, NATIONAL))


def _rank(
    kpi: Kpi, places: groups.Places, ours: Published | None, at: dict[int, Published], show: AsShown
) -> RankRead | None:
    """The subject's rank among every local authority with a numeric figure for the period."""
    if ours is None or ours.value is None:
        return None
    authorities = [s.id for s in places.scopes.all if s.level is GeographyLevel.local_authority]
    field = show.numbers(at.get(scope_id) for scope_id in authorities)
    position = statistics.rank(show.number(ours.value), field, kpi.polarity)
    if position is None:
        return None
    return RankRead(position=position, of=len(field), quartile=statistics.quartile(position, len(field)))


def _group_figures(group: groups.Group, at: dict[int, Published], show: AsShown) -> GroupFigures:
    numbers = show.numbers(at.get(member.scope.id) for member in group.members)
    published = group.published
    return GroupFigures(
        key=group.key,
        name=group.name,
        built_in=group.built_in,
        member_count=len(group.members),
        with_figure=len(numbers),
        mean=show.average(statistics.mean(numbers)),
        median=show.average(statistics.median(numbers)),
        published=show.place(published, at.get(published.id)) if published else None,
    )


def _series(
    history: Sequence[tuple[int, Published]],
    subject: Scope,
    england: Scope | None,
    neighbours: dict[str, groups.Group],
    show: AsShown,
) -> list[SeriesPoint]:
    """For each period with a figure, oldest first: the subject's, England's and the neighbours' mean by model."""
    by_period: dict[str, dict[int, Published]] = {}
    for scope_id, figure in history:
        by_period.setdefault(figure.period, {})[scope_id] = figure
    ends = {figure.period: figure.end for _, figure in history}
    points = []
    for period in sorted(by_period, key=lambda code: (ends[code], code)):
        figures = by_period[period]
        means = []
        for model, group in neighbours.items():
            numbers = show.numbers(figures.get(member.scope.id) for member in group.members)
            mean = show.average(statistics.mean(numbers))
            means.append(
                NeighbourMean(model=model, mean=mean, with_figure=len(numbers), member_count=len(group.members))
            )
        points.append(
            SeriesPoint(
                period=period,
                subject=show.figure(figures.get(subject.id)),
                england=show.figure(figures.get(england.id)) if england else None,
                neighbours=means,
            )
        )
    return points
