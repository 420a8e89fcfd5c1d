"""Which governance bodies an item reports to, decided by the routing rules (data, not code)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from api.actions import service as actions_service
from api.actions.live import LiveAction
from api.actions.models import BusinessImprovementAction
from api.assurance import service as assurance_service
from api.assurance.service import KnownActivity
from api.errors import InvalidInput, NotFound, ProblemError
from api.governance.models import ItemKind, RoutingRule
from api.kpis import service as kpis_service
from api.kpis.models import Kpi, Tier
from api.procedures import service as procedures_service
from api.procedures.models import ProcedureChange
from api.projects import service as projects_service
from api.projects.live import LiveProject
from api.returns.book import KpiReturn
from api.strategy.models import FocusArea

STEPLESS = 1_000  # after every step a rule can have
PREFIXES = {
    "action": ItemKind.business_improvement_action,
    "project": ItemKind.transformation_project,
    "kpi": ItemKind.kpi,
    "exception": ItemKind.performance_exception,
    "focus-area": ItemKind.focus_area_progress,
    "procedure-change": ItemKind.procedure_change,
}
ASSURANCE = "assurance"  # assurance:<id>: routed by the activity's kind (ItemKind names each)
ITEMS = (
    "action:<key>, project:<key>, kpi:<code>, focus-area:<key>, assurance:<id>, procedure-change:<key> or "
    "exception:<item>"
)


@dataclass(frozen=True)
class Facts:
    """What rules can filter on: an item's kind, KPI tier, focus areas and owners."""

    kind: ItemKind
    ref: str
    title: str
    tier: Tier | None = None
    focus_area_ids: frozenset[int] = frozenset()
    owner_ids: frozenset[int] = frozenset()


def matches(rule: RoutingRule, facts: Facts) -> bool:
    return (
        rule.item_kind is facts.kind
        and (rule.kpi_tier is None or rule.kpi_tier == facts.tier)
        and (rule.focus_area_id is None or rule.focus_area_id in facts.focus_area_ids)
        and (rule.owner_id is None or rule.owner_id in facts.owner_ids)
    )


async def live_rules(session: AsyncSession, known_at: datetime | None = None) -> Sequence[RoutingRule]:
    """The rules in force now, or at ``known_at``: made by then and not archived by then."""
    rule = RoutingRule
    statement = select(rule).options(joinedload(rule.body), joinedload(rule.focus_area), joinedload(rule.owner))
    if known_at is None:
        statement = statement.where(rule.archived_at.is_(None))
    else:
        statement = statement.where(
            rule.created_at <= known_at, or_(rule.archived_at.is_(None), rule.archived_at > known_at)
        )
    return (await session.scalars(statement.order_by(rule.key))).all()


def action_facts(action: BusinessImprovementAction | LiveAction) -> Facts:
    return Facts(
        ItemKind.business_improvement_action,
        f"action:{action.key}",
        action.what,
        focus_area_ids=frozenset({action.focus_area_id}),
        owner_ids=frozenset(o.id for o in action.owners),
    )


def project_facts(project: LiveProject) -> Facts:
    return Facts(
        ItemKind.transformation_project,
        f"project:{project.key}",
        project.title,
        focus_area_ids=frozenset(project.focus_area_ids),
        owner_ids=frozenset({project.lead_owner_id} if project.lead_owner_id else ()),
    )


def kpi_facts(kpi: Kpi) -> Facts:
    areas = frozenset({kpi.focus_area_id} if kpi.focus_area_id else ())
    return Facts(ItemKind.kpi, f"kpi:{kpi.code}", kpi.title, tier=kpi.tier, focus_area_ids=areas)


def return_facts(item: KpiReturn) -> Facts:
    """A KPI's return routes by the KPI (its tier and focus area) and by who is accountable for it and submits it."""
    kpi = item.kpi
    areas = frozenset({kpi.focus_area_id} if kpi.focus_area_id else ())
    title = f"{kpi.title}: {item.period.label} return"
    return Facts(ItemKind.kpi_return, item.item, title, tier=kpi.tier, focus_area_ids=areas, owner_ids=item.owner_ids)


def assurance_facts(activity: KnownActivity) -> Facts:
    """An assurance activity routes by its kind, and by its team's service (the owner the team answers to)."""
    owners = frozenset({activity.service_owner_id} if activity.service_owner_id else ())
    words = activity.kind.value.replace("_", " ").capitalize()
    where = f", {activity.team_name}" if activity.team_name else ""
    title = f"{words}{where}, {activity.carried_out_on.isoformat()}"
    return Facts(ItemKind(activity.kind.value), f"{ASSURANCE}:{activity.id}", title, owner_ids=owners)


