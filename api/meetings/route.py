"""The strategy's route for procedure changes, read from the routing rules' steps (seed/README.md item 55: tested
with the ODG, step 1, then approved at CSMT, step 2): which decisions may move a procedure change, and how."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.errors import Conflict, InvalidInput, ProblemError
from api.governance import routing
from api.governance.models import RoutingRule
from api.meetings.models import Decision, DecisionItem, Meeting, MeetingStatus
from api.procedures import service as procedures
from api.procedures.models import ProcedureChange, ProcedureStatus
from api.versioning import lock

PREFIX = "procedure-change:"
VERBS = {ProcedureStatus.tested: "test", ProcedureStatus.approved: "approve", ProcedureStatus.rejected: "reject"}


def _step(rule: RoutingRule) -> int:
    return rule.step or routing.STEPLESS


def _names(rules: Sequence[RoutingRule]) -> str:
    return ", then ".join(rule.body.code or rule.body.name for rule in rules) or "no body"


async def _tested_at(session: AsyncSession, change: ProcedureChange, rule: RoutingRule, meeting: Meeting) -> bool:
    """Whether a meeting of the rule's body, on or before this meeting's date, decided the change was tested."""
    statement = (
        select(Decision.id)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .join(DecisionItem, DecisionItem.decision_id == Decision.id)
        .where(
            Meeting.body_id == rule.body_id,
            Meeting.meeting_date <= meeting.meeting_date,
            Meeting.status != MeetingStatus.cancelled,
            Decision.procedure_outcome == ProcedureStatus.tested,
            DecisionItem.ref == f"{PREFIX}{change.key}",
        )
        .limit(1)
    )
    return await session.scalar(statement) is not None


async def _check(
    session: AsyncSession, meeting: Meeting, change: ProcedureChange, rules: Sequence[RoutingRule], outcome: str
) -> None:
    """409 unless this meeting's body may give this outcome to the change, at this point of its route."""
    routes = routing.routes(rules, routing.procedure_facts(change))
    here = [rule for rule in routes if rule.body_id == meeting.body_id]
    body = meeting.body.code or meeting.body.name
    if not here:
        raise Conflict(
            f"Procedure change '{change.key}' goes to {_names(routes)} (the routing rules); {body} is not on its "
            "route, so its decisions cannot move it."
        )
    if change.status is ProcedureStatus.approved:
        raise Conflict(f"Procedure change '{change.key}' is already approved; propose a new change to alter it.")
    step = min(_step(rule) for rule in here)
    earlier = [rule for rule in routes if _step(rule) < step]
    later = [rule for rule in routes if _step(rule) > step]
    if outcome == ProcedureStatus.tested and earlier and not later:
        raise Conflict(
            f"{body} is the last step of procedure change '{change.key}''s route ({_names(routes)}): it approves or "
            "rejects a change, the bodies before it test it."
        )
    if outcome != ProcedureStatus.approved:
        return
    if change.status is ProcedureStatus.rejected:
        raise Conflict(f"Procedure change '{change.key}' was rejected: it must be tested again before approval.")
    for rule in earlier:
        if not await _tested_at(session, change, rule, meeting):
            where = rule.body.code or rule.body.name
            raise Conflict(
                f"Procedure change '{change.key}' cannot be approved at {body} yet: its route is {_names(routes)}, "
                f"and no decision of a meeting of the {where} on or before {meeting.meeting_date.isoformat()} has "
                f"tested it (routing rule '{rule.key}', step {rule.step}). Record the {where} decision first."
            )


async def changes_moved(
    session: AsyncSession, meeting: Meeting, refs: Sequence[str], outcome: str | None
) -> list[ProcedureChange]:
    """The procedure changes a decision with this outcome moves, locked, once the route allows it (409 if not)."""
    if outcome is None:
        return []
    keys = [ref.removeprefix(PREFIX) for ref in refs if ref.startswith(PREFIX)]
    if not keys:
        message = f"a procedure outcome needs at least one {PREFIX}<key> among the items it concerns"
        raise InvalidInput(message, errors=[ProblemError(loc=["body", "procedure_outcome"], msg=message)])
    rules = await routing.live_rules(session)
    changes = []
    for key in keys:

        async def reload(key: str = key) -> ProcedureChange:
            return await procedures.get_change(session, key, populate_existing=True)

        change = await lock(session, await procedures.get_change(session, key), reload)
        await _check(session, meeting, change, rules, outcome)
        changes.append(change)
    return changes


async def move(
    session: AsyncSession, changes: Sequence[ProcedureChange], outcome: ProcedureStatus, actor: Actor
) -> None:
    """Give each change the decision's outcome, audited as the decision's author's."""
    for change in changes:
        before = procedures.snapshot(change)
        change.status = outcome
        await session.flush()
        change = await procedures.get_change(session, change.key, populate_existing=True)
        was, now = audit.changes(before, procedures.snapshot(change))
        if now:
            await audit.record(
                session,
                actor,
                resource=procedures.RESOURCE,
                key=change.key,
                action=VERBS[outcome],
                before=was,
                after=now,
                version=change.version,
            )
