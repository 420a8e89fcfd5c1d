from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import Forbidden, InvalidInput, problem_responses
from api.kpis import service, submissions
from api.kpis.models import SubmissionFormat
from api.kpis.schemas import KpiDetail, KpiRead, KpiValueIn, KpiValueRead, KpiValueWritten, ScopeRead
from api.kpis.service import KpiQuery, KpiValueQuery, ScopeQuery
from api.pagination import Page, page_of

router = APIRouter(tags=["KPIs"])
Code = Annotated[str, Path(max_length=80, description="The KPI's code.")]


@router.get("/kpis", response_model=Page[KpiRead])
async def list_kpis(session: SessionDep, query: Annotated[KpiQuery, Query()]) -> Page[KpiRead]:
    """KPI definitions: Council Plan KPIs, service indicators, management information and context figures."""
    rows, total = await service.list_kpis(session, query)
    return page_of(rows, total, query, KpiRead)


@router.get("/kpis/{code}", response_model=KpiDetail, responses=problem_responses(404))
async def get_kpi(session: SessionDep, code: Code) -> KpiDetail:
    """A KPI with its targets and its latest value for each scope."""
    kpi = await service.get_kpi(session, code)
    latest = await service.latest_values(session, kpi)
    return KpiDetail(
        **KpiRead.model_validate(kpi).model_dump(),
        targets=kpi.targets,  # type: ignore[arg-type]
        latest_values=[KpiValueRead.model_validate(value) for value in latest],
    )


@router.get("/kpis/{code}/values", response_model=Page[KpiValueRead], responses=problem_responses(404))
async def list_kpi_values(
    session: SessionDep, code: Code, query: Annotated[KpiValueQuery, Query()]
) -> Page[KpiValueRead]:
    """A KPI's values by period and scope: the latest revision of each, or every revision with history=true."""
    kpi = await service.get_kpi(session, code)
    rows, total = await service.list_values(session, kpi, query)
    return page_of(rows, total, query, KpiValueRead)


@router.get("/scopes", response_model=Page[ScopeRead])
async def list_scopes(session: SessionDep, query: Annotated[ScopeQuery, Query()]) -> Page[ScopeRead]:
    """What values can be about: the borough, teams, localities and comparators such as England."""
    rows, total = await service.list_scopes(session, query)
    return page_of(rows, total, query, ScopeRead)


@router.get("/scopes/{key}", response_model=ScopeRead, responses=problem_responses(404))
async def get_scope(session: SessionDep, key: Annotated[str, Path(max_length=80)]) -> ScopeRead:
    """One scope."""
    return ScopeRead.model_validate(await service.get_scope(session, key))


@router.put(
    "/kpis/{code}/values/{period}",
    response_model=KpiValueWritten,
    responses={
        201: {"model": KpiValueWritten, "description": "First figure for this KPI, period and scope."},
        **problem_responses(404),
    },
)
async def put_kpi_value(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Scope.kpi_submit))],
    code: Code,
    period: Annotated[str, Path(max_length=20, description="Period code, e.g. FY2016-17 (2016/17 accepted).")],
    data: KpiValueIn,
    response: Response,
    scope: Annotated[str | None, Query(max_length=80, description="Scope key (default: the borough).")] = None,
) -> KpiValueWritten:
    """Set one KPI figure (upsert): a different figure adds a revision; the same figure changes nothing."""
    if not actor.principal.may_submit(code):
        raise Forbidden(f"This key ({actor.principal.name}) may not submit KPI '{code}'.")
    kpi = await service.get_kpi(session, code)
    row = {"kpi": code, "period": period, "scope": scope, **data.figures()}
    try:
        result = await submissions.submit(
            session, [(1, row)], actor=actor, format=SubmissionFormat.single, source=data.source, reason=data.reason
        )
    except submissions.SubmissionRejected as rejected:
        raise InvalidInput(rejected.detail_for_single(), errors=rejected.single_errors()) from rejected
    checked, outcome, revision = result.outcomes[0]
    stored = await service.get_revision(session, kpi.id, checked.scope.id, checked.period.code, revision)
    response.status_code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
    return KpiValueWritten(**KpiValueRead.model_validate(stored).model_dump(), outcome=outcome)
