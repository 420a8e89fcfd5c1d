from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.db import SessionDep
from api.errors import problem_responses
from api.owners import service
from api.owners.schemas import OwnerDetail, OwnerRead, OwnerRef
from api.owners.service import OwnerQuery
from api.pagination import Page, page_of

router = APIRouter(tags=["owners"])


@router.get("/owners", response_model=Page[OwnerRead])
async def list_owners(session: SessionDep, query: Annotated[OwnerQuery, Query()]) -> Page[OwnerRead]:
    """Owners named in the strategy's Who columns, by code."""
    rows, total = await service.list_owners(session, query)
    return page_of(rows, total, query, OwnerRead)


@router.get("/owners/{key}", response_model=OwnerDetail, responses=problem_responses(404))
async def get_owner(session: SessionDep, key: Annotated[str, Path(max_length=80)]) -> OwnerDetail:
    """One owner, with the owners that report to it."""
    owner, children = await service.get_owner(session, key)
    return OwnerDetail(
        **OwnerRead.model_validate(owner).model_dump(),
        children=[OwnerRef.model_validate(child) for child in children],
    )
