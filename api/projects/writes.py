"""Creating, changing and archiving transformation projects, and their savings by financial year."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.delivery import parse_due
from api.errors import Conflict, Forbidden, InvalidInput, ProblemError
from api.owners.lookup import owners_named
from api.owners.models import Owner
from api.projects import service
from api.projects.models import ProjectFocusArea, TransformationProject
from api.projects.schemas import ProjectCreate, ProjectUpdate
from api.revisions import service as revisions
from api.revisions.models import PlanKind
from api.strategy.models import FocusArea
from api.versioning import Preconditions, claim_by_key, save_change

RESOURCE = "project"
PLAIN_FIELDS = ("title", "description", "pid_status", "savings_target_pence", "note")


def snapshot(project: TransformationProject) -> dict[str, Any]:
    """What the audit trail keeps of a project."""
    return {
        "title": project.title,
        "description": project.description,
        "focus_areas": project.focus_areas,
        "lead": project.lead.code if project.lead else None,
        "pid_status": project.pid_status,
        "deadline": project.deadline_text,
        "savings_target_pence": project.savings_target_pence,
        "savings_target_when": project.savings_target_text,
        "note": project.note,
        "archived_at": project.archived_at,
    }


def grant(actor: Actor, lead: Owner | None, what: str) -> None:
    """An owner-limited key writes only the projects its owners lead."""
    if not actor.principal.may_write_for([lead.id] if lead else []):
        raise Forbidden(f"This key may write only projects its owners lead; {what} (see GET /api/v1/api-keys/current).")


def grant_project(actor: Actor, project: TransformationProject) -> None:
    grant(actor, project.lead, f"'{project.key}' is led by {project.lead.code if project.lead else 'nobody'}")


async def _lead(session: AsyncSession, code: str | None) -> Owner | None:
    return (await owners_named(session, [code], field="lead"))[0] if code else None


async def _focus_links(session: AsyncSession, keys: list[str]) -> list[ProjectFocusArea]:
    areas = {area.key: area for area in await session.scalars(select(FocusArea).where(FocusArea.key.in_(keys)))}
    unknown = [
        ProblemError(loc=["body", "focus_areas", i], msg=f"no focus area '{key}'")
        for i, key in enumerate(keys)
        if key not in areas
    ]
    if unknown or len(set(keys)) != len(keys):
        raise InvalidInput("The focus areas must exist and be listed once each.", errors=unknown)
    return [ProjectFocusArea(focus_area_id=areas[key].id, position=i) for i, key in enumerate(keys)]


def _dates(deadline: str | None, savings_when: str | None) -> dict[str, Any]:
    due, savings_by = parse_due(deadline), parse_due(savings_when)
    return {
        "deadline_text": due.text,
        "deadline_kind": due.kind,
        "deadline_date": due.due_date,
        "savings_target_text": savings_by.text,
        "savings_target_date": savings_by.due_date,
    }


async def create_project(session: AsyncSession, data: ProjectCreate, *, actor: Actor) -> TransformationProject:
    lead = await _lead(session, data.lead)
    grant(actor, lead, "name one of them as lead")
    links = await _focus_links(session, data.focus_areas)
    if await session.scalar(select(TransformationProject.id).where(TransformationProject.key == data.key)):
        raise Conflict(f"A project with key '{data.key}' already exists.")
    fields = {name: getattr(data, name) for name in PLAIN_FIELDS}
    session.add(
        TransformationProject(
            key=data.key,
            lead_owner_id=lead.id if lead else None,
            focus_area_links=links,
            **fields,
            **_dates(data.deadline, data.savings_target_when),
        )
    )
    await session.flush()
    project = await service.get_project(session, data.key)
    await revisions.record_for(session, PlanKind.project, [project.id], actor)
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=project.key,
        action="create",
        after=snapshot(project),
        version=project.version,
    )
    return project


async def writable(session: AsyncSession, key: str, actor: Actor, conditions: Preconditions) -> TransformationProject:
    """The project, locked, once the preconditions hold and the key may write it."""
    project = await claim_by_key(session, service.get_project, key, conditions, source=f"/api/v1/projects/{key}")
    grant_project(actor, project)
    return project


async def update_project(
    session: AsyncSession, key: str, data: ProjectUpdate, *, actor: Actor, conditions: Preconditions
) -> TransformationProject:
    project = await writable(session, key, actor, conditions)
    changes = data.model_dump(exclude_unset=True)
    before, version = snapshot(project), project.version
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(project, name, changes[name])
    if "lead" in changes:
        lead = await _lead(session, data.lead)
        grant(actor, lead, "a project cannot be handed to a lead outside the key's owners")
        project.lead_owner_id = lead.id if lead else None
    if {"deadline", "savings_target_when"} & changes.keys():
        dates = _dates(
            changes.get("deadline", project.deadline_text),
            changes.get("savings_target_when", project.savings_target_text),
        )
        for name, value in dates.items():
            setattr(project, name, value)
    if data.focus_areas is not None:
        links = await _focus_links(session, data.focus_areas)
        project.focus_area_links.clear()
        await session.flush()
        project.focus_area_links.extend(links)
    return await _save(session, project, actor, "update", before, version)


async def archive_project(
    session: AsyncSession, key: str, *, actor: Actor, conditions: Preconditions
) -> TransformationProject:
    project = await writable(session, key, actor, conditions)
    if project.archived_at is not None:
        return project
    before, version = snapshot(project), project.version
    project.archived_at = utcnow()
    return await _save(session, project, actor, "archive", before, version)


async def _save(
    session: AsyncSession,
    project: TransformationProject,
    actor: Actor,
    verb: str,
    before: dict[str, Any],
    version: int,
) -> TransformationProject:
    async def reload() -> TransformationProject:
        return await service.get_project(session, project.key, populate_existing=True)

    saved = await save_change(
        session, reload, snapshot, actor=actor, resource=RESOURCE, verb=verb, before=before, version=version
    )
    await revisions.record_for(session, PlanKind.project, [saved.id], actor)
    return saved
