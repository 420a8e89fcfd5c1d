"""Reading assurance activities: one with its team, lead body, themes and linked actions, and lists of them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVarTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api.actions.models import BusinessImprovementAction
from api.assurance.models import (
    ActionRelation,
    AssuranceActionLink,
    AssuranceActivity,
    AssuranceKind,
    AssuranceTheme,
    Grading,
)
from api.assurance.schemas import ActionLinkRead, AssuranceQuery, AssuranceRead
from api.assurance.themes import normalise_theme
from api.errors import NotFound
from api.kpis.models import Scope
from api.pagination import fetch_page

RESOURCE = "assurance activity"
Ts = TypeVarTuple("Ts")


def loaded() -> Select[AssuranceActivity]:
    """Activities with everything a read shows."""
    return select(AssuranceActivity).options(
        joinedload(AssuranceActivity.team).joinedload(Scope.service_owner),
        joinedload(AssuranceActivity.lead_body),
        selectinload(AssuranceActivity.themes),
        selectinload(AssuranceActivity.action_links).joinedload(AssuranceActionLink.action),
    )


async def get_activity(
    session: AsyncSession, activity_id: int, *, populate_existing: bool = False
) -> AssuranceActivity:
    statement = loaded().where(AssuranceActivity.id == activity_id)
    activity = await session.scalar(statement.execution_options(populate_existing=populate_existing))
    if activity is None:
        raise NotFound(RESOURCE, str(activity_id))
    return activity


def read(activity: AssuranceActivity) -> AssuranceRead:
    team = activity.team
    return AssuranceRead(
        id=activity.id,
        kind=activity.kind,
        setting=activity.setting,
        team=team.key if team else None,
        team_name=team.name if team else None,
        service_owner=team.service_owner.code if team and team.service_owner else None,
        carried_out_on=activity.carried_out_on,
        carried_out_by_role=activity.carried_out_by_role,
        lead_body=activity.lead_body.key if activity.lead_body else None,
        grading=activity.grading,
        themes=[theme.theme for theme in activity.themes],
        findings=activity.findings,
        learning=activity.learning,
        actions=[
            ActionLinkRead(action=link.action.key, what=link.action.what, relation=link.relation)
            for link in activity.action_links
        ],
        version=activity.version,
        created_at=activity.created_at,
        created_by=activity.created_by,
        updated_at=activity.updated_at,
        updated_by=activity.updated_by,
        archived_at=activity.archived_at,
    )


def dated(statement: Select[*Ts], start: date | None, end: date | None) -> Select[*Ts]:
    """Only activities carried out between two dates, both included (either may be open)."""
    if start is not None:
        statement = statement.where(AssuranceActivity.carried_out_on >= start)
    if end is not None:
        statement = statement.where(AssuranceActivity.carried_out_on <= end)
    return statement


async def list_activities(session: AsyncSession, query: AssuranceQuery) -> tuple[Sequence[AssuranceActivity], int]:
    """The latest first, then the most recently recorded first."""
    activity = AssuranceActivity
    statement = dated(loaded(), query.from_, query.to)
    if query.kind is not None:
        statement = statement.where(activity.kind == query.kind)
    if query.grading is not None:
        statement = statement.where(activity.grading == query.grading)
    if query.team is not None:
        statement = statement.where(activity.team_id.in_(select(Scope.id).where(Scope.key == query.team)))
    if query.theme is not None:
        theme = _theme_or_none(query.theme)
        statement = statement.where(
            activity.id.in_(select(AssuranceTheme.activity_id).where(AssuranceTheme.theme == theme))
        )
    if query.action is not None:
        linked = (
            select(AssuranceActionLink.activity_id)
            .join(BusinessImprovementAction)
            .where(BusinessImprovementAction.key == query.action)
        )
        statement = statement.where(activity.id.in_(linked))
    if not query.include_archived:
        statement = statement.where(activity.archived_at.is_(None))
    if query.updated_since is not None:
        statement = statement.where(activity.updated_at >= query.updated_since)
    statement = statement.order_by(activity.carried_out_on.desc(), activity.id.desc())
    return await fetch_page(session, statement, query)


def _theme_or_none(text: str) -> str:
    """A theme asked for, in its normal form; a text with nothing to normalise matches nothing."""
    try:
        return normalise_theme(text)
    except ValueError:
        return ""


@dataclass(frozen=True, slots=True)
class Link:
    """An action an activity raises or evidences."""

    relation: ActionRelation
    action: str  # its key
    what: str


@dataclass(frozen=True, slots=True)
class KnownActivity:
    """An activity as packs and routing read it: a light row."""

    id: int
    kind: AssuranceKind
    setting: str | None
    team: str | None
    team_name: str | None
    service_owner_id: int | None
    carried_out_on: date
    carried_out_by_role: str
    grading: Grading | None
    themes: tuple[str, ...]
    actions: tuple[Link, ...]


def known(activity: AssuranceActivity) -> KnownActivity:
    team = activity.team
    return KnownActivity(
        id=activity.id,
        kind=activity.kind,
        setting=activity.setting,
        team=team.key if team else None,
        team_name=team.name if team else None,
        service_owner_id=team.service_owner_id if team else None,
        carried_out_on=activity.carried_out_on,
        carried_out_by_role=activity.carried_out_by_role,
        grading=activity.grading,
        themes=tuple(theme.theme for theme in activity.themes),
        actions=tuple(Link(link.relation, link.action.key, link.action.what) for link in activity.action_links),
    )


async def known_between(
    session: AsyncSession, start: date | None, end: date, known_at: datetime | None = None
) -> list[KnownActivity]:
    """Activities carried out between two dates (the first may be open), as recorded by ``known_at`` (None: now)
    and not archived by then, the earliest first. Their fields are as they now stand: edits are not revisioned."""
    activity = AssuranceActivity
    statement = dated(loaded(), start, end)
    if known_at is None:
        statement = statement.where(activity.archived_at.is_(None))
    else:
        statement = statement.where(
            activity.created_at <= known_at, or_(activity.archived_at.is_(None), activity.archived_at > known_at)
        )
    rows = (await session.scalars(statement.order_by(activity.carried_out_on, activity.id))).all()
    return [known(row) for row in rows]


async def live(session: AsyncSession) -> list[KnownActivity]:
    """Every activity not archived (for the routing gaps report)."""
    rows = await session.scalars(loaded().where(AssuranceActivity.archived_at.is_(None)).order_by(AssuranceActivity.id))
    return [known(row) for row in rows.all()]
