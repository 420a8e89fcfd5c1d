from collections.abc import Callable, Sequence

from pydantic import Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api import tracking
from api.delivery import DeliveryStatus, Rag
from api.errors import NotFound
from api.owners.models import Owner
from api.pagination import ChangedQuery, fetch_page
from api.projects.live import LiveProject
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


def light(project: TransformationProject) -> LiveProject:
    """A project (loaded with its lead and focus areas) as reports read it."""
    return LiveProject(
        id=project.id,
        key=project.key,
        title=project.title,
        lead_owner_id=project.lead_owner_id,
        lead=project.lead.code if project.lead else None,
        pid_status=project.pid_status,
        deadline_text=project.deadline_text,
        deadline_kind=project.deadline_kind,
        deadline_date=project.deadline_date,
        focus_area_ids=tuple(link.focus_area_id for link in project.focus_area_links),
        focus_areas=tuple(project.focus_areas),
        status=project.status,
        last_update_on=project.last_update_on,
    )


async def list_live(session: AsyncSession) -> list[LiveProject]:
    """Every project not archived, in the plan's order (its primary focus area's, then by key), as light rows (each
    focus area read once, not with every link: they carry the strategy's text)."""
    statement = (
        select(TransformationProject)
        .options(
            joinedload(TransformationProject.lead),
            selectinload(TransformationProject.focus_area_links).selectinload(ProjectFocusArea.focus_area),
        )
        .where(TransformationProject.archived_at.is_(None))
        .order_by(TransformationProject.key)
    )
    loaded = (await session.scalars(statement)).all()
    # The positions come with the focus areas already loaded: no query of their own.
    positions = {
        link.focus_area_id: link.focus_area.position for project in loaded for link in project.focus_area_links
    }
    return sorted((light(project) for project in loaded), key=plan_order(positions))


def plan_order(positions: dict[int, int]) -> Callable[[LiveProject], tuple[int, str]]:
    """Projects in the plan's order: by their primary focus area's place in the strategy, then by key."""
    last = max(positions.values(), default=0) + 1
    return lambda project: (
        positions.get(project.focus_area_ids[0], last) if project.focus_area_ids else last,
        project.key,
    )