def procedure_facts(change: ProcedureChange) -> Facts:
    areas = frozenset({change.focus_area_id} if change.focus_area_id else ())
    return Facts(ItemKind.procedure_change, f"procedure-change:{change.key}", change.title, focus_area_ids=areas)


def focus_area_facts(area: FocusArea) -> Facts:
    return Facts(
        ItemKind.focus_area_progress, f"focus-area:{area.key}", area.title, focus_area_ids=frozenset({area.id})
    )


async def facts_for(session: AsyncSession, ref: str) -> Facts:
    """Facts about `action:<key>`, `project:<key>`, `kpi:<code>`, `focus-area:<key>`, `assurance:<id>`,
    `procedure-change:<key>` or `exception:<item>` (404 if there is no such item)."""
    prefix, _, key = ref.partition(":")
    if (prefix not in PREFIXES and prefix != ASSURANCE) or not key:
        message = f"'{ref}' is not an item: use {ITEMS}"
        raise InvalidInput(message, errors=[ProblemError(loc=["query", "item"], msg=message)])
    if prefix == ASSURANCE:
        if not key.isdigit() or not 0 < int(key) < 2**31:
            raise NotFound("assurance activity", key)
        return assurance_facts(assurance_service.known(await assurance_service.get_activity(session, int(key))))
    if prefix == "action":
        return action_facts(await actions_service.get_action(session, key))
    if prefix == "project":
        return project_facts(projects_service.light(await projects_service.get_project(session, key)))
    if prefix == "kpi":
        return kpi_facts(await kpis_service.get_kpi(session, key))
    if prefix == "procedure-change":
        return procedure_facts(await procedures_service.get_change(session, key))
    if prefix == "focus-area":
        area = await session.scalar(select(FocusArea).where(FocusArea.key == key))
        if area is None:
            raise NotFound("focus area", key)
        return focus_area_facts(area)
    underlying = await facts_for(session, key)  # an exception routes by what it is about
    return Facts(
        ItemKind.performance_exception,
        ref,
        f"Exception about {underlying.ref}",
        focus_area_ids=underlying.focus_area_ids,
        owner_ids=underlying.owner_ids,
    )


class Router:
    """Rules made ready to route many items (a pack routes thousands): grouped by the kind they send, in step order
    (the rest in the order given), each rule's filters read once from its row."""

    def __init__(self, rules: Iterable[RoutingRule]) -> None:
        self.by_kind: dict[ItemKind, list[tuple[RoutingRule, Tier | None, int | None, int | None]]] = {}
        for rule in sorted(rules, key=lambda rule: rule.step or STEPLESS):
            filters = (rule, rule.kpi_tier, rule.focus_area_id, rule.owner_id)
            self.by_kind.setdefault(rule.item_kind, []).append(filters)
        # Items alike in what rules filter on are routed alike: a large council's 2,000 actions share a few dozen
        # focus areas and owners.
        self._alike: dict[tuple[ItemKind, Tier | None, frozenset[int], frozenset[int]], tuple[RoutingRule, ...]] = {}

    def routes(self, facts: Facts) -> list[RoutingRule]:
        """The rules that send the item somewhere, as matches() judges each."""
        alike = (facts.kind, facts.tier, facts.focus_area_ids, facts.owner_ids)
        found = self._alike.get(alike)
        if found is None:
            found = self._alike[alike] = tuple(
                rule
                for rule, tier, area, owner in self.by_kind.get(facts.kind, ())
                if (tier is None or tier == facts.tier)
                and (area is None or area in facts.focus_area_ids)
                and (owner is None or owner in facts.owner_ids)
            )
        return list(found)


def routes(rules: Iterable[RoutingRule], facts: Facts) -> list[RoutingRule]:
    """The rules that send the item somewhere: those taking it in turn first, by step; the rest in the given order."""
    return Router(rules).routes(facts)


async def unrouted(session: AsyncSession) -> list[Facts]:
    """Live items that no rule sends anywhere: each is a gap in accountability."""
    rules = await live_rules(session)
    items: list[Facts] = []
    for action in await actions_service.list_live(session):
        items.append(action_facts(action))
    for project in await projects_service.list_live(session):
        items.append(project_facts(project))
    for kpi in await kpis_service.all_kpis(session):
        items.append(kpi_facts(kpi))
    for area in await session.scalars(select(FocusArea).order_by(FocusArea.position)):
        items.append(focus_area_facts(area))
    for activity in await assurance_service.live(session):
        items.append(assurance_facts(activity))
    for change in await procedures_service.open_changes(session):
        items.append(procedure_facts(change))
    return [facts for facts in items if not routes(rules, facts)]
