from typing import Annotated

from fastapi import Query

from api import tracking
from api.actions import service as actions_service
from api.actions.schemas import ActionRead
from api.db import SessionDep
from api.errors import problem_responses
from api.kpis import service as kpis_service
from api.kpis.schemas import KpiRead
from api.pagination import ChangedDep, Page, page_of
from api.params import KeyPath
from api.projects import service as projects_service
from api.projects.schemas import ProjectRead
from api.routing import domain_router
from api.strategy import service
from api.strategy.schemas import (
    FocusAreaDetail,
    FocusAreaRead,
    FocusAreaSummary,
    OrganisationRead,
    StrategyRead,
    StrategySummary,
)
from api.strategy.service import FocusAreaQuery
from api.tags import Tag

router = domain_router()
NOT_FOUND = problem_responses(404)


@router.get(
    "/organisations", operation_id="organisations_list", tags=[Tag.organisations], response_model=Page[OrganisationRead]
)
async def list_organisations(session: SessionDep, query: ChangedDep) -> Page[OrganisationRead]:
    """Organisations whose strategies this service holds."""
    rows, total = await service.list_organisations(session, query)
    return page_of(rows, total, query, OrganisationRead)


@router.get(
    "/organisations/{key}",
    operation_id="organisation_get",
    tags=[Tag.organisations],
    response_model=OrganisationRead,
    responses=NOT_FOUND,
)
async def get_organisation(session: SessionDep, key: KeyPath) -> OrganisationRead:
    """One organisation."""
    return OrganisationRead.model_validate(await service.get_organisation(session, key))


@router.get("/strategies", operation_id="strategies_list", tags=[Tag.strategies], response_model=Page[StrategySummary])
async def list_strategies(session: SessionDep, query: ChangedDep) -> Page[StrategySummary]:
    """Strategies, newest period first."""
    rows, total = await service.list_strategies(session, query)
    return page_of(rows, total, query, StrategySummary)


@router.get(
    "/strategies/{key}",
    operation_id="strategy_get",
    tags=[Tag.strategies],
    response_model=StrategyRead,
    responses=NOT_FOUND,
)
async def get_strategy(session: SessionDep, key: KeyPath) -> StrategyRead:
    """A strategy with its vision, key outcome, key objectives, Council Plan principles and focus areas."""
    return StrategyRead.model_validate(await service.get_strategy(session, key))


@router.get(
    "/focus-areas", operation_id="focus_areas_list", tags=[Tag.focus_areas], response_model=Page[FocusAreaSummary]
)
async def list_focus_areas(session: SessionDep, query: Annotated[FocusAreaQuery, Query()]) -> Page[FocusAreaSummary]:
    """Focus areas in the strategy's order."""
    rows, total = await service.list_focus_areas(session, query)
    return page_of(rows, total, query, FocusAreaSummary)


@router.get(
    "/focus-areas/{key}",
    operation_id="focus_area_get",
    tags=[Tag.focus_areas],
    response_model=FocusAreaDetail,
    responses=NOT_FOUND,
)
async def get_focus_area(session: SessionDep, key: KeyPath) -> FocusAreaDetail:
    """A focus area with its priorities, story, improvement agenda, actions, projects and KPIs."""
    focus_area = await service.get_focus_area(session, key)
    actions = await actions_service.list_for_focus_area(session, focus_area.id)
    window = await tracking.window(session)
    projects = await projects_service.list_for_focus_area(session, focus_area.id)
    kpis = await kpis_service.list_for_focus_area(session, focus_area.id)
    return FocusAreaDetail(
        **FocusAreaRead.model_validate(focus_area).model_dump(),
        actions=[actions_service.read_action(action, window, ActionRead) for action in actions],
        projects=[ProjectRead.model_validate(project) for project in projects],
        kpis=[KpiRead.model_validate(kpi) for kpi in kpis],
    )
