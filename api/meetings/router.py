"""Meetings (/meetings): a governance body's meetings, their agendas (the packs issued for the date and other items)
and their decisions logs."""

from typing import Annotated

from fastapi import Depends, Path, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.meetings import decisions, service, writes
from api.meetings.models import Decision, Meeting
from api.meetings.schemas import (
    DecisionCreate,
    DecisionQuery,
    DecisionRead,
    DecisionUpdate,
    MeetingCreate,
    MeetingDetail,
    MeetingQuery,
    MeetingRead,
    MeetingUpdate,
)
from api.pagination import Page, UpdatedSince, page_of
from api.params import IdPath
from api.routing import domain_router
from api.schemas import Id
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.governance_write))]
NumberPath = Annotated[Id, Path(description="The decision's number in the meeting's log, from 1.")]


async def _detail(session: SessionDep, meeting: Meeting, response: Response) -> MeetingDetail:
    set_etag(response, meeting.version)
    return await service.detail(session, meeting)


def _decision(decision: Decision, response: Response) -> DecisionRead:
    set_etag(response, decision.version)
    return DecisionRead.model_validate(decision)


@router.get("/meetings", operation_id="meetings_list", tags=[Tag.meetings], response_model=Page[MeetingRead])
async def list_meetings(session: SessionDep, query: Annotated[MeetingQuery, Query()]) -> Page[MeetingRead]:
    """Governance bodies' meetings, latest first, by body, dates (from, to) and status."""
    rows, total = await service.list_meetings(session, query)
    return page_of(rows, total, query, MeetingRead)


@router.get(
    "/meetings/{meeting_id}",
    operation_id="meeting_get",
    tags=[Tag.meetings],
    response_model=MeetingDetail,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_meeting(session: SessionDep, meeting_id: IdPath, response: Response) -> MeetingDetail:
    """A meeting with its agenda (the packs issued to its body for its date, in every format, and other items) and
    its decisions log; the ETag header is its version."""
    return await _detail(session, await service.get_meeting(session, meeting_id), response)


@router.post(
    "/meetings",
    operation_id="meeting_create",
    tags=[Tag.meetings],
    status_code=status.HTTP_201_CREATED,
    response_model=MeetingDetail,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_meeting(session: SessionDep, actor: Writer, data: MeetingCreate, response: Response) -> MeetingDetail:
    """Schedule a body's meeting, one per body and date (`governance:write`; a key limited to owners, only for the
    bodies they own)."""
    meeting = await writes.create_meeting(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/meetings/{meeting.id}"
    return await _detail(session, meeting, response)


@router.patch(
    "/meetings/{meeting_id}",
    operation_id="meeting_update",
    tags=[Tag.meetings],
    response_model=MeetingDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_meeting(
    session: SessionDep,
    actor: Writer,
    meeting_id: IdPath,
    data: MeetingUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> MeetingDetail:
    """Change a meeting's date, title, location, notes, status or other agenda items: needs If-Match with its ETag."""
    meeting = await writes.update_meeting(session, meeting_id, data, actor=actor, conditions=conditions)
    return await _detail(session, meeting, response)


@router.get("/decisions", operation_id="decisions_list", tags=[Tag.meetings], response_model=Page[DecisionRead])
async def search_decisions(session: SessionDep, query: Annotated[DecisionQuery, Query()]) -> Page[DecisionRead]:
    """Decisions across every meeting, latest first: those concerning an item (`item=action:<key>` ...), those an
    action arises from (`action=<key>`), or a body's."""
    rows, total = await service.search_decisions(session, query)
    return page_of(rows, total, query, DecisionRead)


@router.get(
    "/meetings/{meeting_id}/decisions",
    operation_id="meeting_decisions_list",
    tags=[Tag.meetings],
    response_model=Page[DecisionRead],
    responses=problem_responses(404),
)
async def list_decisions(
    session: SessionDep, meeting_id: IdPath, updated_since: UpdatedSince = None
) -> Page[DecisionRead]:
    """A meeting's decisions log, in order."""
    meeting = await service.get_meeting(session, meeting_id)
    rows = await service.list_decisions(session, meeting.id, updated_since)
    return Page[DecisionRead].whole([DecisionRead.model_validate(row) for row in rows])


@router.post(
    "/meetings/{meeting_id}/decisions",
    operation_id="decision_create",
    tags=[Tag.meetings],
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionRead,
    responses={**CREATED, **problem_responses(404, 409)},
)
@idempotent()
async def create_decision(
    session: SessionDep, actor: Writer, meeting_id: IdPath, data: DecisionCreate, response: Response
) -> DecisionRead:
    """Record a decision: its reasons, the items it concerns, the actions arising (existing, or new with owners and a
    due date) and, for procedure changes, whether it tested, approved or rejected them (approval is refused until
    every body at an earlier step of their route has tested them)."""
    decision = await decisions.create_decision(session, meeting_id, data, actor=actor)
    response.headers["Location"] = f"/api/v1/meetings/{meeting_id}/decisions/{decision.number}"
    return _decision(decision, response)


@router.get(
    "/meetings/{meeting_id}/decisions/{number}",
    operation_id="decision_get",
    tags=[Tag.meetings],
    response_model=DecisionRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_decision(session: SessionDep, meeting_id: IdPath, number: NumberPath, response: Response) -> DecisionRead:
    """One decision; the ETag header is its version."""
    return _decision(await service.get_decision(session, meeting_id, number), response)


@router.patch(
    "/meetings/{meeting_id}/decisions/{number}",
    operation_id="decision_update",
    tags=[Tag.meetings],
    response_model=DecisionRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_decision(
    session: SessionDep,
    actor: Writer,
    meeting_id: IdPath,
    number: NumberPath,
    data: DecisionUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> DecisionRead:
    """Correct a recorded decision (text, reasons, items, actions arising): needs If-Match with its ETag, and is
    audited; its procedure outcome stays as recorded."""
    decision = await decisions.update_decision(session, meeting_id, number, data, actor=actor, conditions=conditions)
    return _decision(decision, response)
