"""A KPI's in-year figures (/kpis/{code}/in-year), its target profiles (/kpis/{code}/target-profiles) and its
figures by team (/kpis/{code}/teams)."""

from typing import Annotated

from fastapi import Depends, Path, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.bitemporal import known_by_now
from api.db import SessionDep
from api.errors import problem_responses
from api.kpis import in_year, profiles, teams
from api.kpis.in_year_schemas import (
    InYearQuery,
    InYearRead,
    TargetProfileIn,
    TargetProfileQuery,
    TargetProfileRead,
    TeamsQuery,
    TeamsRollUpRead,
)
from api.openapi import sends
from api.pagination import Page
from api.params import CodePath
from api.routing import domain_router
from api.schemas import SafeStr
from api.tags import Tag
from api.versioning import VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag

router = domain_router()
Definer = Annotated[Actor, Depends(require(Scope.governance_write))]
YearPath = Annotated[
    SafeStr, Path(max_length=20, description="The year: FY2016-17 (AY2016-17 for an academic-year KPI) or 2016/17.")
]


@router.get(
    "/kpis/{code}/in-year",
    operation_id="kpi_in_year_get",
    tags=[Tag.kpi_in_year],
    response_model=InYearRead,
    responses=problem_responses(404),
)
async def get_kpi_in_year(session: SessionDep, code: CodePath, query: Annotated[InYearQuery, Query()]) -> InYearRead:
    """Each month and quarter of a year: its figure (a quarter's combined from its months when none was submitted),
    the year to date, the rolling twelve months and the year to date rated against the year's target profile; all
    worked out from the latest revisions by the KPI's combine rule, never typed in."""
    known_by_now(query.known_at)  # 422 for a moment to come
    return await in_year.in_year(session, code, query)


@router.get(
    "/kpis/{code}/target-profiles",
    operation_id="kpi_target_profiles_list",
    tags=[Tag.kpi_target_profiles],
    response_model=Page[TargetProfileRead],
    responses=problem_responses(404),
)
async def list_kpi_target_profiles(
    session: SessionDep, code: CodePath, query: Annotated[TargetProfileQuery, Query()]
) -> Page[TargetProfileRead]:
    """A KPI's target profiles, one a year, oldest year first."""
    kpi, rows, total = await profiles.list_profiles(session, code, query)
    items = [profiles.read(kpi, profile) for profile in rows]
    return Page[TargetProfileRead](items=items, page=query.page, limit=query.limit, total=total)


@router.get(
    "/kpis/{code}/target-profiles/{year}",
    operation_id="kpi_target_profile_get",
    tags=[Tag.kpi_target_profiles],
    response_model=TargetProfileRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_kpi_target_profile(
    session: SessionDep, code: CodePath, year: YearPath, response: Response
) -> TargetProfileRead:
    """A year's target profile; the ETag header is its version (it covers every point)."""
    kpi, profile = await profiles.get_profile(session, code, year)
    set_etag(response, profile.version)
    return profiles.read(kpi, profile)


@router.put(
    "/kpis/{code}/target-profiles/{year}",
    operation_id="kpi_target_profile_put",
    tags=[Tag.kpi_target_profiles],
    response_model=TargetProfileRead,
    responses={
        **VERSIONED,
        **sends(201, "ETag", model=TargetProfileRead, description="The year's first profile."),
        **WRITE_PROBLEMS,
    },
)
async def put_kpi_target_profile(
    session: SessionDep,
    actor: Definer,
    code: CodePath,
    year: YearPath,
    data: TargetProfileIn,
    response: Response,
    conditions: PreconditionsDep,
) -> TargetProfileRead:
    """Set a year's whole target profile (every point replaced): If-None-Match: * for the year's first, If-Match with
    its ETag to replace it. 422 when a point is not a month or quarter of the year, or the profile does not reach the
    KPI's numeric target for the year at the year's end."""
    kpi, profile, created = await profiles.put_profile(session, code, year, data, actor=actor, conditions=conditions)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, profile.version)
    return profiles.read(kpi, profile)


@router.delete(
    "/kpis/{code}/target-profiles/{year}",
    operation_id="kpi_target_profile_delete",
    tags=[Tag.kpi_target_profiles],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=WRITE_PROBLEMS,
)
async def delete_kpi_target_profile(
    session: SessionDep, actor: Definer, code: CodePath, year: YearPath, conditions: PreconditionsDep
) -> Response:
    """Delete a year's target profile (the audit trail keeps what it held): needs If-Match."""
    await profiles.delete_profile(session, code, year, actor=actor, conditions=conditions)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/kpis/{code}/teams",
    operation_id="kpi_teams_get",
    tags=[Tag.kpi_teams],
    response_model=TeamsRollUpRead,
    responses=problem_responses(404),
)
async def get_kpi_teams(session: SessionDep, code: CodePath, query: Annotated[TeamsQuery, Query()]) -> TeamsRollUpRead:
    """Each team's figure for a period (the teams whose parents reach the borough), the teams combined by the KPI's
    rule (or why they cannot be), and the borough's own figure beside them with the difference."""
    return await teams.roll_up(session, code, query)
