"""Plan revisions: every write to an action, a project or a year's savings records what the item now says, so that
a pack built for a past moment (known_at) reads the plan as it was then.

A write calls record() after it has flushed; record() reads the items' plans as they now stand and adds a revision
for each one that differs from its latest (so a write that changed nothing, or a seed reloaded unchanged, adds none).
known() reads every item of a kind as it stood at a moment: the latest revision recorded by then, leaving out items
made later and items archived by then.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions.models import ActionMilestone, ActionOwner, BusinessImprovementAction
from api.auth.principal import Actor
from api.projects.models import ProjectFocusArea, ProjectSavings, TransformationProject
from api.revisions.models import PlanKind, PlanRevision

Content = dict[str, Any]

ACTION_FIELDS = ("key", "focus_area_id", "position", "theme", "what", "detail", "comments", "note")
ACTION_DUE = ("due_text", "due_kind", "due_date")
MILESTONE_FIELDS = ("title", "due_text", "due_kind", "due_date", "status", "rag")
PROJECT_FIELDS = (
    "key",
    "title",
    "description",
    "lead_owner_id",
    "pid_status",
    "deadline_text",
    "deadline_kind",
    "deadline_date",
    "savings_target_pence",
    "savings_target_text",
    "savings_target_date",
    "note",
)
SAVINGS_FIELDS = ("project_id", "financial_year", "target_pence", "forecast_pence", "delivered_pence", "note")


def _plain(value: Any) -> Any:
    """A column's value as JSON keeps it: dates as ISO 8601, enumerations as their values."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _row(row: Any, names: Iterable[str]) -> Content:
    return {name: _plain(getattr(row, name)) for name in names}


async def _actions(session: AsyncSession, ids: Sequence[int] | None) -> dict[int, tuple[Content, bool]]:
    action = BusinessImprovementAction
    where = [action.id.in_(ids)] if ids is not None else []
    owners: defaultdict[int, list[int]] = defaultdict(list)
    for action_id, owner_id in await session.execute(
        select(ActionOwner.action_id, ActionOwner.owner_id)
        .join(action, action.id == ActionOwner.action_id)
        .where(*where)
        .order_by(ActionOwner.action_id, ActionOwner.position)
    ):
        owners[action_id].append(owner_id)
    milestones: defaultdict[int, list[Content]] = defaultdict(list)
    columns = [getattr(ActionMilestone, name) for name in MILESTONE_FIELDS]
    for row in await session.execute(
        select(ActionMilestone.action_id, *columns)
        .join(action, action.id == ActionMilestone.action_id)
        .where(*where)
        .order_by(ActionMilestone.action_id, ActionMilestone.position)
    ):
        milestones[row.action_id].append(_row(row, MILESTONE_FIELDS))
    names = ACTION_FIELDS + ACTION_DUE
    found = {}
    for row in await session.execute(
        select(action.id, action.archived_at, *(getattr(action, name) for name in names)).where(*where)
    ):
        content = _row(row, names) | {"owner_ids": owners[row.id], "milestones": milestones[row.id]}
        found[row.id] = (content, row.archived_at is not None)
    return found


async def _projects(session: AsyncSession, ids: Sequence[int] | None) -> dict[int, tuple[Content, bool]]:
    project = TransformationProject
    where = [project.id.in_(ids)] if ids is not None else []
    areas: defaultdict[int, list[int]] = defaultdict(list)
    for project_id, area_id in await session.execute(
        select(ProjectFocusArea.project_id, ProjectFocusArea.focus_area_id)
        .join(project, project.id == ProjectFocusArea.project_id)
        .where(*where)
        .order_by(ProjectFocusArea.project_id, ProjectFocusArea.position)
    ):
        areas[project_id].append(area_id)
    found = {}
    for row in await session.execute(
        select(project.id, project.archived_at, *(getattr(project, name) for name in PROJECT_FIELDS)).where(*where)
    ):
        found[row.id] = (_row(row, PROJECT_FIELDS) | {"focus_area_ids": areas[row.id]}, row.archived_at is not None)
    return found


async def _savings(session: AsyncSession, ids: Sequence[int] | None) -> dict[int, tuple[Content, bool]]:
    savings = ProjectSavings
    where = [savings.id.in_(ids)] if ids is not None else []
    rows = await session.execute(select(savings.id, *(getattr(savings, name) for name in SAVINGS_FIELDS)).where(*where))
    return {row.id: (_row(row, SAVINGS_FIELDS), False) for row in rows}


_READERS = {PlanKind.action: _actions, PlanKind.project: _projects, PlanKind.savings: _savings}


async def _latest(
    session: AsyncSession, kind: PlanKind, ids: Sequence[int] | None, known_at: datetime | None
) -> dict[int, tuple[int, Content, bool]]:
    """Each item's latest revision (recorded by known_at, when given): item id -> (revision, content, archived)."""
    revision = PlanRevision
    rank = func.row_number().over(partition_by=revision.item_id, order_by=revision.revision.desc())
    ranked = select(revision.item_id, revision.revision, revision.content, revision.archived, rank.label("rank")).where(
        revision.item_kind == kind
    )
    if ids is not None:
        ranked = ranked.where(revision.item_id.in_(ids))
    if known_at is not None:
        ranked = ranked.where(revision.recorded_at <= known_at)
    latest = ranked.subquery()
    c = latest.c
    rows = await session.execute(select(c.item_id, c.revision, c.content, c.archived).where(c.rank == 1))
    return {item_id: (number, content, archived) for item_id, number, content, archived in rows}


async def record(
    session: AsyncSession, kind: PlanKind, ids: Sequence[int] | None, *, by: str, api_key_id: int | None = None
) -> int:
    """Add a revision for each item (``ids``, or every item of the kind) whose plan differs from its latest
    revision; returns how many were added. Call it after the write has flushed."""
    if ids is not None and not ids:
        return 0
    now = await _READERS[kind](session, ids)
    latest = await _latest(session, kind, ids, None)
    added = 0
    for item_id, (content, archived) in now.items():
        number, was, was_archived = latest.get(item_id, (0, None, False))
        if (was, was_archived) == (content, archived):
            continue
        session.add(
            PlanRevision(
                item_kind=kind,
                item_id=item_id,
                revision=number + 1,
                archived=archived,
                content=content,
                recorded_by=by,
                api_key_id=api_key_id,
            )
        )
        added += 1
    if added:
        await session.flush()
    return added


async def record_for(session: AsyncSession, kind: PlanKind, ids: Sequence[int], actor: Actor) -> int:
    """record() for a write made by ``actor``."""
    return await record(session, kind, ids, by=actor.name, api_key_id=actor.principal.api_key_pk)


async def known(session: AsyncSession, kind: PlanKind, known_at: datetime) -> dict[int, Content]:
    """Every item of a kind as it stood at ``known_at``: item id -> its plan, leaving out items made after it and
    items archived by then."""
    return {
        item_id: content
        for item_id, (_number, content, archived) in (await _latest(session, kind, None, known_at)).items()
        if not archived
    }


async def history(
    session: AsyncSession, kind: PlanKind, item_id: int, recorded_since: datetime | None = None
) -> Sequence[PlanRevision]:
    """An item's revisions (those recorded since ``recorded_since``, when given), newest first."""
    statement = (
        select(PlanRevision)
        .where(PlanRevision.item_kind == kind, PlanRevision.item_id == item_id)
        .order_by(PlanRevision.revision.desc())
    )
    if recorded_since is not None:
        statement = statement.where(PlanRevision.recorded_at >= recorded_since)
    return (await session.scalars(statement)).all()
