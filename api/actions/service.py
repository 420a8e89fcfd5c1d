from collections.abc import Sequence
from datetime import date

from pydantic import Field
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, selectinload

from api.actions.models import ActionOwner, BusinessImprovementAction
from api.delivery import DeliveryStatus, DueKind, Rag
from api.errors import NotFound
from api.owners.models import Owner
from api.pagination import PageParams, fetch_page
from api.strategy.models import FocusArea


class ActionQuery(PageParams):
    focus_area: str | None = Field(None, description="Focus area key.")
    owner: str | None = Field(None, description="Owner key: actions this owner is one of the owners of.")
    status: DeliveryStatus | None = None
    rag: Rag | None = None
    due_kind: DueKind | None = None
    due_before: date | None = Field(None, description="Due on or before this date.")
    due_after: date | None = Field(None, description="Due on or after this date.")
    theme: str | None = Field(None, description="Exact theme, e.g. 'People and leadership'.")
    q: str | None = Field(None, min_length=2, max_length=100, description="Text search in what and detail.")


def _loaded() -> Select[BusinessImprovementAction]:
    return (
        select(BusinessImprovementAction)
        .join(BusinessImprovementAction.focus_area)
        .options(
            contains_eager(BusinessImprovementAction.focus_area),
            selectinload(BusinessImprovementAction.owner_links).joinedload(ActionOwner.owner),
        )
    )


def _filtered(statement: Select[BusinessImprovementAction], query: ActionQuery) -> Select[BusinessImprovementAction]:
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
    return statement


async def list_actions(session: AsyncSession, query: ActionQuery) -> tuple[Sequence[BusinessImprovementAction], int]:
    statement = _filtered(_loaded(), query).order_by(
        FocusArea.position, BusinessImprovementAction.position, BusinessImprovementAction.id
    )
    return await fetch_page(session, statement, query)


async def list_for_focus_area(session: AsyncSession, focus_area_id: int) -> Sequence[BusinessImprovementAction]:
    statement = (
        _loaded()
        .where(BusinessImprovementAction.focus_area_id == focus_area_id)
        .order_by(BusinessImprovementAction.position, BusinessImprovementAction.id)
    )
    return (await session.scalars(statement)).all()


async def get_action(session: AsyncSession, key: str) -> BusinessImprovementAction:
    action = await session.scalar(
        _loaded()
        .where(BusinessImprovementAction.key == key)
        .options(selectinload(BusinessImprovementAction.milestones))
    )
    if action is None:
        raise NotFound("business improvement action", key)
    return action
