"""The approvers' queue: the latest revision of each of the council's own figures, by where it stands at sign-off."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.errors import InvalidInput, ProblemError
from api.kpis import scopes
from api.kpis import service as kpi_service
from api.kpis.models import Kpi, KpiValue, Scope, ScopeKind, Tier
from api.owners.models import Owner
from api.pagination import fetch_page
from api.returns.models import KpiReturnSchedule
from api.signoffs.models import Decision, KpiValueSignOff
from api.signoffs.schemas import SignOffItem, SignOffQuery
from api.signoffs.service import read, state_of


def _unknown(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors=[ProblemError(loc=["query", name], msg=message)])


async def _filters(session: AsyncSession, query: SignOffQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.owner is not None:
        owner_id = await session.scalar(select(Owner.id).where(Owner.code == query.owner))
        if owner_id is None:
            raise _unknown("owner", f"'{query.owner}' is not an owner code")
        found.append(KpiReturnSchedule.accountable_owner_id == owner_id)
    if query.kpi is not None:
        kpi_id = await session.scalar(select(Kpi.id).where(Kpi.code == query.kpi))
        if kpi_id is None:
            raise _unknown("kpi", f"'{query.kpi}' is not a KPI code")
        found.append(KpiValue.kpi_id == kpi_id)
    if query.scope is not None:
        scope = (await scopes.resolve(session, [query.scope])).get(query.scope)
        if scope is None:
            raise _unknown("scope", f"'{query.scope}' is not a scope")
        found.append(KpiValue.scope_id == scope.id)
    if query.state == "awaiting_sign_off":
        found.append(KpiValueSignOff.id.is_(None))
    else:
        found.append(KpiValueSignOff.decision == Decision(query.state))
    if query.updated_since is not None:
        found.append(
            or_(KpiValue.submitted_at >= query.updated_since, KpiValueSignOff.decided_at >= query.updated_since)
        )
    return found


async def list_queue(session: AsyncSession, query: SignOffQuery) -> tuple[list[SignOffItem], int]:
    """One page of the figures whose latest revision stands as asked, oldest submission first, and the total."""
    statement = (
        select(KpiValue)
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .join(Scope, Scope.id == KpiValue.scope_id)
        .outerjoin(KpiValueSignOff, KpiValueSignOff.kpi_value_id == KpiValue.id)
        .outerjoin(KpiReturnSchedule, KpiReturnSchedule.kpi_id == KpiValue.kpi_id)
        .where(Kpi.archived_at.is_(None), Kpi.tier != Tier.context, Scope.kind != ScopeKind.comparator)
        .where(kpi_service.latest_revision())
        .where(*await _filters(session, query))
        .options(joinedload(KpiValue.scope))
        .order_by(KpiValue.submitted_at, KpiValue.id)
    )
    values, total = await fetch_page(session, statement, query)
    return await _items(session, values), total


async def _items(session: AsyncSession, values: Sequence[KpiValue]) -> list[SignOffItem]:
    ids = [value.id for value in values]
    if not ids:
        return []
    rows = await session.execute(
        select(KpiValue.id, Kpi, Owner.code, KpiValueSignOff)
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .outerjoin(KpiValueSignOff, KpiValueSignOff.kpi_value_id == KpiValue.id)
        .outerjoin(KpiReturnSchedule, KpiReturnSchedule.kpi_id == KpiValue.kpi_id)
        .outerjoin(Owner, Owner.id == KpiReturnSchedule.accountable_owner_id)
        .where(KpiValue.id.in_(ids))
    )
    facts = {value_id: (kpi, owner, sign_off) for value_id, kpi, owner, sign_off in rows}
    items = []
    for value in values:
        kpi, owner, sign_off = facts[value.id]
        state = state_of(kpi, value.scope, sign_off, latest=True)
        assert state is not None
        items.append(
            SignOffItem(
                kpi=kpi.code,
                kpi_title=kpi.title,
                tier=kpi.tier,
                scope=value.scope.key,
                period=value.period,
                period_type=value.period_type,
                period_start_date=value.period_start_date,
                period_end_date=value.period_end_date,
                revision=value.revision,
                value=value.value,
                status_symbol=value.status_symbol,
                provisional=value.provisional,
                submitted_at=value.submitted_at,
                submitted_by=value.submitted_by,
                accountable_owner=owner,
                sign_off_state=state,
                sign_off=read(sign_off),
            )
        )
    return items
