from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from pydantic import Field
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from api import tracking
from api.actions.live import LiveAction, MilestoneDue, OwnerRef
from api.actions.models import ActionMilestone, ActionOwner, BusinessImprovementAction
from api.actions.schemas import ActionDetail, ActionRead
from api.delivery import DeliveryStatus, DueKind, Rag
from api.errors import NotFound
from api.owners.models import Owner
from api.pagination import ChangedQuery, fetch_page
from api.schemas import Day
from api.strategy.models import FocusArea


class ActionQuery(ChangedQuery):
    focus_area: str | None = Field(None, max_length=80, description="Focus area key.")
    owner: str | None = Field(None, max_length=80, description="Owner key: actions this owner is one of the owners of.")
    status: DeliveryStatus | None = None
    rag: Rag | None = None
    due_kind: DueKind | None = None
    due_before: Day | None = Field(None, description="Due on or before this date.")
    due_after: Day | None = Field(None, description="Due on or after this date.")
    theme: str | None = Field(None, max_length=200, description="Exact theme, e.g. 'People and leadership'.")
    q: str | None = Field(None, min_length=2, max_length=100, description="Text search in what and detail.")
    overdue: bool | None = Field(None, description="Only actions past their due date or a milestone's (or not).")
    stale: bool | None = Field(None, description="Only ongoing actions with no recent progress update (or not).")
    as_of: Day | None = Field(None, description="Judge overdue and stale as at this date (default: today).")
    include_archived: bool = Field(False, description="Include archived actions.")


def _loaded() -> Select[BusinessImprovementAction]:
    return (
        select(BusinessImprovementAction)
        .join(BusinessImprovementAction.focus_area)
        .options(
            contains_eager(BusinessImprovementAction.focus_area),
            selectinload(BusinessImprovementAction.owner_links).joinedload(ActionOwner.owner),
            selectinload(BusinessImprovementAction.milestones),
        )
    )


RowT = TypeVar("RowT", BusinessImprovementAction, int)


def _filtered(statement: Select[RowT], query: ActionQuery) -> Select[RowT]:
    action = BusinessImprovementAction
    if query.focus_area is not None:
        statement = statement.where(
            action.focus_area_id.in_(select(FocusArea.id).where(FocusArea.key == query.focus_area))
        )
    if query.owner is not None:
        owned = select(ActionOwner.action_id).join(Owner).where(Owner.key == query.owner)
        statement = statement.where(action.id.in_(owned))
    for column, wanted in (
        (action.status, query.status),
        (action.rag, query.rag),
        (action.due_kind, query.due_kind),
        (action.theme, query.theme),
    ):
        if wanted is not None:
            statement = statement.where(column == wanted)
    if query.due_before is not None:
        statement = statement.where(action.due_date <= query.due_before)
    if query.due_after is not None:
        statement = statement.where(action.due_date >= query.due_after)
    if query.q is not None:
        pattern = f"%{query.q}%"
        statement = statement.where(or_(action.what.ilike(pattern), action.detail.ilike(pattern)))
    if not query.include_archived:
        statement = statement.where(action.archived_at.is_(None))
    if query.updated_since is not None:
        statement = statement.where(action.updated_at >= query.updated_since)
    return statement


async def list_actions(
    session: AsyncSession, query: ActionQuery, window: tracking.Window
) -> tuple[Sequence[BusinessImprovementAction], int]:
    flags = tracking.flag_filter(
        [(query.overdue, tracking.action_overdue_sql(window)), (query.stale, tracking.action_stale_sql(window))]
    )
    # The page is chosen, and the whole list counted, over the actions' ids alone, then those 50 are loaded whole:
    # sorting 2,000 full rows (their texts run to thousands of characters) to count them took 11 ms, the ids 1 ms.
    action = BusinessImprovementAction
    chosen = (
        _filtered(select(action.id).join(action.focus_area), query)
        .where(*flags)
        .order_by(FocusArea.position, action.position, action.id)
    )
    ids, total = await fetch_page(session, chosen, query)  # ids: the rows' first column
    found = {row.id: row for row in (await session.scalars(_loaded().where(action.id.in_(ids)))).all()} if ids else {}
    return [found[id_] for id_ in ids], total  # in the page's order


async def list_for_focus_area(session: AsyncSession, focus_area_id: int) -> Sequence[BusinessImprovementAction]:
    statement = (
        _loaded()
        .where(
            BusinessImprovementAction.focus_area_id == focus_area_id, BusinessImprovementAction.archived_at.is_(None)
        )
        .order_by(BusinessImprovementAction.position, BusinessImprovementAction.id)
    )
    return (await session.scalars(statement)).all()


async def get_action(session: AsyncSession, key: str, *, populate_existing: bool = False) -> BusinessImprovementAction:
    statement = (
        _loaded().where(BusinessImprovementAction.key == key).execution_options(populate_existing=populate_existing)
    )
    action = await session.scalar(statement)
    if action is None:
        raise NotFound("business improvement action", key)
    return action


ReadT = TypeVar("ReadT", ActionRead, ActionDetail)


def read_action(action: BusinessImprovementAction, window: tracking.Window, model: type[ReadT]) -> ReadT:
    """The response for an action, with its overdue and stale flags as at the window's date."""
    flags = {"overdue": tracking.action_overdue(action, window), "stale": tracking.action_stale(action, window)}
    return model.model_validate(action).model_copy(update=flags)


async def list_live(session: AsyncSession) -> list[LiveAction]:
    """Every action not archived, in strategy order, with its owners and milestones, as light rows (three queries)."""
    action, milestone = BusinessImprovementAction, ActionMilestone
    live = action.archived_at.is_(None)
    owners: defaultdict[int, list[OwnerRef]] = defaultdict(list)
    refs: dict[int, OwnerRef] = {}  # one per owner, shared by their actions
    for action_id, owner_id, code in await session.execute(
        select(ActionOwner.action_id, Owner.id, Owner.code)
        .join(Owner, Owner.id == ActionOwner.owner_id)
        .join(action, action.id == ActionOwner.action_id)
        .where(live)
        .order_by(ActionOwner.action_id, ActionOwner.position)
    ):
        ref = refs.get(owner_id) or refs.setdefault(owner_id, OwnerRef(owner_id, code))
        owners[action_id].append(ref)
    milestones: defaultdict[int, list[MilestoneDue]] = defaultdict(list)
    for action_id, due_date, status in await session.execute(
        select(milestone.action_id, milestone.due_date, milestone.status)
        .join(action, action.id == milestone.action_id)
        .where(live)
        .order_by(milestone.action_id, milestone.position)
    ):
        milestones[action_id].append(MilestoneDue(due_date, status))
    rows = await session.execute(
        select(
            action.id,
            action.key,
            action.what,
            action.focus_area_id,
            action.due_text,
            action.due_kind,
            action.due_date,
            action.status,
            action.last_update_on,
        )
        .join(action.focus_area)
        .where(live)
        .order_by(FocusArea.position, action.position)
    )
    return [
        LiveAction(*row, owners=tuple(owners.get(row.id, ())), milestones=tuple(milestones.get(row.id, ())))
        for row in rows
    ]
