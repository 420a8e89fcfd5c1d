from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.kpis import service as kpi_service
from api.openapi import sends
from api.pagination import Page
from api.params import CodePath, PeriodPath, ScopeKeyQuery
from api.routing import domain_router
from api.signoffs import queue, service
from api.signoffs.schemas import KpiValueSigned, SignOffIn, SignOffItem, SignOffQuery
from api.tags import Tag
from api.versioning import PreconditionsDep, set_etag

router = domain_router()
Approver = Annotated[Actor, Depends(require(Scope.approve))]


@router.post(
    "/kpis/{code}/values/{period}/sign-offs",
    operation_id="kpi_value_sign_off_create",
    tags=[Tag.sign_offs],
    status_code=status.HTTP_201_CREATED,
    response_model=KpiValueSigned,
    responses={**sends(201, "Location", "ETag"), **problem_responses(404, 409, 412, 428)},
)
@idempotent()
async def sign_off_value(
    session: SessionDep,
    actor: Approver,
    code: CodePath,
    period: PeriodPath,
    data: SignOffIn,
    response: Response,
    conditions: PreconditionsDep,
    scope: ScopeKeyQuery = None,
) -> KpiValueSigned:
    """Approve the latest revision of a figure, or return it with reasons (`approve` scope, for the key's owners;
    never the key that submitted it). Name the revision decided on, or send the figure's ETag in If-Match: a
    figure corrected meanwhile is refused (409, 412). Approved figures are final in Cabinet's and the CYP Select
    Committee's packs and, for Council Plan KPIs, published as open data; a correction needs approving again."""
    value = await service.decide(session, code, period, scope, data, actor=actor, conditions=conditions)
    kpi = await kpi_service.kpi_by_code(session, code)
    [signed] = await service.signed(session, kpi, [value])
    where = f"?scope={value.scope.key}" if scope else ""
    response.headers["Location"] = f"/api/v1/kpis/{code}/values/{value.period}{where}"
    set_etag(response, value.revision)
    return signed


@router.get(
    "/sign-offs",
    operation_id="sign_offs_list",
    tags=[Tag.sign_offs],
    response_model=Page[SignOffItem],
)
async def list_sign_offs(session: SessionDep, query: Annotated[SignOffQuery, Query()]) -> Page[SignOffItem]:
    """The approvers' queue: the latest revision of each of the council's own figures (not comparators') awaiting
    sign-off (or, with state, approved or returned), oldest first, with the owner accountable for each."""
    items, total = await queue.list_queue(session, query)
    return Page[SignOffItem](items=items, page=query.page, limit=query.limit, total=total)
