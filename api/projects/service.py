from collections.abc import Sequence

from pydantic import Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api.delivery import DeliveryStatus, Rag
from api.errors import NotFound
from api.owners.models import Owner
from api.pagination import PageParams, fetch_page
from api.projects.models import PidStatus, ProjectFocusArea, TransformationProject
from api.strategy.models import FocusArea


class ProjectQuery(PageParams):
    focus_area: str | None = Field(None, description="Focus area key: projects listed under it.")
    lead: str | None = Field(None, description="Owner key of the lead.")
    status: DeliveryStatus | None = None
    rag: Rag | None = None
    pid_status: PidStatus | None = None
    has_savings_target: bool | None = Field(None, description="Only projects with (or without) a target.")


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
    return statement


async def list_projects(session: AsyncSession, query: ProjectQuery) -> tuple[Sequence[TransformationProject], int]:
    statement = _filtered(_loaded(), query).order_by(TransformationProject.key)
    return await fetch_page(session, statement, query)


async def list_for_focus_area(session: AsyncSession, focus_area_id: int) -> Sequence[TransformationProject]:
    listed = select(ProjectFocusArea.project_id).where(ProjectFocusArea.focus_area_id == focus_area_id)
    statement = _loaded().where(TransformationProject.id.in_(listed)).order_by(TransformationProject.key)
    return (await session.scalars(statement)).all()


async def get_project(session: AsyncSession, key: str) -> TransformationProject:
    project = await session.scalar(_loaded().where(TransformationProject.key == key))
    if project is None:
        raise NotFound("transformation project", key)
    return project
