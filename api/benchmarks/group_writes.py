"""Creating, changing and deleting a council's own comparator groups, with ETags and the audit trail.

A group's ETag is its version, which moves on with every change to the group or to its members (save_change
touches the group's row when only members changed), so an If-Match taken before someone else changed the members
gets 412, never a merged list. A group is a council's working list rather than an accountable record, so DELETE
removes it; the audit trail keeps what it held. Built-in groups are worked out when read (api/benchmarks/groups.py)
and cannot be written: 409, saying so.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.audit import service as audit
from api.auth.principal import Actor
from api.benchmarks.group_schemas import ComparatorGroupCreate, ComparatorGroupUpdate
from api.benchmarks.groups import BUILT_IN
from api.benchmarks.models import ComparatorGroup, ComparatorGroupMember
from api.errors import Conflict, InvalidInput, NotFound, ProblemError
from api.kpis import scopes
from api.kpis.models import Scope
from api.seeding.sync import replace_children
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "comparator_group"


class BuiltInGroup(Conflict):
    def __init__(self, key: str) -> None:
        super().__init__(
            f"'{key}' is a built-in group, worked out from DfE's geography and neighbour lists whenever it is read: "
            "it cannot be created, changed or deleted. Make a group of your own under another key "
            "(POST /api/v1/comparator-groups)."
        )


def snapshot(group: ComparatorGroup) -> dict[str, Any]:
    """What the audit trail keeps of a group: its members by scope key, in order."""
    return {
        "name": group.name,
        "description": group.description,
        "members": [member.scope.key for member in group.members],
    }


async def load_group(session: AsyncSession, key: str, *, populate_existing: bool = False) -> ComparatorGroup:
    """A council's own group with its members and their scopes; 404 if there is none with this key."""
    statement = (
        select(ComparatorGroup)
        .where(ComparatorGroup.key == key)
        .options(selectinload(ComparatorGroup.members).joinedload(ComparatorGroupMember.scope))
    )
    group = await session.scalar(statement.execution_options(populate_existing=populate_existing))
    if group is None:
        raise NotFound("comparator group", key)
    return group


async def members_named(session: AsyncSession, names: Sequence[str]) -> list[Scope]:
    """The scope each name means (key, GSS code, old LA number or name); 422 naming every name that means none,
    and every member that names a place already named."""
    found = await scopes.resolve(session, names)
    errors = [
        ProblemError(loc=["body", "members", index], msg=f"no scope is named '{name}'")
        for index, name in enumerate(names)
        if name not in found
    ]
    if errors:
        unknown = ", ".join(f"'{name}'" for name in names if name not in found)
        raise InvalidInput(
            f"No scope is named {unknown}: name each member by its key, GSS code, old LA number or name "
            "(GET /api/v1/scopes).",
            errors=errors,
        )
    first: dict[int, int] = {}
    for index, name in enumerate(names):
        at = first.setdefault(found[name].id, index)
        if at != index:
            errors.append(ProblemError(loc=["body", "members", index], msg=f"names the same place as members[{at}]"))
    if errors:
        raise InvalidInput("A group holds each place once; some members name a place already named.", errors=errors)
    return [found[name] for name in names]


def _members(places: Sequence[Scope]) -> list[ComparatorGroupMember]:
    return [ComparatorGroupMember(scope_id=s.id, scope=s, position=at) for at, s in enumerate(places, start=1)]


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the key after we checked
        raise Conflict("Another comparator group with this key was created at the same time.") from error


async def create_group(session: AsyncSession, data: ComparatorGroupCreate, *, actor: Actor) -> ComparatorGroup:
    if data.key in BUILT_IN:
        raise BuiltInGroup(data.key)
    if await session.scalar(select(ComparatorGroup.id).where(ComparatorGroup.key == data.key)):
        raise Conflict(f"A comparator group with key '{data.key}' already exists.")
    group = ComparatorGroup(
        key=data.key,
        name=data.name,
        description=data.description,
        created_by=actor.name,
        created_by_key_id=actor.principal.api_key_pk,
        members=_members(await members_named(session, data.members)),
    )
    session.add(group)
    await _flush(session)
    after = snapshot(group)
    await audit.record(
        session, actor, resource=RESOURCE, key=group.key, action="create", after=after, version=group.version
    )
    return group


async def _writable(session: AsyncSession, key: str, conditions: Preconditions) -> ComparatorGroup:
    """The group, locked, once the preconditions hold; 409 for a built-in, before anything else."""
    if key in BUILT_IN:
        raise BuiltInGroup(key)
    return await claim_by_key(session, load_group, key, conditions, source=f"/api/v1/comparator-groups/{key}")


async def update_group(
    session: AsyncSession, key: str, data: ComparatorGroupUpdate, *, actor: Actor, conditions: Preconditions
) -> ComparatorGroup:
    group = await _writable(session, key, conditions)
    before, version = snapshot(group), group.version
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "description"):
        if name in changes:
            setattr(group, name, changes[name])
    if data.members is not None:
        wanted = _members(await members_named(session, data.members))
        await replace_children(session, group.members, wanted, ("scope_id", "position"))
    await _flush(session)
    return await save_change(
        session,
        lambda: load_group(session, key, populate_existing=True),
        snapshot,
        actor=actor,
        resource=RESOURCE,
        verb="update",
        before=before,
        version=version,
    )


async def delete_group(session: AsyncSession, key: str, *, actor: Actor, conditions: Preconditions) -> None:
    group = await _writable(session, key, conditions)
    before, version = snapshot(group), group.version
    await session.delete(group)
    await session.flush()
    await audit.record(session, actor, resource=RESOURCE, key=key, action="delete", before=before, version=version)
