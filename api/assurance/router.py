"""The assurance programme (/assurance-activities) and its reports (/assurance-reports)."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Response, status

from api.assurance import reports, service, writes
from api.assurance.models import AssuranceActivity
from api.assurance.schemas import (
    ActionReportQuery,
    ActionsReport,
    AssuranceCreate,
    AssuranceQuery,
    AssuranceRead,
    AssuranceUpdate,
    GradingQuery,
    GradingReport,
    ThemeQuery,
    ThemeReport,
)
from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.pagination import Page
from api.routing import domain_router
from api.schemas import Id
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, IfMatchDep, set_etag

router = domain_router()
Writer = Annotated[Actor, Depends(require(Scope.assurance_write))]
ActivityIdPath = Annotated[Id, Path(description="The activity's numeric id.")]


def _read(activity: AssuranceActivity, response: Response) -> AssuranceRead:
    set_etag(response, activity.version)
    return service.read(activity)


@router.get(
    "/assurance-activities",
    operation_id="assurance_activities_list",
    tags=[Tag.assurance],
    response_model=Page[AssuranceRead],
)
async def list_activities(session: SessionDep, query: Annotated[AssuranceQuery, Query()]) -> Page[AssuranceRead]:
    """The assurance programme's activities, the latest first: by kind, team, dates (`from`, `to`), grading, theme
    (however written), an action they raise or evidence, or changed since (archived ones with include_archived)."""
    rows, total = await service.list_activities(session, query)
    return Page[AssuranceRead](
        items=[service.read(row) for row in rows], page=query.page, limit=query.limit, total=total
    )


@router.post(
    "/assurance-activities",
    operation_id="assurance_activity_create",
    tags=[Tag.assurance],
    status_code=status.HTTP_201_CREATED,
    response_model=AssuranceRead,
    responses={**CREATED, **problem_responses(409)},
)
@idempotent()
async def create_activity(
    session: SessionDep, actor: Writer, data: AssuranceCreate, response: Response
) -> AssuranceRead:
    """Record an audit, observation, team review, multi-agency audit, thematic review or member visit
    (`assurance:write`; a key limited to owners, only for its owners' services' teams). Free text that looks like a
    child's identifier (an NHS number, a name after a title, a date of birth ...) is refused, and nothing stored."""
    activity = await writes.create(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1/assurance-activities/{activity.id}"
    return _read(activity, response)


@router.get(
    "/assurance-activities/{activity_id}",
    operation_id="assurance_activity_get",
    tags=[Tag.assurance],
    response_model=AssuranceRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_activity(session: SessionDep, activity_id: ActivityIdPath, response: Response) -> AssuranceRead:
    """One activity (archived ones too); the ETag header is its version, which covers its themes and actions."""
    return _read(await service.get_activity(session, activity_id), response)


@router.patch(
    "/assurance-activities/{activity_id}",
    operation_id="assurance_activity_update",
    tags=[Tag.assurance],
    response_model=AssuranceRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_activity(
    session: SessionDep,
    actor: Writer,
    activity_id: ActivityIdPath,
    data: AssuranceUpdate,
    response: Response,
    conditions: IfMatchDep,
) -> AssuranceRead:
    """Change an activity (themes and actions, when sent, replace the lists): needs If-Match with its ETag."""
    activity = await writes.update(session, activity_id, data, actor=actor, conditions=conditions)
    return _read(activity, response)


@router.delete(
    "/assurance-activities/{activity_id}",
    operation_id="assurance_activity_archive",
    tags=[Tag.assurance],
    response_model=AssuranceRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def archive_activity(
    session: SessionDep, actor: Writer, activity_id: ActivityIdPath, response: Response, conditions: IfMatchDep
) -> AssuranceRead:
    """Archive an activity (needs If-Match): lists, reports and packs leave it out; it stays readable."""
    return _read(await writes.archive(session, activity_id, actor=actor, conditions=conditions), response)


@router.get(
    "/assurance-reports/gradings",
    operation_id="assurance_gradings_get",
    tags=[Tag.assurance],
    response_model=GradingReport,
    responses=problem_responses(422),
)
async def grading_report(session: SessionDep, query: Annotated[GradingQuery, Query()]) -> GradingReport:
    """Gradings on Ofsted's scale by team and financial quarter, every team and quarter with its zeroes, and totals
    (`from` and `to`: default the earliest and the latest activity counted; at most ten years)."""
    return await reports.gradings(session, query, date.today())


@router.get(
    "/assurance-reports/themes",
    operation_id="assurance_themes_get",
    tags=[Tag.assurance],
    response_model=ThemeReport,
)
async def theme_report(session: SessionDep, query: Annotated[ThemeQuery, Query()]) -> ThemeReport:
    """Recurring themes: those found by at least `min_count` activities (default 2), with the kinds and teams that
    found them and when first and last; a theme written two ways counts once."""
    return await reports.themes(session, query)


@router.get(
    "/assurance-reports/actions",
    operation_id="assurance_actions_get",
    tags=[Tag.assurance],
    response_model=ActionsReport,
)
async def action_report(session: SessionDep, query: Annotated[ActionReportQuery, Query()]) -> ActionsReport:
    """The business improvement actions assurance raised or evidenced, with the activities that link to each and
    where its delivery stands: the latest progress update's status and RAG, and whether it is overdue or stale."""
    return await reports.actions(session, query, date.today())
