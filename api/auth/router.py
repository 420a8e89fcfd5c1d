from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth import service
from api.auth.deps import AuthenticatedPrincipal, require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, CurrentKey
from api.auth.service import ApiKeyQuery
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import sends
from api.pagination import Page
from api.params import KeyIdPath
from api.routing import domain_router
from api.tags import Tag

router = domain_router()
Admin = Annotated[Actor, Depends(require(Scope.admin))]


@router.post(
    "/api-keys",
    operation_id="api_key_create",
    tags=[Tag.api_keys],
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses={**sends(201, "Location"), **problem_responses(413)},
)
@idempotent(redact=("key",))
async def create_api_key(session: SessionDep, actor: Admin, data: ApiKeyCreate, response: Response) -> ApiKeyCreated:
    """Mint an API key (admin). The token is in this response only: store it now."""
    key, token = await service.create_key(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/api-keys/{key.key_id}"
    return ApiKeyCreated(**(await service.describe(session, key)).model_dump(), key=token)


@router.get("/api-keys", operation_id="api_keys_list", tags=[Tag.api_keys], response_model=Page[ApiKeyRead])
async def list_api_keys(session: SessionDep, actor: Admin, query: Annotated[ApiKeyQuery, Query()]) -> Page[ApiKeyRead]:
    """Every key, without secrets (admin)."""
    keys = [await service.describe(session, key) for key in await service.list_keys(session, query)]
    return Page[ApiKeyRead](items=keys, page=1, limit=len(keys) or 1, total=len(keys))


@router.get("/api-keys/current", operation_id="current_api_key_get", tags=[Tag.api_keys], response_model=CurrentKey)
async def get_current_api_key(session: SessionDep, principal: AuthenticatedPrincipal) -> CurrentKey:
    """The key this request was made with: its name, scopes and limits."""
    return CurrentKey(
        id=principal.key_id,
        name=principal.name,
        scopes=sorted(principal.scopes),  # type: ignore[arg-type]
        kpi_codes=sorted(principal.kpi_codes) if principal.kpi_codes is not None else None,
        owner_codes=await service.owner_codes(session, principal.owner_ids),
    )


@router.get(
    "/api-keys/{key_id}",
    operation_id="api_key_get",
    tags=[Tag.api_keys],
    response_model=ApiKeyRead,
    responses=problem_responses(404),
)
async def get_api_key(session: SessionDep, actor: Admin, key_id: KeyIdPath) -> ApiKeyRead:
    """One key, without its secret (admin)."""
    return await service.describe(session, await service.get_key(session, key_id))


@router.delete(
    "/api-keys/{key_id}",
    operation_id="api_key_revoke",
    tags=[Tag.api_keys],
    response_model=ApiKeyRead,
    responses=problem_responses(404),
)
async def revoke_api_key(session: SessionDep, actor: Admin, key_id: KeyIdPath) -> ApiKeyRead:
    """Revoke a key at once (admin). The record is kept for the audit trail; revoking twice is harmless."""
    return await service.describe(session, await service.revoke_key(session, key_id, actor=actor))
