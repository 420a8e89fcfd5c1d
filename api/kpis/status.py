"""A KPI's standing for a period: its figure, target, rating, direction of travel and comparators.

The scorecard, the single-KPI status, the performance challenge and the packs share this code. A standing reads
only a few figures: ours for its period, the period before and the same period last year; England's for the period
and the one before (when the target is to improve in line with England); and every comparator's for the period.
series_for() loads just those (the latest revision of each, as they stood at a moment) in three queries, as light
Figure rows rather than ORM objects, and the borough's statistical neighbours in a fourth.

Once DfE's figures are imported every English local authority and region is a comparator scope. A standing shows
by name only England, the borough's own region and the comparators a council made by hand (those outside DfE's
geography); the rest inform its benchmark: the rank and quartile among every local authority, and the statistical
neighbours' mean (api/benchmarks/statistics.py does the arithmetic, as GET /kpis/{code}/benchmark does).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from sqlalchemy import Select, and_, column, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.benchmarks import statistics
from api.benchmarks.benchmark_schemas import GapRead, RankRead
from api.benchmarks.models import StatisticalNeighbour
from api.bitemporal import AsAt
from api.kpis import rating
from api.kpis import service as kpi_service
from api.kpis.models import GeographyLevel, Kpi, KpiTarget, KpiValue, Scope, ScopeKind, StatusSymbol, TargetKind, Tier
from api.kpis.rating import Direction, Rating, RatingStatus, Travel
from api.kpis.schemas import (
    ComparatorRead,
    FigureRead,
    KpiStatusRead,
    NeighboursRead,
    RatingRead,
    StatusBenchmarkRead,
    TargetSummary,
    TravelRead,
)
from api.periods import YEAR_START_MONTH, Period, parse_period, year_type_for

ENGLAND_GSS = "E92000001"


@dataclass(frozen=True, slots=True)
class Figure:
    """The latest revision of one figure (a KPI, scope and period), as it stood then: what a standing reads."""

    kpi_id: int
    scope_id: int  # the scope's id, read without going through the ORM (hot loops read it for every comparator)
    scope: Scope
    period: str
    period_start_date: date
    period_end_date: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status_symbol: StatusSymbol | None
    provisional: bool
    revision: int
    submitted_at: datetime


@dataclass(frozen=True)
class Scopes:
    """Every scope (by kind, then key), and the ones standings look at, picked out once."""

    all: Sequence[Scope]
    by_id: dict[int, Scope]
    borough: Scope | None
    england: Scope | None
    # Read off the scopes once (standings test thousands of figures' scopes; the ORM's attributes cost a call each):
    order: dict[int, int]  # comparator id (England among them) -> its place in key order
    authority_ids: frozenset[int]  # England's local authorities (DfE's geography), which a figure is ranked among
    by_la_code: dict[str, int]  # DfE's old three-digit local authority number -> scope id
    places: tuple[tuple[int, GeographyLevel | None, str | None], ...]  # each comparator's id, level and GSS code

    @classmethod
    def of(cls, scopes: Sequence[Scope]) -> "Scopes":
        by_id: dict[int, Scope] = {}
        borough = england = None
        authorities: set[int] = set()
        by_la_code: dict[str, int] = {}
        places = []
        for scope in scopes:
            id_, kind, level, gss_code, la_code = scope.id, scope.kind, scope.level, scope.gss_code, scope.old_la_code
            by_id[id_] = scope
            if borough is None and kind is ScopeKind.borough:
                borough = scope
            if england is None and gss_code == ENGLAND_GSS:
                england = scope
            if kind is ScopeKind.comparator:
                places.append((id_, level, gss_code))
            if level is GeographyLevel.local_authority:
                authorities.add(id_)
            if la_code is not None:
                by_la_code[la_code] = id_
        order = {id_: place for place, (id_, _level, _gss) in enumerate(places)}
        return cls(scopes, by_id, borough, england, order, frozenset(authorities), by_la_code, tuple(places))

    def named_for(self, scope: Scope) -> frozenset[int]:
        """The comparators a standing for ``scope`` names: England, the scope's own region, and any outside DfE's
        geography."""
        ours, region = scope.id, scope.region_code
        return frozenset(
            id_
            for id_, level, gss_code in self.places
            if id_ != ours
            and (
                level is None
                or level is GeographyLevel.country
                or (level is GeographyLevel.region and gss_code == region)
            )
        )


async def load_scopes(session: AsyncSession) -> Scopes:
    return Scopes.of((await session.scalars(select(Scope).order_by(Scope.kind, Scope.key))).all())


@dataclass(frozen=True)
class Series:
    """The figures that standings for one scope read, as they stood at a moment (see series_for). It holds only
    what series_for was asked for: the comparators and latest periods it was not asked for raise when read."""

    scope: Scope | None  # whose standings: the borough unless another scope was asked for
    scopes: Scopes
    figures: dict[tuple[int, int], dict[str, Figure]]  # (kpi id, scope id) -> period code -> figure
    latest: dict[int, Period] | None  # each KPI's latest period for ``scope``; None when not loaded
    compared: dict[int, str]  # kpi id -> the period whose comparators were loaded
    comparators: dict[int, list[Figure]]  # kpi id -> the comparators' figures for that period, in scope order
    targets: dict[int, dict[str, KpiTarget]]  # kpi id -> period code -> target, for the KPIs loaded
    neighbours: "Neighbours | None" = None  # the scope's statistical neighbours, where DfE lists it
    trends: dict[int, list[Period]] = field(default_factory=dict)  # kpi id -> its trend's periods, oldest first
    near: dict[tuple[int, str], list[Figure]] = field(default_factory=dict)  # (kpi, period) -> neighbours' figures

    def target(self, kpi: Kpi, period: Period) -> KpiTarget | None:
        return self.targets[kpi.id].get(period.code)

    def local(self, kpi: Kpi) -> dict[str, Figure]:
        return self.figures.get((kpi.id, self.scope.id), {}) if self.scope else {}

    def national(self, kpi: Kpi) -> dict[str, Figure]:
        england = self.scopes.england
        return self.figures.get((kpi.id, england.id), {}) if england else {}

    def latest_period(self, kpi: Kpi) -> Period | None:
        if self.latest is None:
            raise ValueError("This series was loaded for an asked period and no runs: it has no latest periods.")
        return self.latest.get(kpi.id)

    @cached_property
    def named(self) -> frozenset[int]:
        """The comparators the standings name: England, the scope's region and those outside DfE's geography."""
        return self.scopes.named_for(self.scope) if self.scope else frozenset()

    def comparators_at(self, kpi: Kpi, period: Period) -> list[Figure]:
        if self.compared.get(kpi.id) != period.code:
            raise ValueError(f"This series has no comparators for {kpi.code} in {period.code}.")
        return self.comparators.get(kpi.id, [])


@dataclass(frozen=True)
class Neighbours:
    """A local authority's statistical neighbours under one of DfE's models (the newest it is listed in)."""

    model: str
    scope_ids: frozenset[int]
    count: int  # neighbours listed, whether or not they are scopes yet


@dataclass(frozen=True)
class Benchmark:
    """Where a figure stands among England's local authorities (see the module's docstring)."""

    rank: int | None  # 1 = best by polarity, ties shared
    ranked: int  # local authorities with a numeric figure for the period
    quartile: int | None  # 1 = best: ceil(4 x rank / ranked)
    neighbours: Neighbours | None
    neighbours_mean: Decimal | None  # as shown
    neighbours_with_figure: int
    gap_to_england: statistics.Gap | None


@dataclass
class Standing:
    kpi: Kpi
    scope: Scope
    period: Period | None
    value: Figure | None
    target: KpiTarget | None
    rating: Rating
    vs_previous: Travel | None
    vs_last_year: Travel | None
    comparators: list[Figure] = field(default_factory=list)  # those shown by name: England, the region, hand-made
    benchmark: Benchmark | None = None


def period_for(kpi: Kpi, text: str) -> Period:
    """The KPI's own period for what was asked: '2016/17' is AY2016-17 for an academic-year KPI."""
    asked = parse_period(text, year_type=year_type_for(kpi.period_type))
    if asked.type is kpi.period_type:
        return asked
    if asked.type in YEAR_START_MONTH and kpi.period_type in YEAR_START_MONTH:
        return Period(kpi.period_type, asked.year)
    return Period.containing(asked.start, kpi.period_type)


