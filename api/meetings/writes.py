"""Scheduling and changing meetings, with the body owner's grant, ETags and the audit trail."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import AppError, Conflict, Forbidden, InvalidInput, ProblemError
from api.governance import routing
from api.governance.models import GovernanceBody
from api.meetings import service
from api.meetings.models import Decision, Meeting, MeetingStatus
from api.meetings.schemas import MeetingCreate, MeetingUpdate
from api.versioning import Preconditions, claim

RESOURCE = "meeting"


class Saved(Protocol):
    version: int
    updated_at: Any


SavedT = TypeVar("SavedT", bound=Saved)


def snapshot(meeting: Meeting) -> dict[str, Any]:
    """What the audit trail keeps of a meeting."""
    return {
        "body": meeting.body.key,
        "meeting_date": meeting.meeting_date,
        "title": meeting.title,
        "location": meeting.location,
        "notes": meeting.notes,
        "status": meeting.status,
        "agenda_items": list(meeting.agenda_items),
    }


def grant(actor: Actor, body: GovernanceBody) -> None:
    """A key limited to some owners writes the meetings (and decisions) of the bodies those owners own."""
    if not actor.principal.may_write_for([body.owner_id] if body.owner_id else []):
        raise Forbidden(
            f"This key may write only the meetings of bodies its owners own; {body.key} "
            f"{'has another owner' if body.owner_id else 'has no owner'} (see GET /api/v1/api-keys/current)."
        )


async def save(
    session: AsyncSession,
    item: SavedT,
    reload: Callable[[], Awaitable[SavedT]],
    snapshot: Callable[[SavedT], dict[str, Any]],
    *,
    actor: Actor,
    resource: str,
    key: str,
    before: dict[str, Any],
) -> SavedT:
    """Write a claimed, edited item and audit what changed; nothing changed, nothing written. The row itself is
    written whatever changed, so a change to its child rows alone moves its version too (the ETag covers them)."""
    was, now = audit.changes(before, snapshot(item))
    if not now:
        return item
    item.updated_at = utcnow()
    await session.flush()
    item = await reload()
    await audit.record(
        session, actor, resource=resource, key=key, action="update", before=was, after=now, version=item.version
    )
    return item


async def check_items(session: AsyncSession, refs: Sequence[str], field: str) -> list[str]:
    """The item references, each resolved as the routing resolves it; 422 naming each that is no item."""
    errors = []
    for position, ref in enumerate(refs):
        try:
            await routing.facts_for(session, ref)
        except AppError as error:
            errors.append(ProblemError(loc=["body", field, position], msg=error.detail))
    if len(set(refs)) != len(refs):
        errors.append(ProblemError(loc=["body", field], msg="an item is named twice"))
    if errors:
        raise InvalidInput("Some items named are not known items.", errors=errors)
    return list(refs)


async def _body(session: AsyncSession, key: str) -> GovernanceBody:
    body = await session.scalar(select(GovernanceBody).where(GovernanceBody.key == key))
    if body is None:
        raise InvalidInput(f"No governance body '{key}'.", errors=[ProblemError(loc=["body", "body"], msg="unknown")])
    return body


async def _free(session: AsyncSession, body: GovernanceBody, day: date, meeting_id: int | None = None) -> None:
    """409 if the body already has another meeting on that date (one per body and date)."""
    taken = await session.scalar(select(Meeting.id).where(Meeting.body_id == body.id, Meeting.meeting_date == day))
    if taken is not None and taken != meeting_id:
        raise Conflict(f"{body.key} already has a meeting on that date (GET /api/v1/meetings/{taken}).")


async def _undecided(session: AsyncSession, meeting: Meeting) -> None:
    """409 if the meeting has decisions: a meeting that decided things took place (correct its date instead)."""
    if await session.scalar(select(Decision.id).where(Decision.meeting_id == meeting.id).limit(1)):
        raise Conflict(f"Meeting {meeting.id} has decisions recorded, so it took place: it cannot be cancelled.")


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent writer took the date after we checked
        raise Conflict("Another meeting of this body on this date was made at the same time.") from error


async def create_meeting(session: AsyncSession, data: MeetingCreate, *, actor: Actor) -> Meeting:
    body = await _body(session, data.body)
    grant(actor, body)
    await _free(session, body, data.meeting_date)
    meeting = Meeting(
        body_id=body.id,
        meeting_date=data.meeting_date,
        title=data.title,
        location=data.location,
        notes=data.notes,
        status=data.status,
        agenda_items=await check_items(session, data.agenda_items, "agenda_items"),
    )
    session.add(meeting)
    await _flush(session)
    meeting = await service.get_meeting(session, meeting.id)
    await audit.record(
        session, actor, resource=RESOURCE, key=str(meeting.id), action="create", after=snapshot(meeting), version=1
    )
    return meeting


async def writable(session: AsyncSession, meeting_id: int, actor: Actor, conditions: Preconditions) -> Meeting:
    """The meeting, locked and re-read, once the key may write it and the ETag is current."""
    found = await service.get_meeting(session, meeting_id)
    grant(actor, found.body)
    return await claim(
        session,
        found,
        conditions,
        source=f"/api/v1/meetings/{meeting_id}",
        reload=lambda: service.get_meeting(session, meeting_id, populate_existing=True),
    )


async def update_meeting(
    session: AsyncSession, meeting_id: int, data: MeetingUpdate, *, actor: Actor, conditions: Preconditions
) -> Meeting:
    meeting = await writable(session, meeting_id, actor, conditions)
    before = snapshot(meeting)
    changes = data.model_dump(exclude_unset=True)
    if data.meeting_date is not None:
        await _free(session, meeting.body, data.meeting_date, meeting_id)
    if data.status is MeetingStatus.cancelled and meeting.status is not MeetingStatus.cancelled:
        await _undecided(session, meeting)
    if data.agenda_items is not None:
        meeting.agenda_items = await check_items(session, data.agenda_items, "agenda_items")
    for name in ("meeting_date", "title", "location", "notes", "status"):
        if name in changes:
            setattr(meeting, name, getattr(data, name))
    return await save(
        session,
        meeting,
        lambda: service.get_meeting(session, meeting_id, populate_existing=True),
        snapshot,
        actor=actor,
        resource=RESOURCE,
        key=str(meeting_id),
        before=before,
    )


async def touch(session: AsyncSession, meeting: Meeting) -> None:
    """A decision recorded or corrected changes the meeting as read (its log): move its version on."""
    meeting.updated_at = utcnow()
    await session.flush()
