"""Procedure changes (/procedure-changes): immediate changes to procedures and processes, on the strategy's route."""

from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.pagination import Page, page_of
from api.params import KeyPath
from api.procedures import service
from api.procedures.models import ProcedureChange
from api.procedures.schemas import (
    ProcedureChangeCreate,
    ProcedureChangeQuery,
    ProcedureChangeRead,
    ProcedureChangeUpdate,
)
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.governance_write))]


def _read(change: ProcedureChange, response: Response) -> ProcedureChangeRead:
    set_etag(response, change.version)
    return ProcedureChangeRead.model_validate(change)


@router.get(
    "/procedure-changes",
    operation_id="procedure_changes_list",
    tags=[Tag.procedure_changes],
    response_model=Page[ProcedureChangeRead],
)
async def list_procedure_changes(
    session: SessionDep, query: Annotated[ProcedureChangeQuery, Query()]
) -> Page[ProcedureChangeRead]:
    """Procedure changes by key, with where each stands (proposed, tested, approved, rejected)."""
    rows, total = await service.list_changes(session, query)
    return page_of(rows, total, query, ProcedureChangeRead)


@router.get(
    "/procedure-changes/{key}",
    operation_id="procedure_change_get",
    tags=[Tag.procedure_changes],
    response_model=ProcedureChangeRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_procedure_change(session: SessionDep, key: KeyPath, response: Response) -> ProcedureChangeRead:
    """One procedure change; the ETag header is its version (decisions that move its status move it too)."""
    return _read(await service.get_change(session, key), response)


@router.post(
    "/procedure-changes",
    operation_id="procedure_change_create",
    tags=[Tag.procedure_changes],
    status_code=status.HTTP_201_CREATED,
    response_model=ProcedureChangeRead,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_procedure_change(
    session: SessionDep, actor: Writer, data: ProcedureChangeCreate, response: Response
) -> ProcedureChangeRead:
    """Propose a procedure change (`governance:write`); meetings' decisions then test and approve it."""
    change = await service.create_change(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/procedure-changes/{change.key}"
    return _read(change, response)


@router.patch(
    "/procedure-changes/{key}",
    operation_id="procedure_change_update",
    tags=[Tag.procedure_changes],
    response_model=ProcedureChangeRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_procedure_change(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: ProcedureChangeUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> ProcedureChangeRead:
    """Change a procedure change's title, description or focus area: needs If-Match with its ETag."""
    return _read(await service.update_change(session, key, data, actor=actor, conditions=conditions), response)
