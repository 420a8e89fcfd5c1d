"""Late and stale: the flags every action and project read carries, and the filters behind ?overdue= and ?stale=.

Each rule is written twice, as SQL (to filter and page in the database) and in Python (to flag what was read);
tests check the two agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions.live import LiveAction
from api.actions.models import ActionMilestone, BusinessImprovementAction
from api.delivery import DeliveryStatus, DueKind
from api.projects.live import LiveProject
from api.projects.models import TransformationProject
from api.settings import get_settings
from api.strategy.models import Strategy

FINISHED = (DeliveryStatus.complete, DeliveryStatus.closed)


@dataclass(frozen=True)
class Window:
    as_of: date
    stale_after_days: int
    since: date  # when tracking began (the strategy's start): an item never updated counts from here

    @property
    def threshold(self) -> date:
        return self.as_of - timedelta(days=self.stale_after_days)


async def window(session: AsyncSession, as_of: date | None = None) -> Window:
    as_of = as_of or date.today()
    since = await session.scalar(select(func.min(Strategy.period_start_date)))
    return Window(as_of, get_settings().stale_after_days, since or as_of)


@dataclass(frozen=True)
class State:
    """Where an item stood on a date (from the progress updates made by then), for reports as at that date."""

    status: DeliveryStatus
    last_update_on: date | None


def current(item: BusinessImprovementAction | LiveAction | TransformationProject | LiveProject) -> State:
    return State(item.status, item.last_update_on)


def _open(status: DeliveryStatus) -> bool:
    return status not in FINISHED


def action_overdue(action: BusinessImprovementAction | LiveAction, w: Window, state: State | None = None) -> bool:
    state = state or current(action)
    if not _open(state.status) or action.due_kind is DueKind.ongoing:
        return False
    late_milestone = any(m.due_date is not None and m.due_date < w.as_of and _open(m.status) for m in action.milestones)
    return (action.due_date is not None and action.due_date < w.as_of) or late_milestone


def action_stale(action: BusinessImprovementAction | LiveAction, w: Window, state: State | None = None) -> bool:
    state = state or current(action)
    return (
        _open(state.status) and action.due_kind is DueKind.ongoing and (state.last_update_on or w.since) < w.threshold
    )


def project_overdue(project: TransformationProject | LiveProject, w: Window, state: State | None = None) -> bool:
    state = state or current(project)
    return _open(state.status) and project.deadline_date is not None and project.deadline_date < w.as_of


def project_stale(project: TransformationProject | LiveProject, w: Window, state: State | None = None) -> bool:
    """A programme board expects every open project to report, whatever its deadline."""
    state = state or current(project)
    return _open(state.status) and (state.last_update_on or w.since) < w.threshold


def action_overdue_sql(w: Window) -> ColumnElement[bool]:
    action, milestone = BusinessImprovementAction, ActionMilestone
    late_milestones = select(milestone.action_id).where(milestone.due_date < w.as_of, milestone.status.not_in(FINISHED))
    return and_(
        action.status.not_in(FINISHED),
        action.due_kind != DueKind.ongoing,
        or_(action.due_date < w.as_of, action.id.in_(late_milestones)),
    )


def action_stale_sql(w: Window) -> ColumnElement[bool]:
    action = BusinessImprovementAction
    return and_(
        action.status.not_in(FINISHED),
        action.due_kind == DueKind.ongoing,
        func.coalesce(action.last_update_on, w.since) < w.threshold,
    )


def project_overdue_sql(w: Window) -> ColumnElement[bool]:
    project = TransformationProject
    return and_(project.status.not_in(FINISHED), project.deadline_date < w.as_of)


def project_stale_sql(w: Window) -> ColumnElement[bool]:
    project = TransformationProject
    return and_(project.status.not_in(FINISHED), func.coalesce(project.last_update_on, w.since) < w.threshold)


def flag_filter(clauses: Iterable[tuple[bool | None, ColumnElement[bool]]]) -> list[ColumnElement[bool]]:
    """WHERE clauses for ?overdue= and ?stale= (true: only flagged; false: only not flagged).

    Comparisons with a missing date are NULL in SQL; they count as not flagged, as they do in Python.
    """
    definite = [(wanted, func.coalesce(clause, false())) for wanted, clause in clauses if wanted is not None]
    return [clause if wanted else ~clause for wanted, clause in definite]
