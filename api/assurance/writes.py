"""Recording, changing and archiving assurance activities: the programme's rules, object grants, ETags and the
audit trail, in the request's transaction.

Rules (checked on the whole activity as it would stand, so a PATCH that changes the kind is checked too):
- a practice observation names its setting (LAC review, CP conference, TAF or other); no other kind has one;
- a grading (Ofsted's four-point scale) is for case file audits, practice observations, team performance reviews
  and multi-agency audits; member visits and thematic reviews take none, as they judge no piece of practice;
- a team is needed, and must be a team (not the borough, a locality or a comparator), except for multi-agency
  audits and thematic reviews, which may span teams; those are led by the LSCB unless another body is named;
- it was carried out on a date that has come.
A key limited to owners may write only the activities of teams its owners' services hold (an activity without a
team needs an unrestricted key).
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.actions.models import BusinessImprovementAction
from api.assurance import service
from api.assurance.models import (
    CROSS_TEAM_KINDS,
    UNGRADED_KINDS,
    AssuranceActionLink,
    AssuranceActivity,
    AssuranceKind,
    AssuranceTheme,
)
from api.assurance.schemas import ActionLinkIn, AssuranceCreate, AssuranceUpdate
from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import Forbidden, InvalidInput, ProblemError
from api.governance.models import GovernanceBody
from api.kpis.models import Scope, ScopeKind
from api.versioning import Preconditions, claim

AUDITED = "assurance_activity"
LSCB = "lscb"  # the body that leads multi-agency audits and thematic reviews (6g)


def snapshot(activity: AssuranceActivity) -> dict[str, Any]:
    """What the audit trail keeps of an activity."""
    return {
        "kind": activity.kind,
        "setting": activity.setting,
        "team": activity.team.key if activity.team else None,
        "carried_out_on": activity.carried_out_on,
        "carried_out_by_role": activity.carried_out_by_role,
        "lead_body": activity.lead_body.key if activity.lead_body else None,
        "grading": activity.grading,
        "themes": [theme.theme for theme in activity.themes],
        "findings": activity.findings,
        "learning": activity.learning,
        "actions": [f"{link.relation.value}:{link.action.key}" for link in activity.action_links],
        "archived_at": activity.archived_at,
    }


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=["body", field], msg=message)])


def _authorise(actor: Actor, *teams: Scope | None) -> None:
    """A key limited to owners writes only activities of its owners' services' teams."""
    if actor.principal.owner_ids is None:
        return
    for team in teams:
        owner = team.service_owner_id if team is not None else None
        if owner is None or not actor.principal.may_write_for([owner]):
            raise Forbidden(
                f"This key ({actor.principal.name}) may write only the assurance activities of its own owners' "
                "services' teams (an activity without a team, or of a team without a service, needs an unrestricted "
                "key)."
            )


async def _team(session: AsyncSession, key: str) -> Scope:
    team = await session.scalar(select(Scope).where(Scope.key == key))
    if team is None:
        raise _invalid("team", f"No team with key '{key}'.")
    if team.kind is not ScopeKind.team:
        raise _invalid("team", f"'{key}' is a {team.kind.value}, not a team.")
    return team


async def _body(session: AsyncSession, key: str) -> GovernanceBody:
    body = await session.scalar(select(GovernanceBody).where(GovernanceBody.key == key))
    if body is None:
        raise _invalid("lead_body", f"No governance body with key '{key}'.")
    return body


async def _links(session: AsyncSession, items: list[ActionLinkIn]) -> list[AssuranceActionLink]:
    keys = [item.action for item in items]
    found = {
        action.key: action
        for action in await session.scalars(
            select(BusinessImprovementAction).where(BusinessImprovementAction.key.in_(keys))
        )
    }
    for index, key in enumerate(keys):
        if key not in found:
            message = f"No business improvement action with key '{key}'."
            raise InvalidInput(message, errors=[ProblemError(loc=["body", "actions", index, "action"], msg=message)])
    return [
        AssuranceActionLink(
            action=found[item.action], action_id=found[item.action].id, position=n, relation=item.relation
        )
        for n, item in enumerate(items, 1)
    ]


def _check(activity: AssuranceActivity) -> None:
    """The programme's rules over the activity as it would stand (422 naming the field)."""
    kind = activity.kind
    if kind is AssuranceKind.practice_observation and activity.setting is None:
        raise _invalid("setting", "A practice observation names its setting: lac_review, cp_conference, taf or other.")
    if kind is not AssuranceKind.practice_observation and activity.setting is not None:
        raise _invalid("setting", f"Only a practice observation has a setting, not a {kind.value}.")
    if kind in UNGRADED_KINDS and activity.grading is not None:
        raise _invalid("grading", f"A {kind.value} takes no grading: it judges no piece of practice.")
    if activity.team is None and kind not in CROSS_TEAM_KINDS:
        raise _invalid("team", f"A {kind.value} is of a team: name it (only LSCB-led work may span teams).")
    if activity.carried_out_on > date.today():
        raise _invalid("carried_out_on", "An activity is recorded once carried out: this date has not come yet.")


