"""Teams and localities (/teams): the scopes whose figures are management information and roll up to the borough."""

from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.kpis.models import Scope as ScopeRow
from api.pagination import Page, page_of
from api.params import KeyPath
from api.routing import domain_router
from api.tags import Tag
from api.teams import service, writes
from api.teams.schemas import TeamCreate, TeamRead, TeamUpdate
from api.teams.service import TeamQuery
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.governance_write))]


def _read(team: ScopeRow, response: Response) -> TeamRead:
    set_etag(response, team.version)
    return TeamRead.model_validate(team)


@router.get("/teams", operation_id="teams_list", tags=[Tag.teams], response_model=Page[TeamRead])
async def list_teams(session: SessionDep, query: Annotated[TeamQuery, Query()]) -> Page[TeamRead]:
    """Teams and localities by name, with the service each answers to and where its figures roll up."""
    rows, total = await service.list_teams(session, query)
    return page_of(rows, total, query, TeamRead)


@router.get(
    "/teams/{key}",
    operation_id="team_get",
    tags=[Tag.teams],
    response_model=TeamRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_team(session: SessionDep, key: KeyPath, response: Response) -> TeamRead:
    """One team or locality; the ETag header is its version."""
    return _read(await service.find_team(session, key), response)


@router.post(
    "/teams",
    operation_id="team_create",
    tags=[Tag.teams],
    status_code=status.HTTP_201_CREATED,
    response_model=TeamRead,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_team(session: SessionDep, actor: Writer, data: TeamCreate, response: Response) -> TeamRead:
    """Add a team or locality (`governance:write`; a key limited to owners, only for its owners' services). Its key
    is then a scope that figures can be submitted for."""
    team = await writes.create_team(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/teams/{team.key}"
    return _read(team, response)


@router.patch(
    "/teams/{key}",
    operation_id="team_update",
    tags=[Tag.teams],
    response_model=TeamRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_team(
    session: SessionDep,
    actor: Writer,
    key: KeyPath,
    data: TeamUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> TeamRead:
    """Change a team's name, parent, service, manager's role or description: needs If-Match with its ETag."""
    return _read(await writes.update_team(session, key, data, actor=actor, conditions=conditions), response)
