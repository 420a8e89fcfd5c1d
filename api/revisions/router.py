"""/actions/{key}/revisions, /projects/{key}/revisions and /projects/{key}/savings/{fy}/revisions: every revision of
a plan, newest first, as packs built for a past moment read them (api/revisions/service.py)."""

from typing import Annotated, Any

from fastapi import Path
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions import service as actions_service
from api.db import SessionDep
from api.errors import NotFound, problem_responses
from api.owners.models import Owner
from api.pagination import Page, UpdatedSince
from api.params import KeyPath
from api.projects import savings
from api.projects import service as projects_service
from api.projects.models import ProjectSavings
from api.revisions import service
from api.revisions.models import PlanKind, PlanRevision
from api.revisions.schemas import ActionPlanRevision, MilestonePlan, ProjectPlanRevision, SavingsRevision
from api.routing import domain_router
from api.schemas import SafeStr
from api.strategy.models import FocusArea
from api.tags import Tag

router = domain_router()


def _meta(row: PlanRevision) -> dict[str, Any]:
    return {
        "revision": row.revision,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "archived": row.archived,
    }


async def _names(session: AsyncSession) -> tuple[dict[int, str], dict[int, str]]:
    """Owner codes and focus area keys by id: revisions keep ids, the API shows codes and keys."""
    owners = {owner_id: code for owner_id, code in await session.execute(select(Owner.id, Owner.code))}
    areas = {area_id: key for area_id, key in await session.execute(select(FocusArea.id, FocusArea.key))}
    return owners, areas


@router.get(
    "/actions/{key}/revisions",
    operation_id="action_revisions_list",
    tags=[Tag.actions],
    response_model=Page[ActionPlanRevision],
    responses=problem_responses(404),
)
async def list_action_revisions(
    session: SessionDep, key: KeyPath, updated_since: UpdatedSince = None
) -> Page[ActionPlanRevision]:
    """Every revision of an action's plan (what, detail, when, who, milestones), newest first, with who recorded it
    and when (updated_since: those recorded since)."""
    action = await actions_service.get_action(session, key)
    owners, areas = await _names(session)
    items = []
    for row in await service.history(session, PlanKind.action, action.id, updated_since):
        plan = row.content
        items.append(
            ActionPlanRevision(
                **_meta(row),
                focus_area=areas.get(plan["focus_area_id"]),
                theme=plan["theme"],
                what=plan["what"],
                detail=plan["detail"],
                when=plan["due_text"],
                due_date=plan["due_date"],
                who=[owners[owner] for owner in plan["owner_ids"] if owner in owners],
                milestones=[
                    MilestonePlan(title=m["title"], when=m["due_text"], due_date=m["due_date"], status=m["status"])
                    for m in plan["milestones"]
                ],
                comments=plan["comments"],
                note=plan["note"],
            )
        )
    return Page[ActionPlanRevision].whole(items)


@router.get(
    "/projects/{key}/revisions",
    operation_id="project_revisions_list",
    tags=[Tag.projects],
    response_model=Page[ProjectPlanRevision],
    responses=problem_responses(404),
)
async def list_project_revisions(
    session: SessionDep, key: KeyPath, updated_since: UpdatedSince = None
) -> Page[ProjectPlanRevision]:
    """Every revision of a project's plan (title, lead, PID, deadline, focus areas, savings target), newest first."""
    project = await projects_service.get_project(session, key)
    owners, areas = await _names(session)
    items = []
    for row in await service.history(session, PlanKind.project, project.id, updated_since):
        plan = row.content
        items.append(
            ProjectPlanRevision(
                **_meta(row),
                title=plan["title"],
                description=plan["description"],
                lead=owners.get(plan["lead_owner_id"]) if plan["lead_owner_id"] else None,
                pid_status=plan["pid_status"],
                deadline=plan["deadline_text"],
                deadline_date=plan["deadline_date"],
                focus_areas=[areas[area] for area in plan["focus_area_ids"] if area in areas],
                savings_target_pence=plan["savings_target_pence"],
                savings_target_when=plan["savings_target_text"],
                note=plan["note"],
            )
        )
    return Page[ProjectPlanRevision].whole(items)


@router.get(
    "/projects/{key}/savings/{fy}/revisions",
    operation_id="project_savings_revisions_list",
    tags=[Tag.savings],
    response_model=Page[SavingsRevision],
    responses=problem_responses(404),
)
async def list_savings_revisions(
    session: SessionDep,
    key: KeyPath,
    fy: Annotated[SafeStr, Path(max_length=20, description="Financial year, e.g. FY2016-17.")],
    updated_since: UpdatedSince = None,
) -> Page[SavingsRevision]:
    """Every revision of a project's savings for a financial year (target, forecast, delivered), newest first."""
    project = await projects_service.get_project(session, key)
    year = savings.financial_year(fy, where=["path", "fy"])
    row_id = await session.scalar(
        select(ProjectSavings.id).where(ProjectSavings.project_id == project.id, ProjectSavings.financial_year == year)
    )
    if row_id is None:
        raise NotFound("savings", f"{key}/{year}")
    items = [
        SavingsRevision(
            **_meta(row),
            financial_year=row.content["financial_year"],
            target_pence=row.content["target_pence"],
            forecast_pence=row.content["forecast_pence"],
            delivered_pence=row.content["delivered_pence"],
            note=row.content["note"],
        )
        for row in await service.history(session, PlanKind.savings, row_id, updated_since)
    ]
    return Page[SavingsRevision].whole(items)
