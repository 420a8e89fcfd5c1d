"""Signing off a KPI's figure: an accountable officer approves the latest revision, or returns it with reasons.

Who may: a key with the `approve` scope, limited (like every owner-limited key) to the KPIs its owners are
accountable for by their return schedules (api/returns/); a key for any owner approves any KPI, and a KPI with no
schedule only such a key. Four eyes: the key that submitted a revision never approves it. Every decision is audited
(resource kpi_value, action approve or return) so it shows in the change feed and the figure's history.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import lock_rows
from api.errors import Conflict, Forbidden, InvalidInput, ProblemError
from api.kpis import service as kpi_service
from api.kpis.models import Kpi, KpiValue, Scope, ScopeKind, Tier
from api.kpis.schemas import KpiValueRead
from api.opendata.schemas import PREFIX as OPEN_DATA_PREFIX
from api.owners.models import Owner
from api.returns.models import KpiReturnSchedule
from api.signoffs.models import Decision, KpiValueSignOff, SignOffState
from api.signoffs.schemas import KpiValueSigned, SignOffIn, SignOffRead
from api.versioning import Preconditions
from api.webhooks import events as webhook_events
from api.webhooks.models import WebhookEventType

ACTIONS = {Decision.approved: "approve", Decision.returned: "return"}


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=["body", field], msg=message)])


async def accountable_owner(session: AsyncSession, kpi: Kpi) -> Owner | None:
    """Who is accountable for a KPI's figures: its return schedule's accountable owner (None: no schedule)."""
    return await session.scalar(
        select(Owner)
        .join(KpiReturnSchedule, KpiReturnSchedule.accountable_owner_id == Owner.id)
        .where(KpiReturnSchedule.kpi_id == kpi.id)
    )


def _grant(actor: Actor, kpi: Kpi, owner: Owner | None, value: KpiValue, decision: Decision) -> None:
    principal = actor.principal
    if not principal.may_submit(kpi.code):
        raise Forbidden(f"This key ({principal.name}) may not sign off KPI '{kpi.code}'.")
    if principal.owner_ids is not None and (owner is None or not principal.may_write_for([owner.id])):
        whose = f"its accountable owner is {owner.code}" if owner else "it has no return schedule naming an owner"
        raise Forbidden(
            f"This key may sign off only its owners' KPIs, and {kpi.code} is not one of them ({whose}; see "
            "GET /api/v1/api-keys/current)."
        )
    submitter = value.submitted_by_key_id
    if decision is Decision.approved and submitter is not None and submitter == principal.api_key_pk:
        raise Forbidden(
            f"Four eyes: this key submitted revision {value.revision} of the figure, so another key must approve it."
        )


async def _latest(session: AsyncSession, kpi: Kpi, period: str, scope_key: str | None) -> KpiValue:
    value = await kpi_service.latest_value(
        session, kpi, kpi_service.parse_period_param(period, "period", kpi, where="path"), scope_key
    )
    if kpi.tier is Tier.context:
        message = f"{kpi.code} is a context figure (a profile of the borough published by others): no sign-off."
        raise InvalidInput(message, errors=[ProblemError(loc=["path", "code"], msg=message)])
    if value.scope.kind is ScopeKind.comparator:
        message = f"{value.scope.name}'s figures are a comparator's (published by others): they are not signed off."
        raise InvalidInput(message, errors=[ProblemError(loc=["query", "scope"], msg=message)])
    return value


def _check_revision(value: KpiValue, data: SignOffIn, conditions: Preconditions, source: str) -> None:
    """The revision decided on is still the latest: named in the body (409 if not) or by If-Match (412)."""
    if data.revision is None:
        conditions.require(source)
    conditions.check(value.revision)
    if data.revision is not None and data.revision != value.revision:
        raise Conflict(
            f"Revision {data.revision} is not the figure's latest: it has been corrected (now revision "
            f"{value.revision}). Read it again and decide on the figure as it now stands."
        )


async def decide(
    session: AsyncSession,
    code: str,
    period: str,
    scope_key: str | None,
    data: SignOffIn,
    *,
    actor: Actor,
    conditions: Preconditions,
) -> KpiValue:
    """Approve or return the latest revision of a figure; the value, as it now stands at sign-off."""
    if data.decision is Decision.returned and not data.reasons:
        raise _refuse("reasons", "Say why the figure is returned: reasons are required.")
    kpi = await kpi_service.kpi_by_code(session, code)
    await lock_rows(session, "kpi", [kpi.id])  # as writers of its figures do: no correction slips in meanwhile
    value = await _latest(session, kpi, period, scope_key)
    _check_revision(value, data, conditions, f"/api/v1/kpis/{code}/values/{period}")
    done = await session.scalar(select(KpiValueSignOff).where(KpiValueSignOff.kpi_value_id == value.id))
    if done is not None:
        raise Conflict(
            f"Revision {value.revision} was already {done.decision.value} by {done.decided_by} at "
            f"{done.decided_at.isoformat()}; a corrected figure (a new revision) needs a decision of its own."
        )
    _grant(actor, kpi, await accountable_owner(session, kpi), value, data.decision)
    sign_off = KpiValueSignOff(
        kpi_value_id=value.id,
        decision=data.decision,
        reasons=data.reasons,
        decided_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
        request_id=actor.request_id,
    )
    session.add(sign_off)
    await session.flush()
    await audit.record(
        session,
        actor,
        resource="kpi_value",
        key=f"{kpi.code}/{value.scope.key}/{value.period}",
        action=ACTIONS[data.decision],
        after={"revision": value.revision, "decision": data.decision.value, "reasons": data.reasons},
        version=value.revision,
    )
    if data.decision is Decision.approved:
        await _announce(session, kpi, value, sign_off)
    return value


async def _announce(session: AsyncSession, kpi: Kpi, value: KpiValue, sign_off: KpiValueSignOff) -> None:
    """Webhooks, in the approval's transaction: kpi_value.approved, and kpi_value.published as well when the figure
    is a Council Plan KPI's for the borough, which open data serves from now on."""
    announced = {
        "kpi": kpi.code,
        "title": kpi.title,
        "scope": value.scope.key,
        "period": value.period,
        "revision": value.revision,
        "value": value.value,
        "status_symbol": value.status_symbol,
        "approved_at": sign_off.decided_at,
        "approved_by": sign_off.decided_by,
        "url": f"/api/v1/kpis/{kpi.code}/values/{value.period}?scope={value.scope.key}",
    }
    await webhook_events.emit(
        session, WebhookEventType.kpi_value_approved, announced, dedupe_key=f"kpi_value.approved:{value.id}"
    )
    if kpi.tier is Tier.council_plan and value.scope.kind is ScopeKind.borough:
        published = announced | {"open_data_url": f"{OPEN_DATA_PREFIX}/council-plan-kpis/{kpi.code}"}
        await webhook_events.emit(
            session, WebhookEventType.kpi_value_published, published, dedupe_key=f"kpi_value.published:{value.id}"
        )


