from typing import Annotated

from fastapi import Depends, Query, Response, status

from api import tracking
from api.actions import service, writes
from api.actions.schemas import ActionCreate, ActionDetail, ActionRead, ActionUpdate
from api.actions.service import ActionQuery
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
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.actions_write))]


@router.get("/actions", operation_id="actions_list", tags=[Tag.actions], response_model=Page[ActionRead])
async def list_actions(session: SessionDep, query: Annotated[ActionQuery, Query()]) -> Page[ActionRead]:
    """Business improvement actions (reported to CSMT), by focus area and table order, with overdue and stale flags."""
    window = await tracking.window(session, query.as_of)
    rows, total = await service.list_actions(session, query, window)
    items = [service.read_action(action, window, ActionRead) for action in rows]
    return Page[ActionRead](items=items, page=query.page, limit=query.limit, total=total)


@router.get(
    "/actions/{key}",
    operation_id="action_get",
    tags=[Tag.actions],
    response_model=ActionDetail,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_action(session: SessionDep, key: KeyPath, response: Response, as_of: AsOfQuery = None) -> ActionDetail:
    """One business improvement action with its milestones; the ETag header is its version."""
    action = await service.get_action(session, key)
    set_etag(response, action.version)
    return service.read_action(action, await tracking.window(session, as_of), ActionDetail)


@router.post(
    "/actions",
    operation_id="action_create",
    tags=[Tag.actions],
    status_code=status.HTTP_201_CREATED,
    response_model=ActionDetail,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_action(session: SessionDep, actor: Writer, data: ActionCreate, response: Response) -> ActionDetail:
    """Add a business improvement action (an owner-limited key must name one of its owners)."""
    action = await writes.create_action(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/actions/{action.key}"
    set_etag(response, action.version)
    return service.read_action(action, await tracking.window(session), ActionDetail)


@router.patch(
    "/actions/{key}",
    operation_id="action_update",
    tags=[Tag.actions],
    response_model=ActionDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_action(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: ActionUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> ActionDetail:
    """Change an action's plan (what, detail, when, who, milestones ...): needs If-Match with its current ETag."""
    action = await writes.update_action(session, key, data, actor=actor, conditions=conditions)
    set_etag(response, action.version)
    return service.read_action(action, await tracking.window(session), ActionDetail)


@router.delete(
    "/actions/{key}",
    operation_id="action_archive",
    tags=[Tag.actions],
    response_model=ActionDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_action(
    session: SessionDep, actor: Writer, key: KeyPath, response: Response, conditions: PreconditionsDep
) -> ActionDetail:
    """Archive an action (never deleted: it stays readable and in the audit trail). Needs If-Match."""
    action = await writes.archive_action(session, key, actor=actor, conditions=conditions)
    set_etag(response, action.version)
    return service.read_action(action, await tracking.window(session), ActionDetail)


@router.post(
    "/actions/{key}/updates",
    operation_id="action_update_create",
    tags=[Tag.actions],
    status_code=status.HTTP_201_CREATED,
    response_model=ProgressRead,
    responses={**sends(201, "ETag"), **problem_responses(404, 409)},
)
@idempotent()
async def add_action_update(
    session: SessionDep, actor: Writer, key: KeyPath, data: ProgressIn, response: Response
) -> ProgressRead:
    """Report progress: status, RAG, percent complete and commentary as of a date. The latest is the current state."""
    action = await service.get_action(session, key)
    writes.grant_action(actor, action)
    update = await progress.add_update(session, action, data, actor=actor)
    set_etag(response, action.version)
    return ProgressRead.model_validate(update)


@router.get(
    "/actions/{key}/updates",
    operation_id="action_updates_list",
    tags=[Tag.actions],
    response_model=Page[ProgressRead],
    responses=problem_responses(404),
)
async def list_action_updates(
    session: SessionDep, key: KeyPath, updated_since: UpdatedSince = None
) -> Page[ProgressRead]:
    """An action's progress updates, newest first (never edited)."""
    updates = await progress.list_updates(session, await service.get_action(session, key), updated_since)
    items = [ProgressRead.model_validate(update) for update in updates]
    return Page[ProgressRead].whole(items)
