from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from api.errors import NotFound
from api.owners.models import Owner, OwnerKind
from api.pagination import ChangedQuery, fetch_page


class OwnerQuery(ChangedQuery):
    kind: OwnerKind | None = None
    parent: str | None = Field(None, max_length=80, description="Key of the parent owner.")
    q: str | None = Field(None, min_length=1, max_length=100, description="Search code and full name.")
    include_archived: bool = Field(False, description="Include archived owners.")


async def list_owners(session: AsyncSession, query: OwnerQuery) -> tuple[Sequence[Owner], int]:
    statement = select(Owner).options(joinedload(Owner.parent)).order_by(Owner.code)
    if query.kind is not None:
        statement = statement.where(Owner.kind == query.kind)
    if query.parent is not None:
        parent = aliased(Owner)
        statement = statement.join(parent, Owner.parent_id == parent.id).where(parent.key == query.parent)
    if query.q is not None:
        pattern = f"%{query.q}%"
        statement = statement.where(or_(Owner.code.ilike(pattern), Owner.full_name.ilike(pattern)))
    if not query.include_archived:
        statement = statement.where(Owner.archived_at.is_(None))
    if query.updated_since is not None:
        statement = statement.where(Owner.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def find_owner(session: AsyncSession, key: str, *, populate_existing: bool = False) -> Owner:
    """One owner, with its parent loaded; 404 if there is none with this key."""
    statement = select(Owner).where(Owner.key == key).options(joinedload(Owner.parent))
    owner = await session.scalar(statement.execution_options(populate_existing=populate_existing))
    if owner is None:
        raise NotFound("owner", key)
    return owner


async def children_of(session: AsyncSession, owner: Owner) -> Sequence[Owner]:
    children = await session.scalars(select(Owner).where(Owner.parent_id == owner.id).order_by(Owner.code))
    return children.all()


async def get_owner(session: AsyncSession, key: str) -> tuple[Owner, Sequence[Owner]]:
    owner = await find_owner(session, key)
    return owner, await children_of(session, owner)
