from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Query, Response, status
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import Forbidden, InvalidInput, ProblemError, problem_responses
from api.idempotency.service import idempotent
from api.kpis import definitions, one_figure, service, submissions
from api.kpis import status as status_service
from api.kpis.models import Kpi, SubmissionFormat, Tier
from api.kpis.schemas import (
    KpiCreate,
    KpiDetail,
    KpiRead,
    KpiStatusRead,
    KpiUpdate,
    KpiValueIn,
    KpiValueRead,
    KpiValueWritten,
    RatingCounts,
    ScopeRead,
    Scorecard,
    TargetIn,
)
from api.kpis.service import KpiQuery, KpiValueQuery, ScopeQuery
from api.openapi import sends
from api.pagination import Page, page_of
from api.params import NAMED_SCOPE, CodePath, KeyPath, PeriodPath, ScopeKeyQuery
from api.periods import InvalidPeriod
from api.routing import domain_router
from api.schemas import QueryModel
from api.signoffs import service as sign_offs
from api.signoffs.schemas import KpiValueSigned
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, Preconditions, PreconditionsDep, set_etag

router = domain_router()
Definer = Annotated[Actor, Depends(require(Scope.governance_write))]


async def kpi_detail(session: AsyncSession, kpi: Kpi, response: Response) -> KpiDetail:
    set_etag(response, kpi.version)
    latest = await service.latest_values(session, kpi)
    return KpiDetail(
        **KpiRead.model_validate(kpi).model_dump(),
        targets=kpi.targets,  # type: ignore[arg-type]
        latest_values=[KpiValueRead.model_validate(value) for value in latest],
    )


@router.get("/kpis", operation_id="kpis_list", tags=[Tag.kpi_definitions], response_model=Page[KpiRead])
async def list_kpis(session: SessionDep, query: Annotated[KpiQuery, Query()]) -> Page[KpiRead]:
    """KPI definitions: Council Plan KPIs, service indicators, management information and context figures."""
    rows, total = await service.list_kpis(session, query)
    return page_of(rows, total, query, KpiRead)


