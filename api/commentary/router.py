"""Commentary: written on a KPI's figure (/kpis/{code}/commentaries) or on a progress update
(/actions/{key}/updates/{update_id}/commentaries, and the projects' equivalent), then read, edited, withdrawn and
traced at /commentaries/{commentary_id}."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions import service as action_service
from api.auth.deps import require, require_one_of
from api.auth.models import Scope
from api.auth.principal import Actor
from api.commentary import service, writes
from api.commentary.models import Commentary
from api.commentary.schemas import (
    CommentaryIn,
    CommentaryQuery,
    CommentaryRead,
    CommentaryRevisionRead,
    KpiCommentaryIn,
    KpiCommentaryQuery,
)
from api.commentary.service import Subject
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.kpis import service as kpi_service
from api.pagination import Page, PageParams, UpdatedSince
from api.params import CodePath, KeyPath
from api.projects import service as project_service
from api.routing import domain_router
from api.schemas import Id
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, IfMatchDep, set_etag

router = domain_router()
KpiWriter = Annotated[Actor, Depends(require(Scope.kpi_submit))]
ActionWriter = Annotated[Actor, Depends(require(Scope.actions_write))]
ProjectWriter = Annotated[Actor, Depends(require(Scope.projects_write))]
# Which scope a change needs depends on what the commentary is about (api/commentary/writes.py).
Editor = Annotated[Actor, Depends(require_one_of(Scope.kpi_submit, Scope.actions_write, Scope.projects_write))]
CommentaryIdPath = Annotated[Id, Path(description="The commentary's numeric id.")]
UpdateIdPath = Annotated[Id, Path(description="The progress update's numeric id (`id` in its list).")]
CREATE_ROUTE: dict[str, Any] = {
    "tags": [Tag.commentaries],
    "status_code": status.HTTP_201_CREATED,
    "response_model": CommentaryRead,
    "responses": {**CREATED, **problem_responses(404, 409)},
}
LIST_ROUTE: dict[str, Any] = {
    "tags": [Tag.commentaries],
    "response_model": Page[CommentaryRead],
    "responses": problem_responses(404),
}


def _created(response: Response, commentary: Commentary, subject: Subject) -> CommentaryRead:
    response.headers["Location"] = f"/api/v1/commentaries/{commentary.id}"
    set_etag(response, commentary.version)
    return service.read(commentary, subject)


def _page(rows: Sequence[Commentary], total: int, query: PageParams, subject: Subject) -> Page[CommentaryRead]:
    items = [service.read(commentary, subject) for commentary in rows]
    return Page[CommentaryRead](items=items, page=query.page, limit=query.limit, total=total)


@router.post("/kpis/{code}/commentaries", operation_id="kpi_commentary_create", **CREATE_ROUTE)
@idempotent()
async def create_kpi_commentary(
    session: SessionDep, actor: KpiWriter, code: CodePath, data: KpiCommentaryIn, response: Response
) -> CommentaryRead:
    """Write commentary on the borough's figure of a KPI for a period: why, and what is being done about it. Needs
    what submitting that KPI's figures needs (`kpi:submit`, and the KPI among a limited key's)."""
    kpi = await kpi_service.kpi_by_code(session, code)
    target = writes.kpi_target(kpi)
    target.authorise(actor)
    period = writes.kpi_period(kpi, data.period)
    commentary = await writes.create(session, target, data.text, actor=actor, kpi=kpi, period=period)
    return _created(response, commentary, target.subject)


@router.get("/kpis/{code}/commentaries", operation_id="kpi_commentaries_list", **LIST_ROUTE)
async def list_kpi_commentaries(
    session: SessionDep, code: CodePath, query: Annotated[KpiCommentaryQuery, Query()]
) -> Page[CommentaryRead]:
    """A KPI's commentary, newest period first, then in the order written (oldest first); withdrawn commentary only
    with include_withdrawn=true."""
    kpi = await kpi_service.kpi_by_code(session, code)
    rows, total = await service.list_for_kpi(session, kpi, query)
    return _page(rows, total, query, Subject(kpi=kpi.code))


async def _create_on_update(
    session: AsyncSession, actor: Actor, item: writes.Item, update_id: int, data: CommentaryIn, response: Response
) -> CommentaryRead:
    update = await writes.progress_update(session, item, update_id)
    target = writes.item_target(item)
    target.authorise(actor)
    commentary = await writes.create(session, target, data.text, actor=actor, update=update)
    return _created(response, commentary, target.subject)


async def _list_on_update(
    session: AsyncSession, item: writes.Item, update_id: int, query: CommentaryQuery
) -> Page[CommentaryRead]:
    update = await writes.progress_update(session, item, update_id)
    rows, total = await service.list_for_update(session, update, query)
    return _page(rows, total, query, writes.item_target(item).subject)


@router.post(
    "/actions/{key}/updates/{update_id}/commentaries", operation_id="action_update_commentary_create", **CREATE_ROUTE
)
@idempotent()
async def create_action_update_commentary(
    session: SessionDep,
    actor: ActionWriter,
    key: KeyPath,
    update_id: UpdateIdPath,
    data: CommentaryIn,
    response: Response,
) -> CommentaryRead:
    """Write commentary on one of an action's progress updates. Needs what reporting its progress needs
    (`actions:write`, and one of its owners among a limited key's)."""
    action = await action_service.get_action(session, key)
    return await _create_on_update(session, actor, action, update_id, data, response)


@router.get(
    "/actions/{key}/updates/{update_id}/commentaries", operation_id="action_update_commentaries_list", **LIST_ROUTE
)
async def list_action_update_commentaries(
    session: SessionDep, key: KeyPath, update_id: UpdateIdPath, query: Annotated[CommentaryQuery, Query()]
) -> Page[CommentaryRead]:
    """Commentary on one of an action's progress updates, in the order written (oldest first)."""
    return await _list_on_update(session, await action_service.get_action(session, key), update_id, query)


@router.post(
    "/projects/{key}/updates/{update_id}/commentaries", operation_id="project_update_commentary_create", **CREATE_ROUTE
)
@idempotent()
async def create_project_update_commentary(
    session: SessionDep,
    actor: ProjectWriter,
    key: KeyPath,
    update_id: UpdateIdPath,
    data: CommentaryIn,
    response: Response,
) -> CommentaryRead:
    """Write commentary on one of a project's progress updates. Needs what reporting its progress needs
    (`projects:write`, and its lead among a limited key's owners)."""
    project = await project_service.get_project(session, key)
    return await _create_on_update(session, actor, project, update_id, data, response)


@router.get(
    "/projects/{key}/updates/{update_id}/commentaries", operation_id="project_update_commentaries_list", **LIST_ROUTE
)
async def list_project_update_commentaries(
    session: SessionDep, key: KeyPath, update_id: UpdateIdPath, query: Annotated[CommentaryQuery, Query()]
) -> Page[CommentaryRead]:
    """Commentary on one of a project's progress updates, in the order written (oldest first)."""
    return await _list_on_update(session, await project_service.get_project(session, key), update_id, query)


@router.get(
    "/commentaries/{commentary_id}",
    operation_id="commentary_get",
    tags=[Tag.commentaries],
    response_model=CommentaryRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_commentary(session: SessionDep, commentary_id: CommentaryIdPath, response: Response) -> CommentaryRead:
    """One commentary as it now stands (withdrawn ones too); the ETag header is its latest revision."""
    commentary = await service.get_commentary(session, commentary_id)
    set_etag(response, commentary.version)
    return service.read(commentary, await service.subject_of(session, commentary))


@router.put(
    "/commentaries/{commentary_id}",
    operation_id="commentary_update",
    tags=[Tag.commentaries],
    response_model=CommentaryRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_commentary(
    session: SessionDep,
    actor: Editor,
    commentary_id: CommentaryIdPath,
    data: CommentaryIn,
    response: Response,
    conditions: IfMatchDep,
) -> CommentaryRead:
    """Replace a commentary's text: a new revision, recorded with its writer. Needs If-Match with its ETag, and what
    writing it needs (any key that may write about its subject may edit it, not only its first writer)."""
    commentary, subject = await writes.edit(session, commentary_id, data.text, actor=actor, conditions=conditions)
    set_etag(response, commentary.version)
    return service.read(commentary, subject)


@router.delete(
    "/commentaries/{commentary_id}",
    operation_id="commentary_withdraw",
    tags=[Tag.commentaries],
    response_model=CommentaryRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def withdraw_commentary(
    session: SessionDep, actor: Editor, commentary_id: CommentaryIdPath, response: Response, conditions: IfMatchDep
) -> CommentaryRead:
    """Withdraw a commentary: packs stop showing it; it stays readable with its revisions. Needs If-Match."""
    commentary, subject = await writes.withdraw(session, commentary_id, actor=actor, conditions=conditions)
    set_etag(response, commentary.version)
    return service.read(commentary, subject)


@router.get(
    "/commentaries/{commentary_id}/revisions",
    operation_id="commentary_revisions_list",
    tags=[Tag.commentaries],
    response_model=Page[CommentaryRevisionRead],
    responses=problem_responses(404),
)
async def list_commentary_revisions(
    session: SessionDep, commentary_id: CommentaryIdPath, updated_since: UpdatedSince = None
) -> Page[CommentaryRevisionRead]:
    """Every revision of a commentary, the first first: its text, whether it withdrew it, who recorded it and when
    (updated_since: those recorded since)."""
    commentary = await service.get_commentary(session, commentary_id)
    revisions = await service.revisions(session, commentary, updated_since)
    return Page[CommentaryRevisionRead].whole([CommentaryRevisionRead.model_validate(row) for row in revisions])
