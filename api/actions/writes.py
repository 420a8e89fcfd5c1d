"""Creating, changing and archiving business improvement actions, with grants, ETags and the audit trail."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions import service
from api.actions.models import ActionMilestone, ActionOwner, BusinessImprovementAction
from api.actions.schemas import ActionCreate, ActionUpdate, MilestoneIn
from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.delivery import parse_due
from api.errors import Conflict, Forbidden, InvalidInput, ProblemError
from api.owners.lookup import owners_named
from api.owners.models import Owner
from api.revisions import service as revisions
from api.revisions.models import PlanKind
from api.strategy.models import FocusArea
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "action"


def snapshot(action: BusinessImprovementAction) -> dict[str, Any]:
    """What the audit trail keeps of an action."""
    return {
        "focus_area": action.focus_area.key,
        "theme": action.theme,
        "what": action.what,
        "detail": action.detail,
        "when": action.due_text,
        "who": [owner.code for owner in action.owners],
        "comments": action.comments,
        "milestones": [[m.title, m.due_text] for m in action.milestones],
        "note": action.note,
        "archived_at": action.archived_at,
    }


def grant(actor: Actor, owners: list[Owner], what: str) -> None:
    if not actor.principal.may_write_for(owner.id for owner in owners):
        raise Forbidden(f"This key may write only actions its owners own; {what} (see GET /api/v1/api-keys/current).")


async def _focus_area(session: AsyncSession, key: str) -> FocusArea:
    area = await session.scalar(select(FocusArea).where(FocusArea.key == key))
    if area is None:
        raise InvalidInput(f"No focus area '{key}'.", errors=[ProblemError(loc=["body", "focus_area"], msg="unknown")])
    return area


def _milestones(items: list[MilestoneIn]) -> list[ActionMilestone]:
    milestones = []
    for position, item in enumerate(items, 1):
        due = parse_due(item.when)
        milestones.append(
            ActionMilestone(
                position=position, title=item.title, due_text=due.text, due_kind=due.kind, due_date=due.due_date
            )
        )
    return milestones


async def create_action(session: AsyncSession, data: ActionCreate, *, actor: Actor) -> BusinessImprovementAction:
    owners = await owners_named(session, data.who, field="who")
    grant(actor, owners, "name one of them in who")
    area = await _focus_area(session, data.focus_area)
    if await session.scalar(select(BusinessImprovementAction.id).where(BusinessImprovementAction.key == data.key)):
        raise Conflict(f"An action with key '{data.key}' already exists.")
    last = await session.scalar(
        select(func.max(BusinessImprovementAction.position)).where(BusinessImprovementAction.focus_area_id == area.id)
    )
    due = parse_due(data.when)
    session.add(
        BusinessImprovementAction(
            key=data.key,
            focus_area_id=area.id,
            position=(last or 0) + 1,
            theme=data.theme,
            what=data.what,
            detail=data.detail,
            due_text=due.text,
            due_kind=due.kind,
            due_date=due.due_date,
            comments=data.comments,
            note=data.note,
            milestones=_milestones(data.milestones),
            owner_links=[ActionOwner(owner_id=owner.id, position=i) for i, owner in enumerate(owners)],
        )
    )
    await session.flush()
    action = await service.get_action(session, data.key)
    await revisions.record_for(session, PlanKind.action, [action.id], actor)
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=action.key,
        action="create",
        after=snapshot(action),
        version=action.version,
    )
    return action


async def _apply(
    session: AsyncSession, action: BusinessImprovementAction, changes: dict[str, Any], data: ActionUpdate, actor: Actor
) -> None:
    if "focus_area" in changes and data.focus_area is not None:
        action.focus_area_id = (await _focus_area(session, data.focus_area)).id
    for name in ("theme", "what", "detail", "comments", "note"):
        if name in changes:
            setattr(action, name, changes[name])
    if "when" in changes:
        due = parse_due(data.when)
        action.due_text, action.due_kind, action.due_date = due.text, due.kind, due.due_date
    if data.who is not None:
        owners = await owners_named(session, data.who, field="who")
        grant(actor, owners, "an action cannot be handed to owners outside the key's")
        action.owner_links.clear()
        await session.flush()
        action.owner_links.extend(ActionOwner(owner_id=owner.id, position=i) for i, owner in enumerate(owners))
    if data.milestones is not None:
        action.milestones.clear()
        await session.flush()
        action.milestones.extend(_milestones(data.milestones))


def grant_action(actor: Actor, action: BusinessImprovementAction) -> None:
    grant(actor, action.owners, f"'{action.key}' belongs to {', '.join(o.code for o in action.owners) or 'no owner'}")


async def _writable(
    session: AsyncSession, key: str, actor: Actor, conditions: Preconditions
) -> BusinessImprovementAction:
    """The action, locked, once the preconditions hold and the key may write it."""
    action = await claim_by_key(session, service.get_action, key, conditions, source=f"/api/v1/actions/{key}")
    grant_action(actor, action)
    return action


async def update_action(
    session: AsyncSession, key: str, data: ActionUpdate, *, actor: Actor, conditions: Preconditions
) -> BusinessImprovementAction:
    action = await _writable(session, key, actor, conditions)
    changes = data.model_dump(exclude_unset=True)
    before, version = snapshot(action), action.version
    await _apply(session, action, changes, data, actor)
    return await _save(session, action, actor, "update", before, version)


async def archive_action(
    session: AsyncSession, key: str, *, actor: Actor, conditions: Preconditions
) -> BusinessImprovementAction:
    action = await _writable(session, key, actor, conditions)
    if action.archived_at is not None:
        return action
    before, version = snapshot(action), action.version
    action.archived_at = utcnow()
    return await _save(session, action, actor, "archive", before, version)


async def _save(
    session: AsyncSession,
    action: BusinessImprovementAction,
    actor: Actor,
    verb: str,
    before: dict[str, Any],
    version: int,
) -> BusinessImprovementAction:
    async def reload() -> BusinessImprovementAction:
        return await service.get_action(session, action.key, populate_existing=True)

    saved = await save_change(
        session, reload, snapshot, actor=actor, resource=RESOURCE, verb=verb, before=before, version=version
    )
    await revisions.record_for(session, PlanKind.action, [saved.id], actor)
    return saved
