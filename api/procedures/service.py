"""Procedure changes: proposed here, then tested and approved (or rejected) by meetings' decisions (api/meetings/)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.audit import service as audit
from api.auth.principal import Actor
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, ProblemError
from api.pagination import fetch_page
from api.procedures.models import ProcedureChange, ProcedureStatus
from api.procedures.schemas import ProcedureChangeCreate, ProcedureChangeQuery, ProcedureChangeUpdate
from api.strategy.models import FocusArea
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "procedure_change"
OPEN = (ProcedureStatus.proposed, ProcedureStatus.tested)


def snapshot(change: ProcedureChange) -> dict[str, Any]:
    """What the audit trail keeps of a procedure change."""
    return {
        "title": change.title,
        "description": change.description,
        "focus_area": change.focus_area.key if change.focus_area else None,
        "status": change.status,
    }


def _changes() -> Select[ProcedureChange]:
    return select(ProcedureChange).options(joinedload(ProcedureChange.focus_area))


async def get_change(session: AsyncSession, key: str, *, populate_existing: bool = False) -> ProcedureChange:
    statement = _changes().where(ProcedureChange.key == key).execution_options(populate_existing=populate_existing)
    change = await session.scalar(statement)
    if change is None:
        raise NotFound("procedure change", key)
    return change


async def open_changes(session: AsyncSession) -> Sequence[ProcedureChange]:
    """Procedure changes still on their way (proposed or tested)."""
    statement = select(ProcedureChange).where(ProcedureChange.status.in_(OPEN)).order_by(ProcedureChange.key)
    return (await session.scalars(statement)).all()


async def list_changes(session: AsyncSession, query: ProcedureChangeQuery) -> tuple[Sequence[ProcedureChange], int]:
    statement = _changes().order_by(ProcedureChange.key)
    if query.status is not None:
        statement = statement.where(ProcedureChange.status == query.status)
    if query.focus_area is not None:
        statement = statement.join(FocusArea, ProcedureChange.focus_area_id == FocusArea.id).where(
            FocusArea.key == query.focus_area
        )
    if query.updated_since is not None:
        statement = statement.where(ProcedureChange.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


async def _focus_area_id(session: AsyncSession, key: str | None) -> int | None:
    if key is None:
        return None
    found = await session.scalar(select(FocusArea.id).where(FocusArea.key == key))
    if found is None:
        raise InvalidInput(f"No focus area '{key}'.", errors=[ProblemError(loc=["body", "focus_area"], msg="unknown")])
    return found


def grant(actor: Actor) -> None:
    """A procedure change has no owner, so a key limited to some owners may not propose or edit one."""
    if not actor.principal.may_write_for(()):
        raise Forbidden("Procedure changes have no owner: only a key not limited to owners may propose or edit one.")


async def create_change(session: AsyncSession, data: ProcedureChangeCreate, *, actor: Actor) -> ProcedureChange:
    grant(actor)
    if await session.scalar(select(ProcedureChange.id).where(ProcedureChange.key == data.key)):
        raise Conflict(f"A procedure change with key '{data.key}' already exists.")
    session.add(
        ProcedureChange(
            key=data.key,
            title=data.title,
            description=data.description,
            focus_area_id=await _focus_area_id(session, data.focus_area),
        )
    )
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the key after we checked
        raise Conflict(f"A procedure change with key '{data.key}' was created at the same time.") from error
    change = await get_change(session, data.key)
    await audit.record(
        session, actor, resource=RESOURCE, key=change.key, action="create", after=snapshot(change), version=1
    )
    return change


async def update_change(
    session: AsyncSession, key: str, data: ProcedureChangeUpdate, *, actor: Actor, conditions: Preconditions
) -> ProcedureChange:
    grant(actor)
    change = await claim_by_key(session, get_change, key, conditions, source=f"/api/v1/procedure-changes/{key}")
    before, version = snapshot(change), change.version
    changes = data.model_dump(exclude_unset=True)
    if "focus_area" in changes:
        change.focus_area_id = await _focus_area_id(session, data.focus_area)
    for name in ("title", "description"):
        if name in changes:
            setattr(change, name, changes[name])
    return await save_change(
        session,
        lambda: get_change(session, key, populate_existing=True),
        snapshot,
        actor=actor,
        resource=RESOURCE,
        verb="update",
        before=before,
        version=version,
    )
