from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.actions import service
from api.actions.schemas import ActionDetail, ActionRead
from api.actions.service import ActionQuery
from api.db import SessionDep
from api.errors import problem_responses
from api.pagination import Page, page_of

router = APIRouter(tags=["business improvement actions"])


@router.get("/actions", response_model=Page[ActionRead])
async def list_actions(session: SessionDep, query: Annotated[ActionQuery, Query()]) -> Page[ActionRead]:
    """Business improvement actions (reported to CSMT), by focus area and table order."""
    rows, total = await service.list_actions(session, query)
    return page_of(rows, total, query, ActionRead)


@router.get("/actions/{key}", response_model=ActionDetail, responses=problem_responses(404))
async def get_action(session: SessionDep, key: Annotated[str, Path(max_length=80)]) -> ActionDetail:
    """One business improvement action with its milestones."""
    return ActionDetail.model_validate(await service.get_action(session, key))