async def _default_lead(session: AsyncSession, activity: AssuranceActivity) -> None:
    """The LSCB leads multi-agency audits and thematic reviews unless another body is named."""
    if activity.lead_body is None and activity.kind in CROSS_TEAM_KINDS:
        activity.lead_body = await session.scalar(select(GovernanceBody).where(GovernanceBody.key == LSCB))


async def create(session: AsyncSession, data: AssuranceCreate, *, actor: Actor) -> AssuranceActivity:
    team = await _team(session, data.team) if data.team else None
    _authorise(actor, team)
    now = utcnow()
    activity = AssuranceActivity(
        kind=data.kind,
        setting=data.setting,
        team=team,
        carried_out_on=data.carried_out_on,
        carried_out_by_role=data.carried_out_by_role,
        lead_body=await _body(session, data.lead_body) if data.lead_body else None,
        grading=data.grading,
        findings=data.findings,
        learning=data.learning,
        created_at=now,
        updated_at=now,
        created_by=actor.name,
        updated_by=actor.name,
        themes=[AssuranceTheme(theme=theme, position=n) for n, theme in enumerate(data.themes, 1)],
        action_links=await _links(session, data.actions),
    )
    _check(activity)
    await _default_lead(session, activity)
    session.add(activity)
    await session.flush()
    activity = await service.get_activity(session, activity.id)
    await audit.record(
        session,
        actor,
        resource=AUDITED,
        key=str(activity.id),
        action="create",
        after=snapshot(activity),
        version=activity.version,
    )
    return activity


async def _writable(
    session: AsyncSession, activity_id: int, actor: Actor, conditions: Preconditions
) -> AssuranceActivity:
    """The activity, locked and re-read, once the key may write it and the ETag is current."""
    found = await service.get_activity(session, activity_id)
    _authorise(actor, found.team)
    return await claim(
        session,
        found,
        conditions,
        source=f"/api/v1/assurance-activities/{activity_id}",
        reload=lambda: service.get_activity(session, activity_id, populate_existing=True),
    )


async def update(
    session: AsyncSession, activity_id: int, data: AssuranceUpdate, *, actor: Actor, conditions: Preconditions
) -> AssuranceActivity:
    activity = await _writable(session, activity_id, actor, conditions)
    before = snapshot(activity)
    await _replace_lists(session, activity, data)  # first: their flush must not write the row itself
    changes = data.model_dump(exclude_unset=True)
    if "team" in changes:
        activity.team = await _team(session, data.team) if data.team else None
        _authorise(actor, activity.team)
    if "lead_body" in changes:
        activity.lead_body = await _body(session, data.lead_body) if data.lead_body else None
    for name in ("kind", "setting", "carried_out_on", "carried_out_by_role", "grading", "findings", "learning"):
        if name in changes:
            setattr(activity, name, getattr(data, name))
    _check(activity)
    if "lead_body" not in changes:
        await _default_lead(session, activity)
    return await _save(session, activity, actor, "update", before)


async def _replace_lists(session: AsyncSession, activity: AssuranceActivity, data: AssuranceUpdate) -> None:
    """New themes and action links, when sent and different; the old rows go first, as the new take their places."""
    if data.themes is not None and data.themes != [theme.theme for theme in activity.themes]:
        activity.themes.clear()
        await session.flush()
        activity.themes.extend(AssuranceTheme(theme=theme, position=n) for n, theme in enumerate(data.themes, 1))
    if data.actions is not None:
        links = await _links(session, data.actions)
        if [(link.action_id, link.relation) for link in links] != [
            (link.action_id, link.relation) for link in activity.action_links
        ]:
            activity.action_links.clear()
            await session.flush()
            activity.action_links.extend(links)


async def archive(
    session: AsyncSession, activity_id: int, *, actor: Actor, conditions: Preconditions
) -> AssuranceActivity:
    """Archive an activity: lists, reports and packs leave it out; it stays readable. Again changes nothing."""
    activity = await _writable(session, activity_id, actor, conditions)
    before = snapshot(activity)
    activity.archived_at = activity.archived_at or utcnow()
    return await _save(session, activity, actor, "archive", before)


async def _save(
    session: AsyncSession, activity: AssuranceActivity, actor: Actor, verb: str, before: dict[str, Any]
) -> AssuranceActivity:
    """Write the change and audit what changed; nothing changed, nothing written. The row itself is written
    whatever changed (its author and time at least), so a change to its themes or actions alone moves its version
    too, and the ETag covers them."""
    was, now = audit.changes(before, snapshot(activity))
    if not now:
        return activity
    activity.updated_at, activity.updated_by = utcnow(), actor.name
    await session.flush()
    activity = await service.get_activity(session, activity.id, populate_existing=True)
    await audit.record(
        session,
        actor,
        resource=AUDITED,
        key=str(activity.id),
        action=verb,
        before=was,
        after=now,
        version=activity.version,
    )
    return activity
