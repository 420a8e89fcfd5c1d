"""The assurance programme's reports: gradings by team and financial quarter, recurring themes, and the actions it
raised or evidenced with where their delivery stands. Archived activities are left out of all three."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api import tracking
from api.actions.models import ActionOwner, BusinessImprovementAction
from api.assurance import service
from api.assurance.models import (
    UNGRADED_KINDS,
    AssuranceActionLink,
    AssuranceActivity,
    AssuranceKind,
    AssuranceTheme,
    Grading,
)
from api.assurance.schemas import (
    ActionArising,
    ActionReportQuery,
    ActionsReport,
    GradeCounts,
    GradingQuery,
    GradingReport,
    LinkedActivity,
    Quarter,
    QuarterTally,
    RecurringTheme,
    Tally,
    TeamGradings,
    ThemeQuery,
    ThemeReport,
)
from api.errors import InvalidInput, ProblemError
from api.kpis.models import Scope, ScopeKind
from api.periods import Period, PeriodType
from api.strategy.models import FocusArea

MAX_QUARTERS = 40  # ten years
GRADED_KINDS = tuple(kind for kind in AssuranceKind if kind not in UNGRADED_KINDS)
ACROSS_TEAMS = "Across teams (LSCB-led)"
Ts = TypeVarTuple("Ts")


def _range_problem(message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=["query", "to"], msg=message)])


def quarters_between(start: date, end: date) -> list[Period]:
    """The financial quarters from the one holding ``start`` to the one holding ``end`` (422 beyond ten years)."""
    if end < start:
        raise _range_problem("'to' is before 'from'.")
    quarter, last = Period.containing(start, PeriodType.financial_quarter), end
    found = [quarter]
    while found[-1].end < last:
        found.append(found[-1].next())
        if len(found) > MAX_QUARTERS:
            raise _range_problem(f"A report spans at most {MAX_QUARTERS} financial quarters (ten years).")
    return found


def _live(statement: Select[*Ts], start: date | None, end: date | None) -> Select[*Ts]:
    return service.dated(statement.where(AssuranceActivity.archived_at.is_(None)), start, end)


def tally(gradings: Iterable[Grading | None]) -> Tally:
    listed = list(gradings)
    graded = [grading for grading in listed if grading is not None]
    return Tally(counts=GradeCounts.of(graded), graded=len(graded), not_graded=len(listed) - len(graded))


def _by_quarter(quarters: Sequence[Period], rows: Sequence[tuple[date, Grading | None]]) -> list[QuarterTally]:
    found: defaultdict[str, list[Grading | None]] = defaultdict(list)
    for day, grading in rows:
        found[Period.containing(day, PeriodType.financial_quarter).code].append(grading)
    return [
        QuarterTally(quarter=quarter.code, label=quarter.label, **dict(tally(found[quarter.code])))
        for quarter in quarters
    ]


async def gradings(session: AsyncSession, query: GradingQuery, today: date) -> GradingReport:
    """Each team's gradings in each financial quarter from `from` to `to` (default: the earliest and the latest
    activity counted), every team and quarter present, zeroes included."""
    kinds = (query.kind,) if query.kind else GRADED_KINDS
    activity = AssuranceActivity
    statement = _live(select(activity).where(activity.kind.in_(kinds)), query.from_, query.to)
    rows = (
        await session.execute(
            select(activity.team_id, activity.carried_out_on, activity.grading).where(
                activity.id.in_(statement.with_only_columns(activity.id))
            )
        )
    ).all()
    days = [row.carried_out_on for row in rows]
    end = query.to or max(days, default=today)
    start = query.from_ or min(days, default=end)
    quarters = quarters_between(start, end)
    teams = (
        await session.execute(
            select(Scope.id, Scope.key, Scope.name).where(Scope.kind == ScopeKind.team).order_by(Scope.name, Scope.key)
        )
    ).all()
    by_team: defaultdict[int | None, list[tuple[date, Grading | None]]] = defaultdict(list)
    for row in rows:
        by_team[row.team_id].append((row.carried_out_on, row.grading))
    listed = [(team.id, team.key, team.name) for team in teams]
    if by_team.get(None):
        listed.append((None, None, ACROSS_TEAMS))
    return GradingReport(
        from_date=start,
        to_date=end,
        kinds=list(kinds),
        quarters=[Quarter(code=q.code, label=q.label, start=q.start, end=q.end) for q in quarters],
        teams=[
            TeamGradings(
                team=key,
                team_name=name,
                quarters=_by_quarter(quarters, by_team[team_id]),
                total=tally(grading for _, grading in by_team[team_id]),
            )
            for team_id, key, name in listed
        ],
        by_quarter=_by_quarter(quarters, [(row.carried_out_on, row.grading) for row in rows]),
        total=tally(row.grading for row in rows),
    )


async def themes(session: AsyncSession, query: ThemeQuery) -> ThemeReport:
    """Themes found by at least `min_count` activities: how many, of which kinds and teams, first and last seen."""
    activity = AssuranceActivity
    statement = _live(
        select(AssuranceTheme.theme, activity.kind, activity.carried_out_on, Scope.key)
        .join(activity, activity.id == AssuranceTheme.activity_id)
        .outerjoin(Scope, Scope.id == activity.team_id),
        query.from_,
        query.to,
    )
    if query.kind is not None:
        statement = statement.where(activity.kind == query.kind)
    found: defaultdict[str, list[tuple[AssuranceKind, date, str | None]]] = defaultdict(list)
    for theme, kind, day, team in await session.execute(statement):
        found[theme].append((kind, day, team))
    items = [
        RecurringTheme(
            theme=theme,
            count=len(seen),
            kinds=[kind for kind in AssuranceKind if kind in {k for k, _, _ in seen}],
            teams=sorted({team for _, _, team in seen if team is not None}),
            first_seen=min(day for _, day, _ in seen),
            last_seen=max(day for _, day, _ in seen),
        )
        for theme, seen in found.items()
        if len(seen) >= query.min_count
    ]
    items.sort(key=lambda item: (-item.count, item.theme))
    return ThemeReport(from_date=query.from_, to_date=query.to, min_count=query.min_count, items=items)


async def actions(session: AsyncSession, query: ActionReportQuery, today: date) -> ActionsReport:
    """Every action linked to an activity, in the strategy's order, with its latest progress (status, RAG, per cent
    complete, when last updated) and whether it is overdue or stale today, as the actions' own reads judge them."""
    activity, link = AssuranceActivity, AssuranceActionLink
    statement = _live(
        select(
            link.action_id,
            link.relation,
            activity.id,
            activity.kind,
            activity.carried_out_on,
            activity.grading,
            Scope.key,
        )
        .join(activity, activity.id == link.activity_id)
        .outerjoin(Scope, Scope.id == activity.team_id),
        query.from_,
        query.to,
    )
    if query.relation is not None:
        statement = statement.where(link.relation == query.relation)
    linked: defaultdict[int, list[LinkedActivity]] = defaultdict(list)
    for action_id, relation, activity_id, kind, day, grading, team in await session.execute(statement):
        linked[action_id].append(
            LinkedActivity(id=activity_id, kind=kind, team=team, carried_out_on=day, grading=grading, relation=relation)
        )
    if not linked:
        return ActionsReport(as_of=today, items=[])
    action = BusinessImprovementAction
    rows = await session.scalars(
        select(action)
        .join(FocusArea, FocusArea.id == action.focus_area_id)
        .where(action.id.in_(linked))
        .options(selectinload(action.owner_links).joinedload(ActionOwner.owner), selectinload(action.milestones))
        .order_by(FocusArea.position, action.position, action.id)
    )
    window = await tracking.window(session, today)
    return ActionsReport(
        as_of=today,
        items=[
            ActionArising(
                action=row.key,
                what=row.what,
                owners=[owner.code for owner in row.owners],
                status=row.status,
                rag=row.rag,
                percent_complete=row.percent_complete,
                last_update_on=row.last_update_on,
                overdue=tracking.action_overdue(row, window),
                stale=tracking.action_stale(row, window),
                archived=row.archived_at is not None,
                activities=sorted(linked[row.id], key=lambda a: (a.carried_out_on, a.id), reverse=True),
            )
            for row in rows.unique()
        ],
    )