def _rate(
    kpi: Kpi,
    period: Period,
    value: Figure | None,
    target: KpiTarget | None,
    local: dict[str, Figure],
    national: dict[str, Figure],
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


def _against_national(target: KpiTarget | None) -> bool:
    """Whether _rate() rates a figure against England's change (and so reads England's figures)."""
    return (
        target is not None
        and target.kind is not TargetKind.monitor
        and not (target.kind is TargetKind.numeric and target.value is not None)
    )


def _number(value: Figure | None) -> Decimal | None:
    return value.value if value is not None else None


def _earlier(kpi: Kpi, period: Period, local: dict[str, Figure]) -> Decimal | None:
    """Our figure for an earlier period; the strategy's baseline (the 2015/16 projection) stands in for it."""
    found = _number(local.get(period.code))
    if found is None and kpi.baseline_period == period.code:
        return kpi.baseline_value
    return found


def _travel(kpi: Kpi, value: Figure | None, earlier: Period, local: dict[str, Figure]) -> Travel | None:
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


def stand(kpi: Kpi, asked: str | None, series: Series) -> Standing:
    """The KPI's standing for ``series.scope`` in the period asked (default: its latest), with comparators."""
    return stand_at(kpi, period_for(kpi, asked) if asked else series.latest_period(kpi), series)


def stand_at(kpi: Kpi, period: Period | None, series: Series, *, full: bool = True) -> Standing:
    """The KPI's standing for ``series.scope`` in one of its periods (None: it has no figures). ``full=False``
    leaves out the comparators and the travel against the same period last year (the challenge's runs read
    neither), so the series need not have loaded their figures."""
    if series.scope is None:
        raise LookupError("There is no borough scope to report on.")
    if period is None:
        no_data = Rating(RatingStatus.not_rated, "Not rated", rating.NOT_SHOWN, "No figures have been submitted.")
        return Standing(kpi, series.scope, None, None, None, no_data, None, None)
    local = series.local(kpi)
    value = local.get(period.code)
    target = series.target(kpi, period)
    earlier = period.previous()
    last_year = period.same_period_last_year() if full else earlier
    ours = series.scope.id
    others = [figure for figure in series.comparators_at(kpi, period) if figure.scope_id != ours] if full else []
    return Standing(
        kpi=kpi,
        scope=series.scope,
        period=period,
        value=value,
        target=target,
        rating=_rate(kpi, period, value, target, local, series.national(kpi)),
        vs_previous=_travel(kpi, value, earlier, local),
        vs_last_year=_travel(kpi, value, last_year, local) if last_year != earlier else None,
        comparators=[figure for figure in others if figure.scope_id in series.named],
        benchmark=_benchmark(kpi, series, value, others, series.national(kpi).get(period.code)) if full else None,
    )


def status_at(kpi: Kpi, period: Period, series: Series) -> RatingStatus:
    """The rating's status that stand_at() would give the period, without its sentences (the challenge reads
    thousands of them and words none); a rating against England's change is worked out in full."""
    local = series.local(kpi)
    value = local.get(period.code)
    target = series.target(kpi, period)
    if value is None or value.value is None or target is None:
        return RatingStatus.not_rated
    if target.kind is TargetKind.monitor:
        return rating.rate_monitor().status
    if target.kind is TargetKind.numeric and target.value is not None:
        return rating.numeric_status(
            value.value,
            target.value,
            polarity=kpi.polarity,
            amber_tolerance=target.amber_tolerance,
            unit=kpi.unit,
            decimal_places=kpi.decimal_places,
        )
    return _rate(kpi, period, value, target, local, series.national(kpi)).status


def direction_at(kpi: Kpi, period: Period, series: Series) -> Direction | None:
    """The direction of stand_at()'s travel since the period before, without its sentence (None: no figure)."""
    local = series.local(kpi)
    value = local.get(period.code)
    if value is None or value.value is None:
        return None
    return rating.travel_direction(
        value.value,
        _earlier(kpi, period.previous(), local),
        polarity=kpi.polarity,
        decimal_places=kpi.decimal_places,
        unit=kpi.unit,
    )


def _benchmark(
    kpi: Kpi, series: Series, value: Figure | None, others: list[Figure], england: Figure | None
) -> Benchmark | None:
    """The figure's rank among local authorities, its neighbours' mean and its gap to England; None where there is
    nothing to compare (no figure, or no other local authority's or England's figure for the period)."""
    if value is None or value.value is None:
        return None

    unit, places = kpi.unit, kpi.decimal_places

    def shown(figure: Figure) -> Decimal | None:
        return rating.as_shown(figure.value, unit, places) if figure.value is not None else None

    ours = rating.as_shown(value.value, unit, places)
    ranked = series.scopes.authority_ids
    authorities = [n for f in others if f.scope_id in ranked and (n := shown(f)) is not None]
    field_ = [ours, *authorities] if series.scope and series.scope.level is GeographyLevel.local_authority else []
    position = statistics.rank(ours, field_, kpi.polarity) if len(field_) > 1 else None
    neighbours = series.neighbours
    near = [n for f in others if neighbours and f.scope_id in neighbours.scope_ids and (n := shown(f)) is not None]
    mean = statistics.mean(near)
    gap = statistics.gap_for(kpi, value.value, _number(england), rating.NATIONAL)
    if position is None and not near and gap is None:
        return None
    return Benchmark(
        rank=position,
        ranked=len(field_) if position is not None else 0,
        quartile=statistics.quartile(position, len(field_)) if position is not None else None,
        neighbours=neighbours,
        neighbours_mean=rating.as_shown(mean, kpi.unit, kpi.decimal_places) if mean is not None else None,
        neighbours_with_figure=len(near),
        gap_to_england=gap,
    )


async def _latest_periods(
    session: AsyncSession, kpi_ids: Sequence[int], scope_id: int, moment: AsAt
) -> dict[int, Period]:
    """Each KPI's latest period with a figure for the scope, as at and as known at the moment: one index probe each.

    A KPI's own figures all have its period type (it cannot change once there are figures), so the latest by end
    date is the latest period; its in-year figures (months and quarters of an annual KPI) are passed over."""
    newest = (
        select(KpiValue.period)
        .where(KpiValue.kpi_id == Kpi.id, KpiValue.scope_id == scope_id, kpi_service.own_figures_of_each_kpi())
        .order_by(KpiValue.period_end_date.desc(), KpiValue.revision.desc())
        .limit(1)
    )
    newest = newest.where(*_known(moment))
    rows = await session.execute(select(Kpi.id, newest.scalar_subquery()).where(Kpi.id.in_(kpi_ids)))
    return {kpi_id: parse_period(code) for kpi_id, code in rows if code is not None}


def _known(moment: AsAt) -> list[Any]:
    """Figures for periods ended by the moment's as_at, submitted by its known_at."""
    return moment.clauses(recorded=KpiValue.submitted_at, dated=KpiValue.period_end_date)


def _bounds(periods: set[Period]) -> tuple[Period, Period]:
    """The first and last of some periods, by end date."""
    if len({period.type for period in periods}) == 1:  # a KPI's periods all have its type: ordered as their dates
        return min(periods), max(periods)
    return min(periods, key=lambda period: period.end), max(periods, key=lambda period: period.end)


# What a Figure is read from, in its fields' order (the scope as its id).
_FIGURE_COLUMNS = (
    KpiValue.kpi_id,
    KpiValue.scope_id,
    KpiValue.period,
    KpiValue.period_start_date,
    KpiValue.period_end_date,
    KpiValue.value,
    KpiValue.numerator,
    KpiValue.denominator,
    KpiValue.status_symbol,
    KpiValue.provisional,
    KpiValue.revision,
    KpiValue.submitted_at,
)
# (kpi id -> periods, a scope id, some scopes' ids, or None for every scope)
Wanted = tuple[dict[int, set[Period]], int | frozenset[int] | None]


def _latest_revisions(wanted: Sequence[Wanted], moment: AsAt) -> Select[Any]:
    """The latest revision (as at and as known at the moment) of each figure wanted: for each part, the periods of each
    KPI, for one scope or every scope.

    Each KPI's figures are read over the span of end dates it needs, through the (kpi, scope, end date) index; KPIs
    needing the same span (most do: they share the latest period of their kind) are read together."""
    wanted_here = []
    every: set[Period] = set()
    for periods_by_kpi, scope_id in wanted:
        spans: defaultdict[tuple[Period, Period], list[int]] = defaultdict(list)
        for kpi_id, periods in periods_by_kpi.items():
            spans[_bounds(periods)].append(kpi_id)
            every.update(periods)
        for (first, last), kpi_ids in spans.items():
            span = and_(KpiValue.kpi_id.in_(kpi_ids), KpiValue.period_end_date.between(first.end, last.end))
            if scope_id is None:
                wanted_here.append(span)
            elif isinstance(scope_id, frozenset):
                wanted_here.append(and_(KpiValue.scope_id.in_(scope_id), span))
            else:
                wanted_here.append(and_(KpiValue.scope_id == scope_id, span))
    rank = func.row_number().over(
        partition_by=(KpiValue.kpi_id, KpiValue.scope_id, KpiValue.period), order_by=KpiValue.revision.desc()
    )
    ranked = select(*_FIGURE_COLUMNS, rank.label("rank")).where(
        or_(*wanted_here), KpiValue.period.in_({period.code for period in every})
    )
    ranked = ranked.where(*_known(moment))
    # The outer columns named as the inner select renders them, not taken from the subquery's `.c`: working that out
    # proxies every column and copies its foreign keys, a sixth of a scorecard's CPU on the large council, for a
    # statement built on every read.
    outer = [column(c.expression.name, c.type) for c in _FIGURE_COLUMNS]
    return select(*outer).select_from(ranked.subquery("latest")).where(column("rank") == 1)


async def _figures(session: AsyncSession, scopes: Scopes, wanted: Sequence[Wanted], moment: AsAt) -> list[Figure]:
    """The figures wanted, in one query, as light rows; a KPI's figures for other periods within the span it needs
    may come too."""
    wanted = [({kpi_id: periods for kpi_id, periods in by_kpi.items() if periods}, scope) for by_kpi, scope in wanted]
    wanted = [(by_kpi, scope) for by_kpi, scope in wanted if by_kpi]
    if not wanted:
        return []
    # Plain rows, straight from the connection: nothing here is an ORM entity.
    rows = await (await session.connection()).execute(_latest_revisions(wanted, moment))
    by_id = scopes.by_id
    return [
        Figure(
            kpi_id, scope_id, by_id[scope_id], period, start, end, value, numerator, denominator, symbol, prov, rev, at
        )
        for kpi_id, scope_id, period, start, end, value, numerator, denominator, symbol, prov, rev, at in rows
    ]


def back_from(period: Period, count: int) -> list[Period]:
    """``count`` consecutive periods ending with ``period``, newest first."""
    periods = []
    for _ in range(count):
        periods.append(period)
        period = period.previous()
    return periods


async def series_for(
    session: AsyncSession,
    kpis: Sequence[Kpi],
    *,
    asked: str | None = None,
    moment: AsAt | None = None,
    scope: Scope | None = None,
    run_length: int = 0,
    shown: Iterable[Kpi] | None = None,
    trend: int = 0,
) -> Series:
    """What standings of ``kpis`` for ``scope`` (default: the borough) read, from the figures for periods ended by
    the moment's ``as_at`` as they were known at its ``known_at`` (default: every figure, as it is now).

    For the KPIs ``shown`` (default: all of them), what stand() reads for the period ``asked`` (default: each KPI's
    latest): ours for it, the period before and the same period last year, England's for it and the period before,
    and the comparators' for it. With ``run_length``, for every KPI, what stand_at(full=False) reads for each of
    the last ``run_length`` periods up to its latest (the performance challenge's runs): ours and England's for
    each period and the one before. With ``trend``, for the KPIs shown, ours, England's and the statistical
    neighbours' figures for the ``trend`` periods up to the one each stands in (a pack's charts). In all, three
    queries (two when a period was asked for and there are no runs), and one for the neighbours when a trend or a
    comparison is wanted: the scopes, each KPI's latest period, and the figures."""
    moment = moment or AsAt.now()
    scopes = await load_scopes(session)
    local = scope or scopes.borough
    empty = Series(local, scopes, {}, None if asked else {}, {}, {}, {})
    if not kpis or local is None:
        return empty
    kpi_ids = [kpi.id for kpi in kpis]
    latest = await _latest_periods(session, kpi_ids, local.id, moment) if asked is None or run_length else None
    shown_ids = set(kpi_ids) if shown is None else {kpi.id for kpi in shown}
    ours: defaultdict[int, set[Period]] = defaultdict(set)
    theirs: defaultdict[int, set[Period]] = defaultdict(set)  # England's, for KPIs rated against England's change
    at: dict[int, Period] = {}  # the period each shown KPI stands in (its comparators' figures are wanted for it)
    targets = {kpi.id: {target.period: target for target in kpi.targets} for kpi in kpis}
    for kpi in kpis:
        standing: list[Period] = []  # the periods the KPI's standings are worked out for
        if kpi.id in shown_ids and (stands_in := period_for(kpi, asked) if asked else (latest or {}).get(kpi.id)):
            standing.append(stands_in)
            ours[kpi.id].update((stands_in, stands_in.previous(), stands_in.same_period_last_year()))
            at[kpi.id] = stands_in
        newest = latest.get(kpi.id) if latest is not None and run_length else None
        if newest is not None:  # a run's standings read each of its periods and the one before
            standing += back_from(newest, run_length)
            ours[kpi.id].update(back_from(newest, run_length + 1))
        for period in standing:
            if _against_national(targets[kpi.id].get(period.code)):
                theirs[kpi.id].update((period, period.previous()))
    trends = {kpi_id: back_from(period, trend)[::-1] for kpi_id, period in at.items()} if trend else {}
    for kpi_id, periods in trends.items():
        ours[kpi_id].update(periods)
        theirs[kpi_id].update(periods)
    england = scopes.england
    national = england.id if england is not None and england.id != local.id else None
    wanted: list[Wanted] = [(ours, local.id)]
    if national is not None:
        wanted.append((theirs, national))
    neighbours = await _neighbours(session, scopes, local) if at else None
    if trends and neighbours is not None and neighbours.scope_ids:
        wanted.append(({kpi_id: set(periods) for kpi_id, periods in trends.items()}, neighbours.scope_ids))
    # Every scope's figures for the compared periods (the index on kpi and end date serves that better than naming
    # 150 comparators), of which the comparators' are kept, in scope order.
    wanted.append(({kpi_id: {period} for kpi_id, period in at.items()}, None))
    figures: dict[tuple[int, int], dict[str, Figure]] = defaultdict(dict)
    comparators: dict[int, list[Figure]] = defaultdict(list)
    near: defaultdict[tuple[int, str], list[Figure]] = defaultdict(list)
    near_ids = neighbours.scope_ids if trends and neighbours is not None else frozenset()
    order = scopes.order  # the comparators' ids, in scope order
    ours_and_england = (local.id, national)
    for figure in await _figures(session, scopes, wanted, moment):
        scope_id = figure.scope_id
        if scope_id in ours_and_england:
            figures[(figure.kpi_id, scope_id)][figure.period] = figure
        if scope_id in near_ids:
            near[(figure.kpi_id, figure.period)].append(figure)
        asked_for = at.get(figure.kpi_id)
        if scope_id in order and asked_for and asked_for.code == figure.period:
            comparators[figure.kpi_id].append(figure)
    for found in comparators.values():
        found.sort(key=lambda figure: order[figure.scope_id])
    compared_at = {kpi_id: period.code for kpi_id, period in at.items()}
    return Series(
        local, scopes, dict(figures), latest, compared_at, dict(comparators), targets, neighbours, trends, dict(near)
    )


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: Decimal | None  # ours, as shown (None: no figure, or withheld)
    target: Decimal | None  # a numeric target for the period
    england: Decimal | None
    neighbours_mean: Decimal | None  # the mean of the neighbours' figures as shown, itself as shown


def trend_of(kpi: Kpi, series: Series) -> list[TrendPoint]:
    """The KPI's trend over the periods series_for(trend=) loaded for it, oldest first; [] when it stands nowhere."""

    def shown(figure: Figure | None) -> Decimal | None:
        if figure is None or figure.value is None:
            return None
        return rating.as_shown(figure.value, kpi.unit, kpi.decimal_places)

    points = []
    local, national = series.local(kpi), series.national(kpi)
    for period in series.trends.get(kpi.id, []):
        target = series.target(kpi, period)
        near = [n for figure in series.near.get((kpi.id, period.code), []) if (n := shown(figure)) is not None]
        mean = statistics.mean(near)
        points.append(
            TrendPoint(
                period=period,
                value=shown(local.get(period.code)),
                target=target.value if target is not None and target.kind is TargetKind.numeric else None,
                england=shown(national.get(period.code)),
                neighbours_mean=rating.as_shown(mean, kpi.unit, kpi.decimal_places) if mean is not None else None,
            )
        )
    return points


async def _neighbours(session: AsyncSession, scopes: Scopes, local: Scope) -> Neighbours | None:
    """The scope's statistical neighbours under the newest DfE model that lists it."""
    if local.old_la_code is None:
        return None
    rows = (
        await session.execute(
            select(StatisticalNeighbour.model, StatisticalNeighbour.neighbour_code).where(
                StatisticalNeighbour.la_code == local.old_la_code
            )
        )
    ).all()
    if not rows:
        return None
    model = max(model for model, _code in rows)
    codes = {code for listed, code in rows if listed == model}
    ids = frozenset(scopes.by_la_code[code] for code in codes if code in scopes.by_la_code)
    return Neighbours(model, ids, len(codes))


async def standings(
    session: AsyncSession,
    kpis: Sequence[Kpi],
    asked: str | None,
    scope: Scope | None = None,
    moment: AsAt | None = None,
) -> list[Standing]:
    """Each KPI's standing for a period; with a moment, from the figures as at and as known at it."""
    series = await series_for(session, kpis, asked=asked, moment=moment, scope=scope)
    return [stand(kpi, asked, series) for kpi in kpis]


def _target_display(target: KpiTarget, kpi: Kpi) -> str:
    if target.kind is TargetKind.numeric and target.value is not None:
        return rating.format_figure(target.value, kpi.unit, kpi.decimal_places)
    return "Monitor" if target.kind is TargetKind.monitor else "Improve at least in line with the national rate"


def _travel_read(travel: Travel | None) -> TravelRead | None:
    return TravelRead(**asdict(travel)) if travel else None


def to_read(standing: Standing) -> KpiStatusRead:
    kpi, value, target = standing.kpi, standing.value, standing.target
    return KpiStatusRead(
        code=kpi.code,
        title=kpi.title,
        tier=kpi.tier,
        position=kpi.position,
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
            display=rating.display(value.value, kpi),
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
        comparators=[_comparator(kpi, value, other) for other in standing.comparators],
        benchmark=_benchmark_read(kpi, standing.benchmark),
    )


def _comparator(kpi: Kpi, ours: Figure | None, other: Figure) -> ComparatorRead:
    gap = statistics.gap_for(kpi, _number(ours), other.value, other.scope.name)
    return ComparatorRead(
        scope=other.scope.key,
        name=other.scope.name,
        value=other.value,
        display=rating.display(other.value, kpi),
        difference=gap.difference if gap else None,
        judgement=gap.judgement if gap else None,
        words=gap.words if gap else None,
    )


def _benchmark_read(kpi: Kpi, benchmark: Benchmark | None) -> StatusBenchmarkRead | None:
    if benchmark is None:
        return None
    neighbours = benchmark.neighbours
    return StatusBenchmarkRead(
        rank=RankRead(position=benchmark.rank, of=benchmark.ranked, quartile=benchmark.quartile)
        if benchmark.rank is not None
        else None,
        neighbours=NeighboursRead(
            model=neighbours.model,
            mean=benchmark.neighbours_mean,
            display=rating.display(benchmark.neighbours_mean, kpi),
            with_figure=benchmark.neighbours_with_figure,
            member_count=neighbours.count,
        )
        if neighbours is not None and benchmark.neighbours_with_figure
        else None,
        gap_to_england=GapRead.of(benchmark.gap_to_england),
    )
