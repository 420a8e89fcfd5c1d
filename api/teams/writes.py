"""Creating and changing teams and localities, with ETags, object grants and the audit trail."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.errors import Conflict, Forbidden, InvalidInput, ProblemError
from api.kpis.models import Scope, ScopeKind
from api.owners.models import Owner
from api.teams import service
from api.teams.schemas import TeamCreate, TeamUpdate
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "team"
# What a team may roll up to: the borough directly, or a locality (which rolls up to the borough in turn).
PARENT_KINDS = (ScopeKind.borough, ScopeKind.locality)


def snapshot(team: Scope) -> dict[str, Any]:
    """What the audit trail keeps of a team."""
    return {
        "name": team.name,
        "kind": team.kind,
        "parent": team.parent.key if team.parent else None,
        "service_owner": team.service_owner.code if team.service_owner else None,
        "manager_role": team.manager_role,
        "description": team.description,
    }


def _authorise(actor: Actor, *owners: Owner | None) -> None:
    """A key limited to some owners may manage only the teams of those owners' services."""
    if actor.principal.owner_ids is None:
        return
    ids = [owner.id for owner in owners if owner is not None]
    if not ids or not all(actor.principal.may_write_for([owner_id]) for owner_id in ids):
        raise Forbidden(f"This key ({actor.principal.name}) may manage only the teams of its own owners' services.")


async def _service_owner(session: AsyncSession, code: str) -> Owner:
    owner = await session.scalar(select(Owner).where(Owner.code == code, Owner.archived_at.is_(None)))
    if owner is None:
        raise InvalidInput(
            f"No owner with code '{code}'.", errors=[ProblemError(loc=["body", "service_owner"], msg="unknown owner")]
        )
    return owner


async def _parent(session: AsyncSession, key: str | None, *, child: Scope | None = None) -> Scope:
    """The borough (no key) or the borough or locality with this key; 422 otherwise, or when it would make a loop."""
    which = Scope.kind == ScopeKind.borough if key is None else Scope.key == key
    statement = select(Scope).where(which)
    found = (await session.scalars(statement.order_by(Scope.id).limit(1))).first()
    where: list[str | int] = ["body", "parent"]
    if found is None:
        raise InvalidInput(
            f"No scope with key '{key}'." if key else "There is no borough scope to roll up to.",
            errors=[ProblemError(loc=where, msg="unknown scope")],
        )
    if found.kind not in PARENT_KINDS:
        raise InvalidInput(
            f"'{found.key}' is a {found.kind.value}: a team rolls up to the borough or a locality.",
            errors=[ProblemError(loc=where, msg="not the borough or a locality")],
        )
    if child is not None:
        parents = {row.id: row.parent_id for row in await session.execute(select(Scope.id, Scope.parent_id))}
        current: int | None = found.id
        seen: set[int] = set()
        while current is not None and current not in seen:
            if current == child.id:
                raise InvalidInput(
                    f"'{found.key}' rolls up to '{child.key}', so it cannot also be its parent.",
                    errors=[ProblemError(loc=where, msg="would make a loop")],
                )
            seen.add(current)
            current = parents.get(current)
    return found


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the key after we checked
        raise Conflict("Another scope with this key was created at the same time.") from error


async def create_team(session: AsyncSession, data: TeamCreate, *, actor: Actor) -> Scope:
    owner = await _service_owner(session, data.service_owner) if data.service_owner else None
    _authorise(actor, owner)
    if await session.scalar(select(Scope.id).where(Scope.key == data.key)):
        raise Conflict(f"A scope with key '{data.key}' already exists.")
    team = Scope(
        key=data.key,
        name=data.name,
        kind=ScopeKind(data.kind.value),
        parent=await _parent(session, data.parent),
        service_owner=owner,
        manager_role=data.manager_role,
        description=data.description,
    )
    session.add(team)
    await _flush(session)
    team = await service.find_team(session, data.key)
    await audit.record(
        session, actor, resource=RESOURCE, key=team.key, action="create", after=snapshot(team), version=team.version
    )
    return team


async def update_team(
    session: AsyncSession, key: str, data: TeamUpdate, *, actor: Actor, conditions: Preconditions
) -> Scope:
    found = await service.find_team(session, key)
    _authorise(actor, found.service_owner)
    team = await claim_by_key(session, service.find_team, key, conditions, source=f"/api/v1/teams/{key}")
    before, version = snapshot(team), team.version
    changes = data.model_dump(exclude_unset=True)
    if "service_owner" in changes:
        team.service_owner = await _service_owner(session, data.service_owner) if data.service_owner else None
        _authorise(actor, team.service_owner)
    if "parent" in changes:
        team.parent = await _parent(session, data.parent, child=team)
    for name in ("name", "manager_role", "description"):
        if name in changes:
            setattr(team, name, changes[name])

    async def reload() -> Scope:
        return await service.find_team(session, key, populate_existing=True)

    await _flush(session)
    return await save_change(
        session, reload, snapshot, actor=actor, resource=RESOURCE, verb="update", before=before, version=version
    )
