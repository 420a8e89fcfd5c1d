"""Writing commentary: who may, and every write as a revision and an audit event in the request's transaction.

Who may write commentary is who may write what it is about: on a KPI's figure, a key that may submit that KPI's
figures (`kpi:submit`, and the KPI among its `kpi_codes` if it is limited); on a progress update, a key that may
report progress on its action or project (`actions:write` or `projects:write`, and one of the item's owners among
its owners if it is limited). Editing and withdrawing take the same permission as writing, not authorship: the
commentary speaks for the item's owners, and a key is replaced when a person leaves or a key expires, while every
revision keeps who wrote it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions import service as action_service
from api.actions import writes as action_writes
from api.actions.models import BusinessImprovementAction
from api.audit import service as audit
from api.auth.deps import ensure
from api.auth.models import Scope
from api.auth.principal import Actor
from api.commentary import service
from api.commentary.models import Commentary, CommentaryRevision
from api.commentary.service import Subject
from api.db import utcnow
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, ProblemError
from api.kpis import service as kpi_service
from api.kpis import validation
from api.kpis.models import Kpi
from api.periods import Period
from api.progress.models import ProgressUpdate
from api.projects import service as project_service
from api.projects import writes as project_writes
from api.projects.models import TransformationProject
from api.versioning import Preconditions, claim

RESOURCE = "commentary"
Item = BusinessImprovementAction | TransformationProject


@dataclass(frozen=True)
class Target:
    """What a commentary is about, as a write needs it: how reads name it, and who may write about it."""

    subject: Subject
    scope: Scope
    grant: Callable[[Actor], None]  # 403 unless the key's limits reach the subject
    archived: bool
    name: str  # "KPI 'x'", "action 'y'"

    def authorise(self, actor: Actor) -> None:
        ensure(actor.principal, self.scope)
        self.grant(actor)


def kpi_target(kpi: Kpi) -> Target:
    def grant(actor: Actor) -> None:
        if not actor.principal.may_submit(kpi.code):
            raise Forbidden(
                f"This key ({actor.principal.name}) may not submit KPI '{kpi.code}', so it may not write commentary "
                "on its figures (see GET /api/v1/api-keys/current)."
            )

    return Target(Subject(kpi=kpi.code), Scope.kpi_submit, grant, kpi.archived_at is not None, f"KPI '{kpi.code}'")


def item_target(item: Item) -> Target:
    if isinstance(item, BusinessImprovementAction):
        action = item
        subject, scope, kind = Subject(action=action.key), Scope.actions_write, "action"

        def grant(actor: Actor) -> None:
            action_writes.grant_action(actor, action)
    else:
        project = item
        subject, scope, kind = Subject(project=project.key), Scope.projects_write, "project"

        def grant(actor: Actor) -> None:
            project_writes.grant_project(actor, project)

    return Target(subject, scope, grant, item.archived_at is not None, f"{kind} '{item.key}'")


async def target_of(session: AsyncSession, commentary: Commentary) -> Target:
    """What an existing commentary is about, loaded as its first writing needed it."""
    if commentary.kpi_id is not None:
        return kpi_target(await session.get_one(Kpi, commentary.kpi_id))
    action_key, project_key = (
        await session.execute(
            select(BusinessImprovementAction.key, TransformationProject.key)
            .select_from(ProgressUpdate)
            .outerjoin(BusinessImprovementAction, BusinessImprovementAction.id == ProgressUpdate.action_id)
            .outerjoin(TransformationProject, TransformationProject.id == ProgressUpdate.project_id)
            .where(ProgressUpdate.id == commentary.progress_update_id)
        )
    ).one()
    if action_key is not None:
        return item_target(await action_service.get_action(session, action_key))
    return item_target(await project_service.get_project(session, project_key))


async def progress_update(session: AsyncSession, item: Item, update_id: int) -> ProgressUpdate:
    """One of this action's or project's progress updates (404 if it is another's, or none)."""
    column = ProgressUpdate.action_id if isinstance(item, BusinessImprovementAction) else ProgressUpdate.project_id
    update = await session.scalar(select(ProgressUpdate).where(ProgressUpdate.id == update_id, column == item.id))
    if update is None:
        kind = "action" if isinstance(item, BusinessImprovementAction) else "project"
        raise NotFound(f"progress update of {kind} '{item.key}'", str(update_id))
    return update


def kpi_period(kpi: Kpi, text: str) -> Period:
    """The period a figure of this KPI could be for, as a figure's period is read and checked (422 otherwise)."""
    period = kpi_service.parse_period_param(text, "period", kpi, where="body")
    if (problem := validation.period_problem(period, kpi, date.today())) is not None:
        raise InvalidInput(problem, errors=[ProblemError(loc=["body", "period"], msg=problem)])
    return period


def snapshot(commentary: Commentary, subject: Subject) -> dict[str, Any]:
    """What the audit trail keeps of a commentary: what it is about, its text and whether it is withdrawn."""
    about = {
        "kpi": subject.kpi,
        "period": commentary.period,
        "action": subject.action,
        "project": subject.project,
        "progress_update_id": commentary.progress_update_id,
    }
    named = {name: value for name, value in about.items() if value is not None}
    return {**named, "text": commentary.text, "withdrawn_at": commentary.withdrawn_at}


def _revision(commentary: Commentary, actor: Actor, *, withdrawn: bool = False) -> CommentaryRevision:
    """The commentary's state as its latest revision, numbered as its version (which every write moves by one)."""
    return CommentaryRevision(
        commentary_id=commentary.id,
        revision=commentary.version,
        text=commentary.text,
        withdrawn=withdrawn,
        recorded_at=commentary.updated_at,
        recorded_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
    )


async def create(
    session: AsyncSession,
    target: Target,
    text: str,
    *,
    actor: Actor,
    kpi: Kpi | None = None,
    period: Period | None = None,
    update: ProgressUpdate | None = None,
) -> Commentary:
    """A new commentary (revision 1) on a KPI's figure for a period, or on a progress update, by a key the route
    has authorised for the target."""
    if target.archived:
        raise Conflict(f"The {target.name} is archived; it takes no more commentary.")
    now = utcnow()
    commentary = Commentary(
        kpi_id=kpi.id if kpi else None,
        period=period.code if period else None,
        period_end_date=period.end if period else None,
        progress_update_id=update.id if update else None,
        text=text,
        created_at=now,
        updated_at=now,
        created_by=actor.name,
        updated_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
    )
    session.add(commentary)
    await session.flush()
    session.add(_revision(commentary, actor))
    await session.flush()
    after = snapshot(commentary, target.subject)
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=str(commentary.id),
        action="create",
        after=after,
        version=commentary.version,
    )
    return commentary


