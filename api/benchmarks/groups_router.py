"""/comparator-groups: the built-in groups (worked out for a local authority when read) and a council's own."""

from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.benchmarks import group_writes, groups
from api.benchmarks.group_schemas import (
    ComparatorGroupCreate,
    ComparatorGroupDetail,
    ComparatorGroupRead,
    ComparatorGroupUpdate,
    GroupQuery,
)
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import sends
from api.pagination import Page
from api.params import SCOPE_KEY_LENGTH, KeyPath
from api.routing import domain_router
from api.schemas import SafeStr
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.governance_write))]
SubjectQuery = Annotated[
    SafeStr | None,
    Query(
        max_length=SCOPE_KEY_LENGTH,
        description="The local authority a built-in group is worked out for, by key, GSS code, old LA number or "
        "name (default: the borough).",
    ),
]


def _answer(group: groups.Group, response: Response) -> ComparatorGroupDetail:
    if group.stored is not None:
        set_etag(response, group.stored.version)
    return groups.detail(group, None)


@router.get(
    "/comparator-groups",
    operation_id="comparator_groups_list",
    tags=[Tag.comparator_groups],
    response_model=Page[ComparatorGroupRead],
    responses=problem_responses(404),
)
async def list_comparator_groups(
    session: SessionDep, query: Annotated[GroupQuery, Query()]
) -> Page[ComparatorGroupRead]:
    """Every comparator group: the built-in ones (england, region, statistical-neighbours-2021 and -2025,
    all-local-authorities), worked out for the borough or the local authority `scope` names, then the council's own."""
    places = await groups.places_for(session, query.scope)
    items = [groups.read(group, places.subject) for group in await groups.groups_for(session, places)]
    return Page[ComparatorGroupRead](
        items=items[query.offset : query.offset + query.limit], page=query.page, limit=query.limit, total=len(items)
    )


@router.get(
    "/comparator-groups/{key}",
    operation_id="comparator_group_get",
    tags=[Tag.comparator_groups],
    response_model=ComparatorGroupDetail,
    responses={**sends(200, sometimes=("ETag",)), **problem_responses(404)},
)
async def get_comparator_group(
    session: SessionDep, key: KeyPath, response: Response, scope: SubjectQuery = None
) -> ComparatorGroupDetail:
    """One group and its members (key, name, GSS code, old LA number; a neighbour's closeness). A council's own
    group has an ETag (its version); a built-in one is worked out for the borough, or the local authority `scope`
    names."""
    group, subject = await groups.find_group(session, key, scope)
    if group.stored is not None:
        set_etag(response, group.stored.version)
    return groups.detail(group, subject)


@router.post(
    "/comparator-groups",
    operation_id="comparator_group_create",
    tags=[Tag.comparator_groups],
    status_code=status.HTTP_201_CREATED,
    response_model=ComparatorGroupDetail,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_comparator_group(
    session: SessionDep, actor: Writer, data: ComparatorGroupCreate, response: Response
) -> ComparatorGroupDetail:
    """Make a group of the council's own (e.g. the Tees Valley), its members named by key, GSS code, LA number or
    name; a member naming no scope is refused (422), as is a built-in group's key (409)."""
    group = await group_writes.create_group(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/comparator-groups/{group.key}"
    return _answer(groups.own(group), response)


@router.patch(
    "/comparator-groups/{key}",
    operation_id="comparator_group_update",
    tags=[Tag.comparator_groups],
    response_model=ComparatorGroupDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_comparator_group(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: ComparatorGroupUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> ComparatorGroupDetail:
    """Rename a council's own group, or replace its members: needs If-Match with its ETag, which changes with its
    members too. A built-in group cannot be changed (409)."""
    group = await group_writes.update_group(session, key, data, actor=actor, conditions=conditions)
    return _answer(groups.own(group), response)


@router.delete(
    "/comparator-groups/{key}",
    operation_id="comparator_group_delete",
    tags=[Tag.comparator_groups],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE_PROBLEMS,
)
async def delete_comparator_group(
    session: SessionDep, actor: Writer, key: KeyPath, conditions: PreconditionsDep
) -> Response:
    """Delete a council's own group (the audit trail keeps what it held): needs If-Match. A built-in group cannot
    be deleted (409)."""
    await group_writes.delete_group(session, key, actor=actor, conditions=conditions)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
