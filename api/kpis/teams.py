"""A KPI's figures by team for one period, combined by the KPI's rule and set beside the borough's own figure:
whether the teams' management information adds up to what the borough reports."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, ProblemError
from api.kpis import combining, rating
from api.kpis import service as kpi_service
from api.kpis.combining import Piece
from api.kpis.in_year_schemas import CombinedRead, TeamFigureRead, TeamsQuery, TeamsRollUpRead
from api.kpis.models import Kpi, KpiValue, Scope, ScopeKind
from api.kpis.validation import period_problem
from api.periods import Period


async def _teams(session: AsyncSession, borough: Scope) -> list[Scope]:
    """The teams that roll up to the borough: scopes of kind team whose chain of parents (through localities)
    reaches it, by key. A team with no parent, or under another borough, is not the borough's."""
    scopes = (await session.scalars(select(Scope).order_by(Scope.key))).all()
    parents = {scope.id: scope.parent_id for scope in scopes}

    def reaches(scope: Scope) -> bool:
        current = scope.parent_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            if current == borough.id:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    return [scope for scope in scopes if scope.kind is ScopeKind.team and reaches(scope)]


async def _latest(session: AsyncSession, kpi: Kpi, period: Period, scope_ids: list[int]) -> dict[int, KpiValue]:
    """The latest revision of each scope's figure for the period."""
    newest = (
        select(KpiValue.scope_id, func.max(KpiValue.revision).label("revision"))
        .where(KpiValue.kpi_id == kpi.id, KpiValue.period == period.code, KpiValue.scope_id.in_(scope_ids))
        .group_by(KpiValue.scope_id)
        .subquery()
    )
    rows = await session.scalars(
        select(KpiValue).join(
            newest,
            (KpiValue.scope_id == newest.c.scope_id)
            & (KpiValue.revision == newest.c.revision)
            & (KpiValue.kpi_id == kpi.id)
            & (KpiValue.period == period.code),
        )
    )
    return {value.scope_id: value for value in rows}


def _figure(kpi: Kpi, scope: Scope, value: KpiValue | None) -> TeamFigureRead:
    number = value.value if value is not None else None
    return TeamFigureRead(
        team=scope.key,
        name=scope.name,
        value=number,
        display=rating.display(number, kpi),
        numerator=value.numerator if value is not None else None,
        denominator=value.denominator if value is not None else None,
        status_symbol=value.status_symbol.value if value is not None and value.status_symbol else None,
        revision=value.revision if value is not None else None,
    )


async def roll_up(session: AsyncSession, code: str, query: TeamsQuery) -> TeamsRollUpRead:
    kpi = await kpi_service.get_kpi(session, code)
    period = kpi_service.parse_period_param(query.period, "period", kpi)
    if (problem := period_problem(period, kpi, period.start, in_year=True)) is not None:
        raise InvalidInput(problem, errors=[ProblemError(loc=["query", "period"], msg=problem)])
    borough = await kpi_service.borough(session)
    teams = await _teams(session, borough)
    held = await _latest(session, kpi, period, [borough.id, *(team.id for team in teams)])
    missing = [team.key for team in teams if team.id not in held]
    pieces = [
        Piece(team.key, found.value, found.numerator, found.denominator, found.status_symbol)
        for team in teams
        if (found := held.get(team.id)) is not None
    ]
    if not teams:
        combined = combining.Combined(None, None, None, (), "There are no teams.")
    elif missing:
        combined = combining.Combined(
            None, None, None, tuple(p.label for p in pieces), f"No figure for {period.code} from {', '.join(missing)}."
        )
    else:
        combined = combining.combine(kpi.combine, kpi.unit, pieces, across=True)
    ours = held.get(borough.id)
    difference = None
    if ours is not None and ours.value is not None and combined.value is not None:
        difference = rating.as_shown(ours.value, kpi.unit, kpi.decimal_places) - rating.as_shown(
            combined.value, kpi.unit, kpi.decimal_places
        )
    shown = rating.display(combined.value, kpi)
    return TeamsRollUpRead(
        code=kpi.code,
        title=kpi.title,
        unit=kpi.unit,
        decimal_places=kpi.decimal_places,
        polarity=kpi.polarity,
        combine=kpi.combine,
        period=period.code,
        teams=[_figure(kpi, team, held.get(team.id)) for team in teams],
        combined=CombinedRead(
            value=combined.value,
            display=shown,
            numerator=combined.numerator,
            denominator=combined.denominator,
            parts=list(combined.parts),
            reason=combined.reason,
        ),
        borough=_figure(kpi, borough, ours) if ours is not None else None,
        difference=difference,
    )
