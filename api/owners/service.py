from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from api.errors import NotFound
from api.owners.models import Owner, OwnerKind
from api.pagination import PageParams, fetch_page


class OwnerQuery(PageParams):
    kind: OwnerKind | None = None
    parent: str | None = Field(None, description="Key of the parent owner.")
    q: str | None = Field(None, min_length=1, max_length=100, description="Search code and full name.")


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
    return await fetch_page(session, statement, query)


async def get_owner(session: AsyncSession, key: str) -> tuple[Owner, Sequence[Owner]]:
    owner = await session.scalar(select(Owner).where(Owner.key == key).options(joinedload(Owner.parent)))
    if owner is None:
        raise NotFound("owner", key)
    children = await session.scalars(select(Owner).where(Owner.parent_id == owner.id).order_by(Owner.code))
    return owner, children.all()
