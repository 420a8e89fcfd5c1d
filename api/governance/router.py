from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.db import SessionDep
from api.errors import problem_responses
from api.governance import service
from api.governance.schemas import GovernanceBodyRead
from api.governance.service import GovernanceBodyQuery
from api.pagination import Page, page_of

router = APIRouter(tags=["governance"])


@router.get("/governance-bodies", response_model=Page[GovernanceBodyRead])
async def list_governance_bodies(
    session: SessionDep, query: Annotated[GovernanceBodyQuery, Query()]
) -> Page[GovernanceBodyRead]:
    """Boards, teams and committees that items report to, with their meeting cadence."""
    rows, total = await service.list_bodies(session, query)
    return page_of(rows, total, query, GovernanceBodyRead)


@router.get("/governance-bodies/{key}", response_model=GovernanceBodyRead, responses=problem_responses(404))
async def get_governance_body(session: SessionDep, key: Annotated[str, Path(max_length=80)]) -> GovernanceBodyRead:
    """One governance body."""
    return GovernanceBodyRead.model_validate(await service.get_body(session, key))
