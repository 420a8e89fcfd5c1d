"""Loading the accountability routing rules and the performance-challenge exception rules."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.governance.models import ExceptionRule, GovernanceBody, RoutingRule
from api.owners.models import Owner
from api.seeding.reader import SeedBundle
from api.seeding.sync import Tally, assign, outcome
from api.strategy.models import FocusArea


async def load_routing(
    session: AsyncSession, bundle: SeedBundle, areas: dict[str, FocusArea], owners: dict[str, Owner], tally: Tally
) -> None:
    bodies = {body.key: body for body in await session.scalars(select(GovernanceBody))}
    rules = {rule.key: rule for rule in await session.scalars(select(RoutingRule))}
    for source in bundle.routing.routing_rules:
        values: dict[str, object] = {
            "item_kind": source.item_kind,
            "kpi_tier": source.kpi_tier,
            "focus_area_id": areas[source.focus_area].id if source.focus_area else None,
            "owner_id": owners[source.owner].id if source.owner else None,
            "body_id": bodies[source.body].id,
            "report": source.report,
            "step": source.step,
            "note": source.note,
        }
        rule = rules.get(source.key)
        if rule is None:
            session.add(RoutingRule(key=source.key, **values))
        tally.record("routing_rules", outcome(rule is None, rule is not None and assign(rule, values)))
    exceptions = {rule.key: rule for rule in await session.scalars(select(ExceptionRule))}
    for found in bundle.routing.exception_rules:
        values = {
            "kind": found.kind,
            "threshold": found.threshold,
            "enabled": found.enabled,
            "description": found.description,
        }
        existing = exceptions.get(found.key)
        if existing is None:
            session.add(ExceptionRule(key=found.key, **values))
        tally.record("exception_rules", outcome(existing is None, existing is not None and assign(existing, values)))
    await session.flush()