def read(sign_off: KpiValueSignOff | None) -> SignOffRead | None:
    if sign_off is None:
        return None
    return SignOffRead(
        decision=sign_off.decision,
        reasons=sign_off.reasons,
        decided_at=sign_off.decided_at,
        decided_by=sign_off.decided_by,
    )


async def signed(session: AsyncSession, kpi: Kpi, values: Sequence[KpiValue]) -> list[KpiValueSigned]:
    """Revisions of a KPI's figures (scopes loaded) as read with their sign-off: two queries for any number."""
    if not values:
        return []
    rows = await session.execute(
        select(KpiValue.id, KpiValue.scope_id, KpiValue.period, KpiValue.revision, KpiValueSignOff)
        .outerjoin(KpiValueSignOff, KpiValueSignOff.kpi_value_id == KpiValue.id)
        .where(
            KpiValue.kpi_id == kpi.id,
            KpiValue.scope_id.in_({value.scope_id for value in values}),
            KpiValue.period.in_({value.period for value in values}),
        )
    )
    latest: dict[tuple[int, str], int] = defaultdict(int)
    approved: dict[tuple[int, str], int] = {}
    decisions: dict[int, KpiValueSignOff] = {}
    for value_id, scope_id, period, revision, sign_off in rows:
        figure = (scope_id, period)
        latest[figure] = max(latest[figure], revision)
        if sign_off is not None:
            decisions[value_id] = sign_off
            if sign_off.decision is Decision.approved and revision > approved.get(figure, 0):
                approved[figure] = revision
    return [_signed(kpi, value, decisions.get(value.id), latest, approved) for value in values]


def _signed(
    kpi: Kpi,
    value: KpiValue,
    sign_off: KpiValueSignOff | None,
    latest: dict[tuple[int, str], int],
    approved: dict[tuple[int, str], int],
) -> KpiValueSigned:
    figure = (value.scope_id, value.period)
    extra: dict[str, Any] = {"sign_off": read(sign_off), "approved_revision": approved.get(figure)}
    extra["sign_off_state"] = state_of(kpi, value.scope, sign_off, value.revision == latest[figure])
    return KpiValueSigned(**KpiValueRead.model_validate(value).model_dump(), **extra)


def signed_off(kpi: Kpi, scope: Scope) -> bool:
    """Whether a figure is signed off at all: the council's own figures are, a comparator's (DfE's, England's) and a
    context KPI's (a profile of the borough published by others, with no target) are not."""
    return scope.kind is not ScopeKind.comparator and kpi.tier is not Tier.context


def state_of(kpi: Kpi, scope: Scope, sign_off: KpiValueSignOff | None, latest: bool) -> SignOffState | None:
    if not signed_off(kpi, scope):
        return None
    if sign_off is not None:
        return SignOffState(sign_off.decision.value)
    return SignOffState.awaiting_sign_off if latest else SignOffState.superseded
