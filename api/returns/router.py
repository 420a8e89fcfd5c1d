"""The KPI returns calendar: /returns (what is due, received, late or missing) and each KPI's return schedule at
/kpis/{code}/return-schedule."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.bitemporal import AsAt, known_by_now
from api.db import SessionDep
from api.errors import problem_responses
from api.pagination import Page
from api.params import CodePath
from api.returns import service
from api.returns.book import KpiReturn
from api.returns.models import KpiReturnSchedule
from api.returns.schemas import ReturnQuery, ReturnRead, ReturnScheduleRead, ReturnScheduleWrite
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Governor = Annotated[Actor, Depends(require(Scope.governance_write))]


def read_return(item: KpiReturn) -> ReturnRead:
    schedule = item.schedule
    return ReturnRead(
        kpi=item.kpi.code,
        kpi_title=item.kpi.title,
        period=item.period.code,
        period_label=item.period.label,
        frequency=schedule.frequency,
        due_date=item.due_date,
        status=item.status,
        received_at=item.received_at,
        days_late=item.days_late,
        accountable_owner=schedule.accountable_owner.code,
        submitting_owner=schedule.submitting_owner.code,
    )


def _read(response: Response, schedule: KpiReturnSchedule) -> ReturnScheduleRead:
    set_etag(response, schedule.version)
    return ReturnScheduleRead.model_validate(schedule)


@router.get("/returns", operation_id="returns_list", tags=[Tag.returns], response_model=Page[ReturnRead])
async def list_returns(session: SessionDep, query: Annotated[ReturnQuery, Query()]) -> Page[ReturnRead]:
    """The KPI returns owed (each scheduled KPI's periods ended by as_at), due, received, late or missing, by due
    date then the KPIs' plan order."""
    dates = AsAt(query.as_at or date.today(), known_by_now(query.known_at))
    items, total = await service.list_returns(session, query, dates)
    return Page[ReturnRead](items=[read_return(i) for i in items], page=query.page, limit=query.limit, total=total)


@router.get(
    "/kpis/{code}/return-schedule",
    operation_id="kpi_return_schedule_get",
    tags=[Tag.returns],
    response_model=ReturnScheduleRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_return_schedule(session: SessionDep, code: CodePath, response: Response) -> ReturnScheduleRead:
    """A KPI's return schedule (a withdrawn one too, with archived_at); the ETag header is its version."""
    return _read(response, await service.get_schedule(session, code))


@router.put(
    "/kpis/{code}/return-schedule",
    operation_id="kpi_return_schedule_put",
    tags=[Tag.returns],
    response_model=ReturnScheduleRead,
    responses={**VERSIONED, **CREATED, **WRITE_PROBLEMS},
)
async def put_return_schedule(
    session: SessionDep,
    actor: Governor,
    code: CodePath,
    data: ReturnScheduleWrite,
    response: Response,
    conditions: PreconditionsDep,
) -> ReturnScheduleRead:
    """Create (201) or replace a KPI's return schedule. Replacing one that exists, withdrawn or not, needs If-Match
    with its ETag; creating needs no header (If-None-Match: * creates only)."""
    schedule, created = await service.put_schedule(session, code, data, actor=actor, conditions=conditions)
    if created:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/kpis/{code}/return-schedule"
    return _read(response, schedule)


@router.delete(
    "/kpis/{code}/return-schedule",
    operation_id="kpi_return_schedule_delete",
    tags=[Tag.returns],
    response_model=ReturnScheduleRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def delete_return_schedule(
    session: SessionDep, actor: Governor, code: CodePath, response: Response, conditions: PreconditionsDep
) -> ReturnScheduleRead:
    """Withdraw a KPI's return schedule: no returns are owed from now (the record stays). Needs If-Match."""
    return _read(response, await service.withdraw_schedule(session, code, actor=actor, conditions=conditions))
