"""/national-indicators: DfE's LAIT indicator definitions, and adopting one as a KPI (api/kpis/national.py)."""

from typing import Annotated

from fastapi import Query, Response, status

from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.kpis import national
from api.kpis.router import Definer, kpi_detail
from api.kpis.schemas import KpiDetail, NationalAdoption, NationalIndicatorQuery, NationalIndicatorRead
from api.pagination import Page, page_of
from api.params import NationalKeyPath
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED

router = domain_router()


@router.get(
    "/national-indicators",
    operation_id="national_indicators_list",
    tags=[Tag.national_indicators],
    response_model=Page[NationalIndicatorRead],
)
async def list_national_indicators(
    session: SessionDep, query: Annotated[NationalIndicatorQuery, Query()]
) -> Page[NationalIndicatorRead]:
    """DfE's LAIT indicator definitions a KPI can adopt, each with the KPI that adopted it, if any."""
    found = national.search(query)
    rows = await national.as_read(session, found[query.offset : query.offset + query.limit])
    return page_of(rows, len(found), query, NationalIndicatorRead)


@router.get(
    "/national-indicators/{key}",
    operation_id="national_indicator_get",
    tags=[Tag.national_indicators],
    response_model=NationalIndicatorRead,
    responses=problem_responses(404),
)
async def get_national_indicator(session: SessionDep, key: NationalKeyPath) -> NationalIndicatorRead:
    """One national indicator definition."""
    [row] = await national.as_read(session, [national.get_definition(key)])
    return NationalIndicatorRead.model_validate(row)


@router.post(
    "/national-indicators/{key}/adoptions",
    operation_id="national_indicator_adopt",
    tags=[Tag.national_indicators],
    status_code=status.HTTP_201_CREATED,
    response_model=KpiDetail,
    responses={**CREATED, **problem_responses(404, 409)},
)
@idempotent()
async def adopt_national_indicator(
    session: SessionDep, actor: Definer, key: NationalKeyPath, data: NationalAdoption, response: Response
) -> KpiDetail:
    """Define a KPI from a national indicator in one step: its unit, polarity, decimal places and period type."""
    kpi = await national.adopt(session, key, data, actor=actor)
    response.headers["Location"] = f"/api/v1/kpis/{kpi.code}"
    return await kpi_detail(session, kpi, response)
