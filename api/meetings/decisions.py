"""Recording and correcting a meeting's decisions: the items each concerns, the actions arising (existing, or made
through the actions service in the same transaction) and the procedure changes it moves along their route."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions import service as actions_service
from api.actions import writes as action_writes
from api.actions.models import BusinessImprovementAction
from api.audit import service as audit
from api.auth.principal import Actor
from api.errors import Conflict, InvalidInput, NotFound, ProblemError
from api.meetings import route, service
from api.meetings.models import Decision, DecisionAction, DecisionItem, Meeting, MeetingStatus
from api.meetings.schemas import ArisingActionIn, DecisionCreate, DecisionUpdate
from api.meetings.writes import check_items, grant, save, touch
from api.procedures.models import ProcedureStatus
from api.versioning import Preconditions, claim, lock

RESOURCE = "decision"


def snapshot(decision: Decision) -> dict[str, Any]:
    """What the audit trail keeps of a decision."""
    return {
        "text": decision.text,
        "reasons": decision.reasons,
        "concerns": decision.concerns,
        "procedure_outcome": decision.procedure_outcome,
        "actions_arising": [link.action.key for link in decision.action_links],
    }


def audit_key(decision: Decision) -> str:
    return f"{decision.meeting_id}/{decision.number}"


async def _existing(session: AsyncSession, key: str, position: int) -> BusinessImprovementAction:
    try:
        return await actions_service.get_action(session, key)
    except NotFound as error:
        where: list[str | int] = ["body", "actions_arising", position, "action"]
        raise InvalidInput(error.detail, errors=[ProblemError(loc=where, msg="unknown action")]) from error


async def _arising(session: AsyncSession, items: Sequence[ArisingActionIn], actor: Actor) -> list[DecisionAction]:
    """The actions arising, in order: new ones made as any action is (owners' grant, revisions, audit)."""
    actions = []
    for position, item in enumerate(items):
        if item.new is not None:
            action = await action_writes.create_action(session, item.new, actor=actor)
        else:
            action = await _existing(session, item.action or "", position)
            action_writes.grant_action(actor, action)
        actions.append(action)
    if len({action.id for action in actions}) != len(actions):
        raise InvalidInput(
            "An action arises twice.", errors=[ProblemError(loc=["body", "actions_arising"], msg="duplicate action")]
        )
    return [DecisionAction(action_id=action.id, position=n) for n, action in enumerate(actions, 1)]


async def _open_meeting(session: AsyncSession, meeting_id: int, actor: Actor) -> Meeting:
    """The meeting, locked (decisions are numbered one at a time), once the key may write it; 409 if cancelled."""
    found = await service.get_meeting(session, meeting_id)
    grant(actor, found.body)
    meeting = await lock(session, found, lambda: service.get_meeting(session, meeting_id, populate_existing=True))
    if meeting.status is MeetingStatus.cancelled:
        raise Conflict(f"Meeting {meeting_id} was cancelled: it took no decisions (change its status first).")
    return meeting


async def create_decision(session: AsyncSession, meeting_id: int, data: DecisionCreate, *, actor: Actor) -> Decision:
    meeting = await _open_meeting(session, meeting_id, actor)
    concerns = await check_items(session, data.concerns, "concerns")
    moved = await route.changes_moved(session, meeting, concerns, data.procedure_outcome)
    links = await _arising(session, data.actions_arising, actor)
    last = await session.scalar(select(func.max(Decision.number)).where(Decision.meeting_id == meeting.id))
    decision = Decision(
        meeting_id=meeting.id,
        number=(last or 0) + 1,
        text=data.text,
        reasons=data.reasons,
        procedure_outcome=ProcedureStatus(data.procedure_outcome) if data.procedure_outcome else None,
        recorded_by=actor.name,
        items=[DecisionItem(position=n, ref=ref) for n, ref in enumerate(concerns, 1)],
        action_links=links,
    )
    session.add(decision)
    await session.flush()
    if decision.procedure_outcome is not None:
        await route.move(session, moved, decision.procedure_outcome, actor)
    await touch(session, meeting)
    decision = await service.get_decision(session, meeting.id, decision.number)
    await audit.record(
        session, actor, resource=RESOURCE, key=audit_key(decision), action="create", after=snapshot(decision), version=1
    )
    return decision


async def _concerns(session: AsyncSession, decision: Decision, refs: Sequence[str]) -> None:
    """New items concerned; the procedure changes a decision moved stay as recorded (a new decision moves them)."""
    concerns = await check_items(session, refs, "concerns")
    if decision.procedure_outcome is not None:
        moved = [ref for ref in decision.concerns if ref.startswith(route.PREFIX)]
        if moved != [ref for ref in concerns if ref.startswith(route.PREFIX)]:
            raise Conflict(
                f"This decision {decision.procedure_outcome.value} {', '.join(moved)}: the procedure changes it moved "
                "stay as recorded. Record a new decision to move them again."
            )
    if concerns != decision.concerns:
        decision.items.clear()
        await session.flush()
        decision.items.extend(DecisionItem(position=n, ref=ref) for n, ref in enumerate(concerns, 1))


async def update_decision(
    session: AsyncSession,
    meeting_id: int,
    number: int,
    data: DecisionUpdate,
    *,
    actor: Actor,
    conditions: Preconditions,
) -> Decision:
    meeting = await service.get_meeting(session, meeting_id)
    grant(actor, meeting.body)

    async def reload() -> Decision:
        return await service.get_decision(session, meeting_id, number, populate_existing=True)

    found = await service.get_decision(session, meeting_id, number)
    source = f"/api/v1/meetings/{meeting_id}/decisions/{number}"
    decision = await claim(session, found, conditions, source=source, reload=reload)
    before, version = snapshot(decision), decision.version
    if data.concerns is not None:
        await _concerns(session, decision, data.concerns)
    if data.actions_arising is not None:
        links = await _arising(session, data.actions_arising, actor)
        if [link.action_id for link in links] != [link.action_id for link in decision.action_links]:
            decision.action_links.clear()
            await session.flush()
            decision.action_links.extend(links)
    await session.flush()
    decision = await reload()  # the new child rows' actions loaded, for the snapshot
    changes = data.model_dump(exclude_unset=True)
    for name in ("text", "reasons"):
        if name in changes:
            setattr(decision, name, changes[name])
    saved = await save(
        session, decision, reload, snapshot, actor=actor, resource=RESOURCE, key=audit_key(decision), before=before
    )
    if saved.version != version:
        await touch(session, meeting)
    return saved
