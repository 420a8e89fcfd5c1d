from typing import Annotated

from fastapi import Depends, Path, Query, Response, status

from api import tracking
from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import sends
from api.pagination import Page, UpdatedSince
from api.params import AsOfQuery, KeyPath
from api.progress import service as progress
from api.progress.schemas import ProgressIn, ProgressRead
from api.projects import savings, service, writes
from api.projects.schemas import ProgrammeSavings, ProjectCreate, ProjectRead, ProjectUpdate, SavingsIn, SavingsRead
from api.projects.service import ProjectQuery
from api.routing import domain_router
from api.schemas import SafeStr
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.projects_write))]


@router.get("/projects", operation_id="projects_list", tags=[Tag.projects], response_model=Page[ProjectRead])
async def list_projects(session: SessionDep, query: Annotated[ProjectQuery, Query()]) -> Page[ProjectRead]:
    """Major change and transformation projects (reported to the Children's Programme Board), with late/stale flags."""
    window = await tracking.window(session, query.as_of)
    rows, total = await service.list_projects(session, query, window)
    items = [service.read_project(project, window) for project in rows]
    return Page[ProjectRead](items=items, page=query.page, limit=query.limit, total=total)


@router.get(
    "/projects/savings", operation_id="programme_savings_get", tags=[Tag.savings], response_model=ProgrammeSavings
)
async def get_programme_savings(
    session: SessionDep,
    fy: Annotated[SafeStr, Query(max_length=20, description="Financial year: FY2016-17 or 2016/17.")],
) -> ProgrammeSavings:
    """The programme's savings for a financial year: each project's target, forecast and delivered, and totals."""
    return await savings.programme(session, savings.financial_year(fy, where=["query", "fy"]))


@router.get(
    "/projects/{key}",
    operation_id="project_get",
    tags=[Tag.projects],
    response_model=ProjectRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_project(session: SessionDep, key: KeyPath, response: Response, as_of: AsOfQuery = None) -> ProjectRead:
    """One transformation project; the ETag header is its version."""
    project = await service.get_project(session, key)
    set_etag(response, project.version)
    return service.read_project(project, await tracking.window(session, as_of))


@router.post(
    "/projects",
    operation_id="project_create",
    tags=[Tag.projects],
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectRead,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_project(session: SessionDep, actor: Writer, data: ProjectCreate, response: Response) -> ProjectRead:
    """Add a transformation project (an owner-limited key must name one of its owners as lead)."""
    project = await writes.create_project(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/projects/{project.key}"
    set_etag(response, project.version)
    return service.read_project(project, await tracking.window(session))


@router.patch(
    "/projects/{key}",
    operation_id="project_update",
    tags=[Tag.projects],
    response_model=ProjectRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_project(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: ProjectUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> ProjectRead:
    """Change a project's plan (title, lead, focus areas, deadline, PID, target): needs If-Match."""
    project = await writes.update_project(session, key, data, actor=actor, conditions=conditions)
    set_etag(response, project.version)
    return service.read_project(project, await tracking.window(session))


@router.delete(
    "/projects/{key}",
    operation_id="project_archive",
    tags=[Tag.projects],
    response_model=ProjectRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_project(
    session: SessionDep, actor: Writer, key: KeyPath, response: Response, conditions: PreconditionsDep
) -> ProjectRead:
    """Archive a project (never deleted: it stays readable and in the audit trail). Needs If-Match."""
    project = await writes.archive_project(session, key, actor=actor, conditions=conditions)
    set_etag(response, project.version)
    return service.read_project(project, await tracking.window(session))


@router.post(
    "/projects/{key}/updates",
    operation_id="project_update_create",
    tags=[Tag.projects],
    status_code=status.HTTP_201_CREATED,
    response_model=ProgressRead,
    responses={**sends(201, "ETag"), **problem_responses(404, 409)},
)
@idempotent()
async def add_project_update(
    session: SessionDep, actor: Writer, key: KeyPath, data: ProgressIn, response: Response
) -> ProgressRead:
    """Report progress on a project: status, RAG, percent complete and commentary as of a date."""
    project = await service.get_project(session, key)
    writes.grant_project(actor, project)
    update = await progress.add_update(session, project, data, actor=actor)
    set_etag(response, project.version)
    return ProgressRead.model_validate(update)


@router.get(
    "/projects/{key}/updates",
    operation_id="project_updates_list",
    tags=[Tag.projects],
    response_model=Page[ProgressRead],
    responses=problem_responses(404),
)
async def list_project_updates(
    session: SessionDep, key: KeyPath, updated_since: UpdatedSince = None
) -> Page[ProgressRead]:
    """A project's progress updates, newest first (never edited)."""
    updates = await progress.list_updates(session, await service.get_project(session, key), updated_since)
    items = [ProgressRead.model_validate(update) for update in updates]
    return Page[ProgressRead].whole(items)


@router.get(
    "/projects/{key}/savings",
    operation_id="project_savings_list",
    tags=[Tag.savings],
    response_model=Page[SavingsRead],
    responses=problem_responses(404),
)
async def list_project_savings(
    session: SessionDep, key: KeyPath, updated_since: UpdatedSince = None
) -> Page[SavingsRead]:
    """A project's savings by financial year, in pence."""
    project = await service.get_project(session, key)
    items = [savings.read(row, key) for row in await savings.for_project(session, project, updated_since)]
    return Page[SavingsRead].whole(items)


@router.put(
    "/projects/{key}/savings/{fy}",
    operation_id="project_savings_put",
    tags=[Tag.savings],
    response_model=SavingsRead,
    responses={201: {"model": SavingsRead, "description": "First figures for that year."}, **problem_responses(404)},
)
async def set_project_savings(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    fy: Annotated[SafeStr, Path(max_length=20, description="Financial year, e.g. FY2016-17.")],
    data: SavingsIn,
    response: Response,
) -> SavingsRead:
    """Set a project's target, forecast and delivered savings (pence) for a financial year such as FY2016-17."""
    project = await service.get_project(session, key)
    writes.grant_project(actor, project)
    row, created = await savings.set_savings(
        session, project, savings.financial_year(fy, where=["path", "fy"]), data, actor=actor
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return savings.read(row, key)