async def _writable(
    session: AsyncSession, commentary_id: int, actor: Actor, conditions: Preconditions
) -> tuple[Commentary, Subject]:
    """The commentary, locked and re-read, once the key may write about its subject and the ETag is current."""
    found = await service.get_commentary(session, commentary_id)
    target = await target_of(session, found)
    target.authorise(actor)
    commentary = await claim(
        session,
        found,
        conditions,
        source=f"/api/v1/commentaries/{commentary_id}",
        reload=lambda: service.get_commentary(session, commentary_id, populate_existing=True),
    )
    return commentary, target.subject


async def edit(
    session: AsyncSession, commentary_id: int, text: str, *, actor: Actor, conditions: Preconditions
) -> tuple[Commentary, Subject]:
    """New text as a new revision; the same text changes nothing. A withdrawn commentary is not edited (409)."""
    commentary, subject = await _writable(session, commentary_id, actor, conditions)
    if commentary.withdrawn_at is not None:
        raise Conflict(f"Commentary {commentary_id} was withdrawn; write a new one instead of editing it.")
    if commentary.text == text:
        return commentary, subject
    before = snapshot(commentary, subject)
    commentary.text, commentary.updated_by, commentary.updated_at = text, actor.name, utcnow()
    await _save(session, commentary, subject, actor, "update", before)
    return commentary, subject


async def withdraw(
    session: AsyncSession, commentary_id: int, *, actor: Actor, conditions: Preconditions
) -> tuple[Commentary, Subject]:
    """Withdraw a commentary (a revision saying so; nothing is deleted). Withdrawing again changes nothing."""
    commentary, subject = await _writable(session, commentary_id, actor, conditions)
    if commentary.withdrawn_at is not None:
        return commentary, subject
    before = snapshot(commentary, subject)
    now = utcnow()
    commentary.withdrawn_at, commentary.updated_by, commentary.updated_at = now, actor.name, now
    await _save(session, commentary, subject, actor, "withdraw", before)
    return commentary, subject


async def _save(
    session: AsyncSession, commentary: Commentary, subject: Subject, actor: Actor, verb: str, before: dict[str, Any]
) -> None:
    await session.flush()  # the version moves on: the new revision takes its number
    session.add(_revision(commentary, actor, withdrawn=commentary.withdrawn_at is not None))
    await session.flush()
    was, now = audit.changes(before, snapshot(commentary, subject))
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=str(commentary.id),
        action=verb,
        before=was,
        after=now,
        version=commentary.version,
    )
