from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.errors import NotFound
from api.pagination import ChangedQuery, fetch_page
from api.strategy.models import FocusArea, Organisation, Strategy


async def list_organisations(session: AsyncSession, query: ChangedQuery) -> tuple[Sequence[Organisation], int]:
    statement = select(Organisation).order_by(Organisation.key)
    if query.updated_since is not None:
        statement = statement.where(Organisation.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def get_organisation(session: AsyncSession, key: str) -> Organisation:
    organisation = await session.scalar(select(Organisation).where(Organisation.key == key))
    if organisation is None:
        raise NotFound("organisation", key)
    return organisation


async def list_strategies(session: AsyncSession, query: ChangedQuery) -> tuple[Sequence[Strategy], int]:
    statement = select(Strategy).order_by(Strategy.period_start_date.desc(), Strategy.key)
    if query.updated_since is not None:
        statement = statement.where(Strategy.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


class FocusAreaQuery(ChangedQuery):
    strategy: str | None = Field(None, max_length=80, description="Strategy key.")


async def get_strategy(session: AsyncSession, key: str) -> Strategy:
    strategy = await session.scalar(
        select(Strategy)
        .where(Strategy.key == key)
        .options(
            selectinload(Strategy.organisation),
            selectinload(Strategy.key_objectives),
            selectinload(Strategy.policy_principles),
            selectinload(Strategy.focus_areas),
        )
    )
    if strategy is None:
        raise NotFound("strategy", key)
    return strategy


async def list_focus_areas(session: AsyncSession, query: FocusAreaQuery) -> tuple[Sequence[FocusArea], int]:
    statement = select(FocusArea).order_by(FocusArea.position, FocusArea.key)
    if query.strategy is not None:
        statement = statement.join(FocusArea.strategy).where(Strategy.key == query.strategy)
    if query.updated_since is not None:
        statement = statement.where(FocusArea.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def get_focus_area(session: AsyncSession, key: str) -> FocusArea:
    focus_area = await session.scalar(
        select(FocusArea)
        .where(FocusArea.key == key)
        .options(
            selectinload(FocusArea.strategy),
            selectinload(FocusArea.priorities),
            selectinload(FocusArea.key_actions),
        )
    )
    if focus_area is None:
        raise NotFound("focus area", key)
    return focus_area
