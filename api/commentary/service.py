"""Reading commentary: one, a subject's list, a commentary's revisions, and what packs show as known at a moment.

Lists and packs give commentary in one order: a KPI's newest period first, and within a period (or on a progress
update) in the order the commentaries were first written, oldest first (an edit does not move one).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from api.actions.models import BusinessImprovementAction
from api.commentary.models import Commentary, CommentaryRevision
from api.commentary.schemas import CommentaryQuery, CommentaryRead, KpiCommentaryQuery
from api.errors import NotFound
from api.kpis import service as kpi_service
from api.kpis.models import Kpi
from api.pagination import fetch_page
from api.progress.models import ProgressUpdate
from api.projects.models import TransformationProject

KPI_ORDER = (Commentary.period_end_date.desc(), Commentary.id)
UPDATE_ORDER = (Commentary.id,)


@dataclass(frozen=True, slots=True)
class Subject:
    """How a read names what a commentary is about: a KPI by code, or a progress update's action or project."""

    kpi: str | None = None
    action: str | None = None
    project: str | None = None


def read(commentary: Commentary, subject: Subject) -> CommentaryRead:
    return CommentaryRead(
        id=commentary.id,
        kpi=subject.kpi,
        period=commentary.period,
        action=subject.action,
        project=subject.project,
        progress_update_id=commentary.progress_update_id,
        text=commentary.text,
        revision=commentary.version,
        created_at=commentary.created_at,
        created_by=commentary.created_by,
        updated_at=commentary.updated_at,
        updated_by=commentary.updated_by,
        withdrawn_at=commentary.withdrawn_at,
    )


async def get_commentary(session: AsyncSession, commentary_id: int, *, populate_existing: bool = False) -> Commentary:
    commentary = await session.scalar(
        select(Commentary).where(Commentary.id == commentary_id).execution_options(populate_existing=populate_existing)
    )
    if commentary is None:
        raise NotFound("commentary", str(commentary_id))
    return commentary


async def subject_of(session: AsyncSession, commentary: Commentary) -> Subject:
    """The codes and keys that name a commentary's subject, in one query."""
    update = aliased(ProgressUpdate)
    row = (
        await session.execute(
            select(Kpi.code, BusinessImprovementAction.key, TransformationProject.key)
            .select_from(Commentary)
            .outerjoin(Kpi, Kpi.id == Commentary.kpi_id)
            .outerjoin(update, update.id == Commentary.progress_update_id)
            .outerjoin(BusinessImprovementAction, BusinessImprovementAction.id == update.action_id)
            .outerjoin(TransformationProject, TransformationProject.id == update.project_id)
            .where(Commentary.id == commentary.id)
        )
    ).one()
    return Subject(*row)


def _listed(statement: Select[Commentary], query: CommentaryQuery) -> Select[Commentary]:
    if not query.include_withdrawn:
        statement = statement.where(Commentary.withdrawn_at.is_(None))
    if query.updated_since is not None:
        statement = statement.where(Commentary.updated_at >= query.updated_since)
    return statement


async def list_for_kpi(session: AsyncSession, kpi: Kpi, query: KpiCommentaryQuery) -> tuple[Sequence[Commentary], int]:
    """A KPI's commentary, newest period first, then in the order written."""
    statement = select(Commentary).where(Commentary.kpi_id == kpi.id).order_by(*KPI_ORDER)
    if query.period is not None:
        period = kpi_service.parse_period_param(query.period, "period", kpi)
        statement = statement.where(Commentary.period == period.code)
    return await fetch_page(session, _listed(statement, query), query)


async def list_for_update(
    session: AsyncSession, update: ProgressUpdate, query: CommentaryQuery
) -> tuple[Sequence[Commentary], int]:
    """A progress update's commentary in the order written."""
    statement = select(Commentary).where(Commentary.progress_update_id == update.id).order_by(*UPDATE_ORDER)
    return await fetch_page(session, _listed(statement, query), query)


async def revisions(
    session: AsyncSession, commentary: Commentary, recorded_since: datetime | None = None
) -> Sequence[CommentaryRevision]:
    """Every revision of a commentary (or those recorded since a moment), the first first."""
    statement = (
        select(CommentaryRevision)
        .where(CommentaryRevision.commentary_id == commentary.id)
        .order_by(CommentaryRevision.revision)
    )
    if recorded_since is not None:  # revisions are never edited: this selects those recorded since
        statement = statement.where(CommentaryRevision.recorded_at >= recorded_since)
    return (await session.scalars(statement)).all()


MANY_SUBJECTS = 500


@dataclass(frozen=True, slots=True)
class Comment:
    """A commentary as a pack shows it."""

    text: str
    author: str  # who recorded the revision shown (the key's public id and name)
    written_at: datetime  # the recorded_at of the revision shown
    period: str | None  # KPI commentary's period code, None for progress-update commentary


async def kpi_comments(
    session: AsyncSession, kpi_ids: Sequence[int], known_at: datetime | None
) -> dict[int, list[Comment]]:
    """Each KPI's commentary on its figures as it was known at ``known_at`` (timezone-aware; None: now), newest
    period first, then in the order written. Every KPI asked about has a list, empty if nothing is shown."""
    return await _shown(session, Commentary.kpi_id, kpi_ids, known_at, KPI_ORDER)


async def update_comments(
    session: AsyncSession, update_ids: Sequence[int], known_at: datetime | None
) -> dict[int, list[Comment]]:
    """Each progress update's commentary as it was known at ``known_at`` (timezone-aware; None: now), in the order
    written. Every update asked about has a list, empty if nothing is shown."""
    return await _shown(session, Commentary.progress_update_id, update_ids, known_at, UPDATE_ORDER)


async def _shown(
    session: AsyncSession,
    subject: InstrumentedAttribute[int | None],
    ids: Sequence[int],
    known_at: datetime | None,
    order: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
) -> dict[int, list[Comment]]:
    """In one query: of each commentary on these subjects, the latest revision recorded at or before ``known_at``,
    unless that revision withdrew it. A commentary written after ``known_at`` has no such revision, so is left out."""
    shown: dict[int, list[Comment]] = {subject_id: [] for subject_id in ids}
    if not ids:
        return shown
    revision = CommentaryRevision
    newest_first = func.row_number().over(partition_by=revision.commentary_id, order_by=revision.revision.desc())
    ranked = select(
        revision.commentary_id,
        revision.text,
        revision.withdrawn,
        revision.recorded_at,
        revision.recorded_by,
        newest_first.label("rank"),
    )
    # A pack asks about every live item's latest update (thousands on a large council) and few have commentary:
    # past a few hundred ids, all commentary on such subjects is read and the rest dropped here, not sent as an IN.
    few = len(ids) <= MANY_SUBJECTS
    ranked = ranked.where(
        revision.commentary_id.in_(select(Commentary.id).where(subject.in_(ids) if few else subject.is_not(None)))
    )
    if known_at is not None:
        ranked = ranked.where(revision.recorded_at <= known_at)
    known = ranked.subquery()
    statement = (
        select(subject, Commentary.period, known.c.text, known.c.recorded_by, known.c.recorded_at)
        .join(known, known.c.commentary_id == Commentary.id)
        .where(known.c.rank == 1, known.c.withdrawn.is_(False))
        .order_by(*order)
    )
    for subject_id, period, text, author, written_at in await (await session.connection()).execute(statement):
        if subject_id in shown:
            shown[subject_id].append(Comment(text, author, written_at, period))
    return shown
