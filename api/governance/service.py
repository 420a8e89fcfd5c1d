from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.errors import NotFound
from api.governance.models import BodyStatus, Cadence, GovernanceBody
from api.pagination import ChangedQuery, fetch_page


class GovernanceBodyQuery(ChangedQuery):
    status: BodyStatus | None = None
    cadence: Cadence | None = None


async def list_bodies(session: AsyncSession, query: GovernanceBodyQuery) -> tuple[Sequence[GovernanceBody], int]:
    statement = select(GovernanceBody).options(joinedload(GovernanceBody.owner)).order_by(GovernanceBody.code)
    if query.status is not None:
        statement = statement.where(GovernanceBody.status == query.status)
    if query.cadence is not None:
        statement = statement.where(GovernanceBody.cadence == query.cadence)
    if query.updated_since is not None:
        statement = statement.where(GovernanceBody.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def get_body(session: AsyncSession, key: str) -> GovernanceBody:
    body = await session.scalar(
        select(GovernanceBody).where(GovernanceBody.key == key).options(joinedload(GovernanceBody.owner))
    )
    if body is None:
        raise NotFound("governance body", key)
    return body
