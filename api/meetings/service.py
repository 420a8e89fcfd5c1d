"""Reading meetings: the list, one meeting with its agenda (issued packs and other items) and its decisions log."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api.actions.models import ActionOwner, BusinessImprovementAction
from api.errors import AppError, NotFound
from api.governance import routing
from api.governance.models import GovernanceBody, IssuedPack
from api.meetings.models import Decision, DecisionAction, DecisionItem, Meeting
from api.meetings.schemas import (
    Agenda,
    AgendaItem,
    AgendaPack,
    DecisionQuery,
    DecisionRead,
    MeetingDetail,
    MeetingQuery,
    MeetingRead,
    PackLink,
)
from api.pagination import fetch_page

PACK_FORMATS = ("json", "csv", "html", "pdf", "xlsx")


def _meetings() -> Select[Meeting]:
    return select(Meeting).options(joinedload(Meeting.body))


async def get_meeting(session: AsyncSession, meeting_id: int, *, populate_existing: bool = False) -> Meeting:
    statement = _meetings().where(Meeting.id == meeting_id).execution_options(populate_existing=populate_existing)
    meeting = await session.scalar(statement)
    if meeting is None:
        raise NotFound("meeting", str(meeting_id))
    return meeting


async def list_meetings(session: AsyncSession, query: MeetingQuery) -> tuple[Sequence[Meeting], int]:
    statement = _meetings().order_by(Meeting.meeting_date.desc(), Meeting.id)
    if query.body is not None:
        statement = statement.join(GovernanceBody, Meeting.body_id == GovernanceBody.id).where(
            GovernanceBody.key == query.body
        )
    if query.from_ is not None:
        statement = statement.where(Meeting.meeting_date >= query.from_)
    if query.to is not None:
        statement = statement.where(Meeting.meeting_date <= query.to)
    if query.status is not None:
        statement = statement.where(Meeting.status == query.status)
    if query.updated_since is not None:
        statement = statement.where(Meeting.updated_at >= query.updated_since)
    return await fetch_page(session, statement, query)


def _decisions() -> Select[Decision]:
    arising = selectinload(Decision.action_links).joinedload(DecisionAction.action)
    owners = arising.selectinload(BusinessImprovementAction.owner_links).joinedload(ActionOwner.owner)
    meeting = joinedload(Decision.meeting).joinedload(Meeting.body)
    return select(Decision).options(meeting, selectinload(Decision.items), owners)


async def search_decisions(session: AsyncSession, query: DecisionQuery) -> tuple[Sequence[Decision], int]:
    """Decisions across meetings, latest meeting first, by the item they concern or the action arising from them."""
    statement = _decisions().join(Meeting, Decision.meeting_id == Meeting.id)
    if query.item is not None:
        concerned = select(DecisionItem.decision_id).where(DecisionItem.ref == query.item)
        statement = statement.where(Decision.id.in_(concerned))
    if query.action is not None:
        arising = (
            select(DecisionAction.decision_id)
            .join(BusinessImprovementAction, DecisionAction.action_id == BusinessImprovementAction.id)
            .where(BusinessImprovementAction.key == query.action)
        )
        statement = statement.where(Decision.id.in_(arising))
    if query.body is not None:
        statement = statement.join(GovernanceBody, Meeting.body_id == GovernanceBody.id).where(
            GovernanceBody.key == query.body
        )
    if query.updated_since is not None:
        statement = statement.where(Decision.updated_at >= query.updated_since)
    latest_first = statement.order_by(Meeting.meeting_date.desc(), Meeting.id, Decision.number)
    return await fetch_page(session, latest_first, query)


async def list_decisions(
    session: AsyncSession, meeting_id: int, updated_since: datetime | None = None
) -> Sequence[Decision]:
    statement = _decisions().where(Decision.meeting_id == meeting_id).order_by(Decision.number)
    if updated_since is not None:
        statement = statement.where(Decision.updated_at >= updated_since)
    return (await session.scalars(statement)).all()


async def get_decision(
    session: AsyncSession, meeting_id: int, number: int, *, populate_existing: bool = False
) -> Decision:
    statement = _decisions().where(Decision.meeting_id == meeting_id, Decision.number == number)
    decision = await session.scalar(statement.execution_options(populate_existing=populate_existing))
    if decision is None:
        raise NotFound("decision", f"{meeting_id}/{number}")
    return decision


async def issued_for(session: AsyncSession, meeting: Meeting) -> Sequence[IssuedPack]:
    """The packs issued to the meeting's body for its date, newest version first: the meeting's papers."""
    statement = select(IssuedPack).where(
        IssuedPack.body_id == meeting.body_id, IssuedPack.meeting_date == meeting.meeting_date
    )
    return (await session.scalars(statement.order_by(IssuedPack.version.desc()))).all()


def _agenda_pack(pack: IssuedPack) -> AgendaPack:
    links = [PackLink(format=name, href=f"/api/v1/packs/{pack.id}?format={name}") for name in PACK_FORMATS]
    return AgendaPack(
        id=pack.id,
        version=pack.version,
        period=pack.period,
        as_at=pack.as_at,
        issued_at=pack.issued_at,
        issued_by=pack.issued_by,
        links=links,
    )


async def _item(session: AsyncSession, ref: str) -> AgendaItem:
    try:
        title: str | None = (await routing.facts_for(session, ref)).title
    except AppError:  # the item has gone since it was put on the agenda: the reference stays, as written
        title = None
    return AgendaItem(ref=ref, title=title)


async def agenda(session: AsyncSession, meeting: Meeting) -> Agenda:
    packs = [_agenda_pack(pack) for pack in await issued_for(session, meeting)]
    return Agenda(packs=packs, items=[await _item(session, ref) for ref in meeting.agenda_items])


async def detail(session: AsyncSession, meeting: Meeting) -> MeetingDetail:
    """A meeting with its agenda and decisions log."""
    decisions = [DecisionRead.model_validate(decision) for decision in await list_decisions(session, meeting.id)]
    read = MeetingRead.model_validate(meeting)
    return MeetingDetail(**dict(read), agenda=await agenda(session, meeting), decisions=decisions)
