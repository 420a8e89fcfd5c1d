"""Creating, changing and archiving owners, with ETags and the audit trail."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions.models import ActionOwner, BusinessImprovementAction
from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import Conflict, InvalidInput, ProblemError
from api.owners import service
from api.owners.models import Owner
from api.owners.schemas import OwnerCreate, OwnerUpdate
from api.projects.models import TransformationProject
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "owner"


def snapshot(owner: Owner) -> dict[str, Any]:
    """What the audit trail keeps of an owner."""
    return {
        "code": owner.code,
        "full_name": owner.full_name,
        "name_inferred": owner.name_inferred,
        "kind": owner.kind,
        "parent": owner.parent.code if owner.parent else None,
        "aliases": list(owner.aliases),
        "note": owner.note,
        "archived_at": owner.archived_at,
    }


async def _check_names(session: AsyncSession, names: Sequence[str], *, owner_id: int | None) -> None:
    """409 when a code or alias already names another owner: a Who column must name exactly one owner."""
    statement = select(Owner)
    if owner_id is not None:
        statement = statement.where(Owner.id != owner_id)
    others = (await session.scalars(statement)).all()
    taken = {alias: other for other in others for alias in other.aliases} | {other.code: other for other in others}
    clashes = [f"'{name}' already names owner {taken[name].key}" for name in names if name in taken]
    if clashes:
        raise Conflict("; ".join(clashes) + ".")


async def _parent(session: AsyncSession, code: str, *, child: Owner | None = None) -> Owner:
    """The live owner with this code; 422 if there is none, or if it reports (at any remove) to ``child``."""
    parent = await session.scalar(select(Owner).where(Owner.code == code, Owner.archived_at.is_(None)))
    if parent is None:
        raise InvalidInput(
            f"No owner with code '{code}'.", errors=[ProblemError(loc=["body", "parent"], msg="unknown")]
        )
    if child is not None:
        parents = {row.id: row.parent_id for row in await session.execute(select(Owner.id, Owner.parent_id))}
        seen: set[int] = set()
        current: int | None = parent.id
        while current is not None and current not in seen:
            if current == child.id:
                raise InvalidInput(
                    f"{code} reports to {child.code}, so it cannot also be its parent.",
                    errors=[ProblemError(loc=["body", "parent"], msg="would make a reporting cycle")],
                )
            seen.add(current)
            current = parents.get(current)
    return parent


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the key or code after we checked
        raise Conflict("Another owner with this key or code was created at the same time.") from error


async def create_owner(session: AsyncSession, data: OwnerCreate, *, actor: Actor) -> Owner:
    if await session.scalar(select(Owner.id).where(Owner.key == data.key)):
        raise Conflict(f"An owner with key '{data.key}' already exists.")
    await _check_names(session, [data.code, *data.aliases], owner_id=None)
    owner = Owner(
        key=data.key,
        code=data.code,
        full_name=data.full_name,
        kind=data.kind,
        parent=await _parent(session, data.parent) if data.parent else None,
        aliases=list(data.aliases),
        name_inferred=False,
        note=data.note,
    )
    session.add(owner)
    await _flush(session)
    owner = await service.find_owner(session, data.key)
    after = snapshot(owner)
    await audit.record(
        session, actor, resource=RESOURCE, key=owner.key, action="create", after=after, version=owner.version
    )
    return owner


async def _apply(session: AsyncSession, owner: Owner, data: OwnerUpdate) -> None:
    changes = data.model_dump(exclude_unset=True)
    if "code" in changes or "aliases" in changes:
        names = [changes.get("code", owner.code), *changes.get("aliases", owner.aliases)]
        await _check_names(session, names, owner_id=owner.id)
    for name in ("code", "kind", "aliases", "note"):
        if name in changes:
            setattr(owner, name, changes[name])
    if "full_name" in changes:
        owner.full_name, owner.name_inferred = data.full_name, False
    if "parent" in changes:
        owner.parent = await _parent(session, data.parent, child=owner) if data.parent else None


async def _writable(session: AsyncSession, key: str, conditions: Preconditions) -> Owner:
    """The owner, locked, once the preconditions hold."""
    return await claim_by_key(session, service.find_owner, key, conditions, source=f"/api/v1/owners/{key}")


async def update_owner(
    session: AsyncSession, key: str, data: OwnerUpdate, *, actor: Actor, conditions: Preconditions
) -> Owner:
    owner = await _writable(session, key, conditions)
    before, version = snapshot(owner), owner.version
    await _apply(session, owner, data)
    return await _save(session, owner, actor, "update", before, version)


async def _accountable_for(session: AsyncSession, owner: Owner) -> dict[str, list[str]]:
    """Keys of the live actions this owner owns and the live projects it leads."""
    action = BusinessImprovementAction
    actions = await session.scalars(
        select(action.key)
        .join(ActionOwner, ActionOwner.action_id == action.id)
        .where(ActionOwner.owner_id == owner.id, action.archived_at.is_(None))
        .order_by(action.key)
    )
    project = TransformationProject
    projects = await session.scalars(
        select(project.key)
        .where(project.lead_owner_id == owner.id, project.archived_at.is_(None))
        .order_by(project.key)
    )
    return {"business_improvement_actions": list(actions), "transformation_projects": list(projects)}


async def archive_owner(session: AsyncSession, key: str, *, actor: Actor, conditions: Preconditions) -> Owner:
    owner = await _writable(session, key, conditions)
    if owner.archived_at is not None:
        return owner
    held = await _accountable_for(session, owner)
    if any(held.values()):
        actions, projects = held["business_improvement_actions"], held["transformation_projects"]
        duties = [f"owns business improvement actions {', '.join(actions)}"] if actions else []
        duties += [f"leads transformation projects {', '.join(projects)}"] if projects else []
        raise Conflict(
            f"{owner.code} still {' and '.join(duties)}. Accountable records must keep an owner: "
            "hand them to another owner, or archive them, first.",
            extensions=held,
        )
    before, version = snapshot(owner), owner.version
    owner.archived_at = utcnow()
    return await _save(session, owner, actor, "archive", before, version)


async def _save(
    session: AsyncSession, owner: Owner, actor: Actor, verb: str, before: dict[str, Any], version: int
) -> Owner:
    async def reload() -> Owner:
        return await service.find_owner(session, owner.key, populate_existing=True)

    await _flush(session)
    return await save_change(
        session, reload, snapshot, actor=actor, resource=RESOURCE, verb=verb, before=before, version=version
    )