@router.get(
    "/kpis/{code}",
    operation_id="kpi_get",
    tags=[Tag.kpi_definitions],
    response_model=KpiDetail,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_kpi(session: SessionDep, code: CodePath, response: Response) -> KpiDetail:
    """A KPI with its targets and its latest value for each scope; the ETag header is its version."""
    return await kpi_detail(session, await service.get_kpi(session, code), response)


@router.post(
    "/kpis",
    operation_id="kpi_create",
    tags=[Tag.kpi_definitions],
    status_code=status.HTTP_201_CREATED,
    response_model=KpiDetail,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_kpi(session: SessionDep, actor: Definer, data: KpiCreate, response: Response) -> KpiDetail:
    """Define a KPI: what it measures, its unit, polarity, period type and baseline."""
    kpi = await definitions.create_kpi(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/kpis/{kpi.code}"
    return await kpi_detail(session, kpi, response)


@router.patch(
    "/kpis/{code}",
    operation_id="kpi_update",
    tags=[Tag.kpi_definitions],
    response_model=KpiDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_kpi(
    session: SessionDep,
    actor: Definer,
    code: CodePath,
    data: KpiUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> KpiDetail:
    """Change a KPI's definition (not its unit or period type once it has figures): needs If-Match."""
    kpi = await definitions.update_kpi(session, code, data, actor=actor, conditions=conditions)
    return await kpi_detail(session, kpi, response)


@router.delete(
    "/kpis/{code}",
    operation_id="kpi_archive",
    tags=[Tag.kpi_definitions],
    response_model=KpiDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_kpi(
    session: SessionDep, actor: Definer, code: CodePath, response: Response, conditions: PreconditionsDep
) -> KpiDetail:
    """Archive a KPI (never deleted: its figures stay readable); it leaves lists and the scorecard. Needs If-Match."""
    kpi = await definitions.archive_kpi(session, code, actor=actor, conditions=conditions)
    return await kpi_detail(session, kpi, response)


@router.put(
    "/kpis/{code}/targets/{period}",
    operation_id="kpi_target_put",
    tags=[Tag.kpi_definitions],
    response_model=KpiDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def put_kpi_target(
    session: SessionDep,
    actor: Definer,
    code: CodePath,
    period: PeriodPath,
    data: TargetIn,
    response: Response,
    conditions: PreconditionsDep,
) -> KpiDetail:
    """Set a KPI's target for one period (upsert); the KPI's version moves on. Needs If-Match with the KPI's ETag."""
    kpi = await definitions.set_target(session, code, period, data, actor=actor, conditions=conditions)
    return await kpi_detail(session, kpi, response)


@router.delete(
    "/kpis/{code}/targets/{period}",
    operation_id="kpi_target_delete",
    tags=[Tag.kpi_definitions],
    response_model=KpiDetail,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def delete_kpi_target(
    session: SessionDep,
    actor: Definer,
    code: CodePath,
    period: PeriodPath,
    response: Response,
    conditions: PreconditionsDep,
) -> KpiDetail:
    """Remove a KPI's target for one period (a plan, not a record; the audit trail keeps it). Needs If-Match."""
    kpi = await definitions.remove_target(session, code, period, actor=actor, conditions=conditions)
    return await kpi_detail(session, kpi, response)


@router.get(
    "/kpis/{code}/values",
    operation_id="kpi_values_list",
    tags=[Tag.kpi_values],
    response_model=Page[KpiValueSigned],
    responses=problem_responses(404),
)
async def list_kpi_values(
    session: SessionDep, code: CodePath, query: Annotated[KpiValueQuery, Query()]
) -> Page[KpiValueSigned]:
    """A KPI's values by period and scope: the latest revision of each, or every revision with history=true; each
    with where it stands at sign-off (who decided, when, and why a figure was returned)."""
    kpi = await service.get_kpi(session, code)
    rows, total = await service.list_values(session, kpi, query)
    items = await sign_offs.signed(session, kpi, rows)
    return Page[KpiValueSigned](items=items, page=query.page, limit=query.limit, total=total)


@router.get("/scopes", operation_id="scopes_list", tags=[Tag.scopes], response_model=Page[ScopeRead])
async def list_scopes(session: SessionDep, query: Annotated[ScopeQuery, Query()]) -> Page[ScopeRead]:
    """What values can be about: the borough, teams, localities and comparators such as England."""
    rows, total = await service.list_scopes(session, query)
    return page_of(rows, total, query, ScopeRead)


@router.get(
    "/scopes/{key}",
    operation_id="scope_get",
    tags=[Tag.scopes],
    response_model=ScopeRead,
    responses=problem_responses(404),
)
async def get_scope(session: SessionDep, key: KeyPath) -> ScopeRead:
    """One scope."""
    return ScopeRead.model_validate(await service.get_scope(session, key))


@router.get(
    "/kpis/{code}/values/{period}",
    operation_id="kpi_value_get",
    tags=[Tag.kpi_values],
    response_model=KpiValueSigned,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_kpi_value(
    session: SessionDep, code: CodePath, period: PeriodPath, response: Response, scope: ScopeKeyQuery = None
) -> KpiValueSigned:
    """One figure: the latest revision for the period and scope, and where it stands at sign-off. The ETag header is
    its revision: send it back in If-Match to correct this figure (or to sign it off) only if nobody else has since."""
    kpi = await service.get_kpi(session, code)
    value = await service.latest_value(
        session, kpi, service.parse_period_param(period, "period", kpi, where="path"), scope
    )
    set_etag(response, value.revision)
    [signed] = await sign_offs.signed(session, kpi, [value])
    return signed


@router.put(
    "/kpis/{code}/values/{period}",
    operation_id="kpi_value_put",
    tags=[Tag.kpi_values],
    response_model=KpiValueWritten,
    responses={
        **VERSIONED,
        **sends(201, "ETag", model=KpiValueWritten, description="First figure for this KPI, period and scope."),
        **problem_responses(404, 412),
    },
)
@idempotent()
async def put_kpi_value(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Scope.kpi_submit))],
    code: CodePath,
    period: PeriodPath,
    data: KpiValueIn,
    response: Response,
    conditions: PreconditionsDep,
    scope: ScopeKeyQuery = None,
) -> KpiValueWritten:
    """Set one KPI figure (upsert): a different figure adds a revision; the same figure (after rounding to the KPI's
    decimal places) changes nothing. Optional: If-Match with the ETag of GET /kpis/{code}/values/{period} writes only
    if that is still the latest revision (a late retry cannot undo a correction); If-None-Match: * writes only the
    first figure."""
    if not actor.principal.may_submit(code):
        raise Forbidden(f"This key ({actor.principal.name}) may not submit KPI '{code}'.")
    done = await one_figure.write(actor, code, period, scope, data, conditions) if one_figure.applies(session) else None
    status_code, revision, answer = done or await _put_in_session(session, actor, code, period, scope, data, conditions)
    response.status_code = status_code
    set_etag(response, revision)
    return answer


async def _put_in_session(
    session: AsyncSession,
    actor: Actor,
    code: str,
    period: str,
    scope: str | None,
    data: KpiValueIn,
    conditions: Preconditions,
) -> tuple[int, int, KpiValueWritten]:
    """One figure through the general path, in the request's transaction (SQLite, or an idempotent PUT)."""
    kpi = await service.kpi_by_code(session, code)
    try:
        result = await submissions.submit(
            session,
            [(1, one_figure.row_of(code, period, scope, data))],
            actor=actor,
            format=SubmissionFormat.single,
            source=data.source,
            reason=data.reason,
            expect=conditions.check if conditions.given else None,
            known=[kpi],
        )
    except submissions.SubmissionRejected as rejected:
        raise rejected.for_single() from rejected
    checked, outcome, revision = result.outcomes[0]
    if result.written:  # the row just inserted, as it was inserted
        return one_figure.answer(checked, outcome, revision, result.written[0])
    # unchanged: the revision that stands
    found = await service.get_revision(session, kpi.id, checked.scope.id, checked.period.code, revision)
    stored = {name: getattr(found, name) for name in one_figure.VALUE_COLUMNS}
    return one_figure.answer(checked, outcome, revision, stored)


class StatusQuery(QueryModel):
    period: str | None = Field(None, max_length=20, description="e.g. 2016/17 or FY2016-17; default: the latest.")
    scope: str | None = Field(None, max_length=80, description=f"{NAMED_SCOPE}; default: the borough.")


class ScorecardQuery(StatusQuery):
    tier: Tier | None = Field(None, description="Only KPIs of this tier, e.g. council_plan.")
    focus_area: str | None = Field(None, max_length=80, description="Only KPIs of this focus area.")


async def _standings(session: AsyncSession, kpis: Sequence[Kpi], query: StatusQuery) -> list[status_service.Standing]:
    scope = await service.get_scope(session, query.scope) if query.scope else None
    try:
        return await status_service.standings(session, kpis, query.period, scope)
    except InvalidPeriod as error:
        raise InvalidInput(str(error), errors=[ProblemError(loc=["query", "period"], msg=str(error))]) from error


@router.get(
    "/kpis/{code}/status",
    operation_id="kpi_status_get",
    tags=[Tag.kpi_status],
    response_model=KpiStatusRead,
    responses=problem_responses(404),
)
async def get_kpi_status(session: SessionDep, code: CodePath, query: Annotated[StatusQuery, Query()]) -> KpiStatusRead:
    """A KPI for a period: figure, target, rating (word, symbol and reason), direction of travel and comparators."""
    kpi = await service.get_kpi(session, code)
    [standing] = await _standings(session, [kpi], query)
    return status_service.to_read(standing)


@router.get(
    "/scorecard",
    operation_id="scorecard_get",
    tags=[Tag.kpi_status],
    response_model=Scorecard,
    responses=problem_responses(404),
)
async def get_scorecard(session: SessionDep, query: Annotated[ScorecardQuery, Query()]) -> Scorecard:
    """Every KPI's status in one round trip, for dashboards and reports."""
    kpis = await service.all_kpis(session, tier=query.tier, focus_area=query.focus_area)
    items = [status_service.to_read(standing) for standing in await _standings(session, kpis, query)]
    return Scorecard(
        period=query.period,
        tier=query.tier,
        scope=items[0].scope if items else (query.scope or ""),
        summary=RatingCounts.of(item.rating.status for item in items),
        items=items,
    )
