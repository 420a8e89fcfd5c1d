from typing import Annotated

from fastapi import Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.owners import service, writes
from api.owners.models import Owner
from api.owners.schemas import OwnerCreate, OwnerDetail, OwnerRead, OwnerRef, OwnerUpdate
from api.owners.service import OwnerQuery
from api.pagination import Page, page_of
from api.params import KeyPath
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.governance_write))]


async def _detail(session: AsyncSession, owner: Owner, response: Response) -> OwnerDetail:
    set_etag(response, owner.version)
    return OwnerDetail(
        **OwnerRead.model_validate(owner).model_dump(),
        children=[OwnerRef.model_validate(child) for child in await service.children_of(session, owner)],
    )


@router.get("/owners", operation_id="owners_list", tags=[Tag.owners], response_model=Page[OwnerRead])
async def list_owners(session: SessionDep, query: Annotated[OwnerQuery, Query()]) -> Page[OwnerRead]:
    """Owners named in the strategy's Who columns, by code (archived owners only with include_archived)."""
    rows, total = await service.list_owners(session, query)
    return page_of(rows, total, query, OwnerRead)


@router.get(
    "/owners/{key}",
    operation_id="owner_get",
    tags=[Tag.owners],
    response_model=OwnerDetail,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_owner(session: SessionDep, key: KeyPath, response: Response) -> OwnerDetail:
    """One owner, with the owners that report to it; the ETag header is its version."""
    return await _detail(session, await service.find_owner(session, key), response)


@router.post(
    "/owners",
    operation_id="owner_create",
    tags=[Tag.owners],
    status_code=status.HTTP_201_CREATED,
    response_model=OwnerDetail,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_owner(session: SessionDep, actor: Writer, data: OwnerCreate, response: Response) -> OwnerDetail:
    """Add an owner (a role, team, board or partnership a Who column can name)."""
    owner = await writes.create_owner(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/owners/{owner.key}"
    return await _detail(session, owner, response)


@router.patch(
    "/owners/{key}",
    operation_id="owner_update",
    tags=[Tag.owners],
    response_model=OwnerDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_owner(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: OwnerUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> OwnerDetail:
    """Change an owner's code, name, kind, parent, aliases or note: needs If-Match with its current ETag."""
    owner = await writes.update_owner(session, key, data, actor=actor, conditions=conditions)
    return await _detail(session, owner, response)


@router.delete(
    "/owners/{key}",
    operation_id="owner_archive",
    tags=[Tag.owners],
    response_model=OwnerDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_owner(
    session: SessionDep, actor: Writer, key: KeyPath, response: Response, conditions: PreconditionsDep
) -> OwnerDetail:
    """Archive an owner that no live action or project depends on (never deleted). Needs If-Match."""
    owner = await writes.archive_owner(session, key, actor=actor, conditions=conditions)
    return await _detail(session, owner, response)
