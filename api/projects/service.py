from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api import tracking
from api.delivery import DeliveryStatus, Rag
from api.errors import NotFound
from api.owners.models import Owner
from api.pagination import ChangedQuery, fetch_page
from api.projects.models import PidStatus, ProjectFocusArea, TransformationProject
from api.projects.schemas import ProjectRead
from api.schemas import Day
from api.strategy.models import FocusArea


class ProjectQuery(ChangedQuery):
    focus_area: str | None = Field(None, max_length=80, description="Focus area key: projects listed under it.")
    lead: str | None = Field(None, max_length=80, description="Owner key of the lead.")
    status: DeliveryStatus | None = None
    rag: Rag | None = None
    pid_status: PidStatus | None = None
    has_savings_target: bool | None = Field(None, description="Only projects with (or without) a target.")
    overdue: bool | None = Field(None, description="Only projects past their deadline (or not).")
    stale: bool | None = Field(None, description="Only open projects with no recent progress update (or not).")
    as_of: Day | None = Field(None, description="Judge overdue and stale as at this date (default: today).")
    include_archived: bool = Field(False, description="Include archived projects.")


def _loaded() -> Select[TransformationProject]:
    return select(TransformationProject).options(
        joinedload(TransformationProject.lead),
        selectinload(TransformationProject.focus_area_links).joinedload(ProjectFocusArea.focus_area),
    )


def _filtered(statement: Select[TransformationProject], query: ProjectQuery) -> Select[TransformationProject]:
    project = TransformationProject
    if query.focus_area is not None:
        listed = select(ProjectFocusArea.project_id).join(FocusArea).where(FocusArea.key == query.focus_area)
        statement = statement.where(project.id.in_(listed))
    if query.lead is not None:
        statement = statement.where(project.lead_owner_id.in_(select(Owner.id).where(Owner.key == query.lead)))
    for column, wanted in (
        (project.status, query.status),
        (project.rag, query.rag),
        (project.pid_status, query.pid_status),
    ):
        if wanted is not None:
            statement = statement.where(column == wanted)
    if query.has_savings_target is not None:
        target = project.savings_target_pence
        statement = statement.where(target.is_not(None) if query.has_savings_target else target.is_(None))
    if not query.include_archived:
        statement = statement.where(project.archived_at.is_(None))
    if query.updated_since is not None:
        statement = statement.where(project.updated_at >= query.updated_since)
    return statement


async def list_projects(
    session: AsyncSession, query: ProjectQuery, window: tracking.Window
) -> tuple[Sequence[TransformationProject], int]:
    flags = tracking.flag_filter(
        [(query.overdue, tracking.project_overdue_sql(window)), (query.stale, tracking.project_stale_sql(window))]
    )
    statement = _filtered(_loaded(), query).where(*flags).order_by(TransformationProject.key)
    return await fetch_page(session, statement, query)


async def list_for_focus_area(session: AsyncSession, focus_area_id: int) -> Sequence[TransformationProject]:
    listed = select(ProjectFocusArea.project_id).where(ProjectFocusArea.focus_area_id == focus_area_id)
    statement = (
        _loaded()
        .where(TransformationProject.id.in_(listed), TransformationProject.archived_at.is_(None))
        .order_by(TransformationProject.key)
    )
    return (await session.scalars(statement)).all()


async def get_project(session: AsyncSession, key: str, *, populate_existing: bool = False) -> TransformationProject:
    statement = _loaded().where(TransformationProject.key == key).execution_options(populate_existing=populate_existing)
    project = await session.scalar(statement)
    if project is None:
        raise NotFound("transformation project", key)
    return project


def read_project(project: TransformationProject, window: tracking.Window) -> ProjectRead:
    """The response for a project, with its overdue and stale flags as at the window's date."""
    flags = {"overdue": tracking.project_overdue(project, window), "stale": tracking.project_stale(project, window)}
    return ProjectRead.model_validate(project).model_copy(update=flags)


async def list_live(session: AsyncSession) -> Sequence[TransformationProject]:
    """Every project not archived, by key (each focus area read once, not with every link: they carry the strategy's
    text)."""
    statement = (
        select(TransformationProject)
        .options(
            joinedload(TransformationProject.lead),
            selectinload(TransformationProject.focus_area_links).selectinload(ProjectFocusArea.focus_area),
        )
        .where(TransformationProject.archived_at.is_(None))
        .order_by(TransformationProject.key)
    )
    return (await session.scalars(statement)).all()
