"""Editing the routing and exception rules (governance:write), every change audited."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import Conflict, InvalidInput, NotFound, ProblemError
from api.governance.models import ExceptionRule, GovernanceBody, ItemKind, RoutingRule
from api.governance.schemas import ExceptionRuleUpdate, RoutingRuleCreate, RoutingRuleUpdate
from api.owners.lookup import owners_named
from api.strategy.models import FocusArea
from api.versioning import Preconditions, claim_by_key, save_change


def snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {
        "item_kind": rule.item_kind,
        "kpi_tier": rule.kpi_tier,
        "focus_area": rule.focus_area.key if rule.focus_area else None,
        "owner": rule.owner.code if rule.owner else None,
        "body": rule.body.key,
        "report": rule.report,
        "step": rule.step,
        "note": rule.note,
        "archived_at": rule.archived_at,
    }


async def get_rule(session: AsyncSession, key: str, *, populate_existing: bool = False) -> RoutingRule:
    rule = await session.scalar(
        select(RoutingRule)
        .where(RoutingRule.key == key)
        .options(joinedload(RoutingRule.body), joinedload(RoutingRule.focus_area), joinedload(RoutingRule.owner))
        .execution_options(populate_existing=populate_existing)
    )
    if rule is None:
        raise NotFound("routing rule", key)
    return rule


async def _references(session: AsyncSession, fields: dict[str, Any]) -> dict[str, Any]:
    """Body, focus area and owner ids for the keys and codes a request names (422 for unknown ones)."""
    values: dict[str, Any] = {
        name: fields[name] for name in ("item_kind", "kpi_tier", "report", "step", "note") if name in fields
    }
    lookups = (
        ("body", GovernanceBody, GovernanceBody.key, "body_id"),
        ("focus_area", FocusArea, FocusArea.key, "focus_area_id"),
    )
    for name, model, column, target in lookups:
        if name in fields:
            found = await session.scalar(select(model.id).where(column == fields[name])) if fields[name] else None
            if fields[name] and found is None:
                raise InvalidInput(
                    f"No {name.replace('_', ' ')} '{fields[name]}'.",
                    errors=[ProblemError(loc=["body", name], msg="unknown")],
                )
            values[target] = found
    if "owner" in fields:
        values["owner_id"] = (
            (await owners_named(session, [fields["owner"]], field="owner"))[0].id if fields["owner"] else None
        )
    return values


def _check_kind(kind: ItemKind, tier: object) -> None:
    if tier is not None and kind is not ItemKind.kpi:
        raise InvalidInput(
            "kpi_tier applies only to rules for KPIs.",
            errors=[ProblemError(loc=["body", "kpi_tier"], msg="only for item_kind kpi")],
        )


async def create_rule(session: AsyncSession, data: RoutingRuleCreate, *, actor: Actor) -> RoutingRule:
    _check_kind(data.item_kind, data.kpi_tier)
    if await session.scalar(select(RoutingRule.id).where(RoutingRule.key == data.key)):
        raise Conflict(f"A routing rule with key '{data.key}' already exists.")
    session.add(RoutingRule(key=data.key, **await _references(session, data.model_dump(exclude={"key"}))))
    await session.flush()
    rule = await get_rule(session, data.key)
    await audit.record(
        session,
        actor,
        resource="routing_rule",
        key=rule.key,
        action="create",
        after=snapshot(rule),
        version=rule.version,
    )
    return rule


async def change_rule(
    session: AsyncSession, key: str, data: RoutingRuleUpdate | None, *, actor: Actor, conditions: Preconditions
) -> RoutingRule:
    """PATCH with ``data``, or archive when it is None."""

    async def reload() -> RoutingRule:
        return await get_rule(session, key, populate_existing=True)

    rule = await claim_by_key(session, get_rule, key, conditions, source=f"/api/v1/routing-rules/{key}")
    before, version = snapshot(rule), rule.version
    if data is None:
        rule.archived_at = rule.archived_at or utcnow()
    else:
        for name, value in (await _references(session, data.model_dump(exclude_unset=True))).items():
            setattr(rule, name, value)
        _check_kind(rule.item_kind, rule.kpi_tier)
    verb = "archive" if data is None else "update"
    return await save_change(
        session, reload, snapshot, actor=actor, resource="routing_rule", verb=verb, before=before, version=version
    )


async def get_exception_rule(session: AsyncSession, key: str, *, populate_existing: bool = False) -> ExceptionRule:
    rule = await session.scalar(
        select(ExceptionRule).where(ExceptionRule.key == key).execution_options(populate_existing=populate_existing)
    )
    if rule is None:
        raise NotFound("exception rule", key)
    return rule


async def change_exception_rule(
    session: AsyncSession, key: str, data: ExceptionRuleUpdate, *, actor: Actor, conditions: Preconditions
) -> ExceptionRule:
    rule = await claim_by_key(session, get_exception_rule, key, conditions, source=f"/api/v1/exception-rules/{key}")

    async def reload() -> ExceptionRule:
        return await get_exception_rule(session, key, populate_existing=True)

    fields = ("threshold", "enabled", "description")
    before, version = {name: getattr(rule, name) for name in fields}, rule.version
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(rule, name, value)
    return await save_change(
        session,
        reload,
        lambda r: {name: getattr(r, name) for name in fields},
        actor=actor,
        resource="exception_rule",
        verb="update",
        before=before,
        version=version,
    )
