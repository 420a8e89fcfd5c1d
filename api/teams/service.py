"""Teams and localities: the scopes of kind team or locality, with their parent, service and manager's role."""

from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload

from api.errors import NotFound
from api.kpis.models import Scope, ScopeKind
from api.owners.models import Owner
from api.pagination import ChangedQuery, fetch_page
from api.schemas import Key, OwnerCode
from api.teams.schemas import TeamKind

KINDS = (ScopeKind.team, ScopeKind.locality)


class TeamQuery(ChangedQuery):
    kind: TeamKind | None = None
    parent: Key | None = Field(None, description="Key of the borough or locality the teams roll up to directly.")
    service_owner: OwnerCode | None = Field(None, description="Code of the owner the teams answer to.")


def _teams() -> Select[Scope]:
    return select(Scope).where(Scope.kind.in_(KINDS)).options(joinedload(Scope.parent), joinedload(Scope.service_owner))


async def list_teams(session: AsyncSession, query: TeamQuery) -> tuple[Sequence[Scope], int]:
    statement = _teams().order_by(Scope.name, Scope.key)
    if query.kind is not None:
        statement = statement.where(Scope.kind == ScopeKind(query.kind.value))
    if query.parent is not None:
        parent = aliased(Scope)
        statement = statement.join(parent, Scope.parent_id == parent.id).where(parent.key == query.parent)
    if query.service_owner is not None:
        statement = statement.join(Owner, Scope.service_owner_id == Owner.id).where(Owner.code == query.service_owner)
    if query.updated_since is not None:
        statement = statement.where(Scope.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def find_team(session: AsyncSession, key: str, *, populate_existing: bool = False) -> Scope:
    """One team or locality, with its parent and service loaded; 404 if there is none with this key."""
    statement = _teams().where(Scope.key == key)
    team = await session.scalar(statement.execution_options(populate_existing=populate_existing))
    if team is None:
        raise NotFound("team", key)
    return team
