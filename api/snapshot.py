"""One snapshot of everything a pack or the performance challenge reads, for its two dates, loaded once.

A report is built for a date it reports as at and a moment whose knowledge it uses (api/bitemporal.py). take() loads,
for those two dates, the focus areas, KPIs and their figures, the actions and projects as planned (from the plan's
revisions when the moment is past), the progress updates that count, the savings, the routing and exception rules,
the commentary and the KPI returns owed. Routing (api/governance/routing.py), the performance challenge
(api/governance/challenge.py), the KPI ratings (api/kpis/status.py) and a pack's sections (api/packs/service.py) are
then pure functions over it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import tracking
from api.actions import service as actions_service
from api.actions.live import LiveAction, MilestoneDue, OwnerRef
from api.actions.models import BusinessImprovementAction
from api.assurance import service as assurance
from api.assurance.service import KnownActivity
from api.bitemporal import AsAt
from api.commentary import service as commentary
from api.commentary.service import Comment
from api.db import utcnow
from api.delivery import DeliveryStatus, DueKind
from api.governance import challenge, routing
from api.governance.models import ExceptionRule, RoutingRule
from api.kpis import service as kpis_service
from api.kpis.models import Kpi
from api.kpis.status import Series, series_for
from api.owners.models import Owner
from api.periods import Period, PeriodType
from api.progress.models import ProgressUpdate
from api.progress.service import LatestUpdate, latest_by
from api.projects import service as projects_service
from api.projects.live import LiveProject, YearSavings
from api.projects.models import PidStatus, ProjectSavings
from api.returns import book as returns_book
from api.returns.book import KpiReturn
from api.revisions import service as revisions
from api.revisions.models import PlanKind
from api.signoffs import book as sign_off_book
from api.signoffs.book import Decided
from api.strategy.models import FocusArea


@dataclass(frozen=True)
class Snapshot:
    dates: AsAt  # as_at is always set; known_at is None for now
    known_at: datetime  # the moment whose knowledge it uses (now, when none was asked for)
    window: tracking.Window  # overdue and stale, judged at the end of as_at
    financial_year: str  # whose savings the challenge and a pack's projects show
    areas: Sequence[FocusArea]
    kpis: Sequence[Kpi]
    series: Series
    actions: Sequence[LiveAction]
    action_updates: dict[int, LatestUpdate]
    projects: Sequence[LiveProject]
    project_updates: dict[int, LatestUpdate]
    savings: dict[tuple[int, str], YearSavings]  # (project id, financial year) -> its savings
    routing_rules: Sequence[RoutingRule]
    exception_rules: Sequence[ExceptionRule]
    kpi_comments: dict[int, list[Comment]] = field(default_factory=dict)  # the KPIs shown's commentary
    update_comments: dict[int, list[Comment]] = field(default_factory=dict)  # the latest updates' commentary
    returns: Sequence[KpiReturn] = ()  # every KPI return owed by as_at, in due-date order
    assurance: Sequence[KnownActivity] = ()  # the assurance activities a pack may show
    # (kpi id, period) -> the decisions on the figures the KPIs shown stand in (a pack shows where each stands)
    sign_offs: dict[tuple[int, str], list[Decided]] = field(default_factory=dict)

    @property
    def as_at(self) -> date:
        assert self.dates.as_at is not None
        return self.dates.as_at

    def savings_for(self, project_id: int, financial_year: str | None = None) -> YearSavings | None:
        return self.savings.get((project_id, financial_year or self.financial_year))


async def _exception_rules(session: AsyncSession, known_at: datetime | None) -> Sequence[ExceptionRule]:
    statement = select(ExceptionRule).where(ExceptionRule.enabled)
    if known_at is not None:
        statement = statement.where(ExceptionRule.created_at <= known_at)
    return (await session.scalars(statement.order_by(ExceptionRule.key))).all()


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def _owner_codes(session: AsyncSession) -> dict[int, str]:
    return {owner_id: code for owner_id, code in await session.execute(select(Owner.id, Owner.code))}


async def _planned_actions(
    session: AsyncSession, known_at: datetime, positions: dict[int, int], owners: dict[int, str]
) -> list[LiveAction]:
    """The actions as planned at the moment, in the plan's order."""
    planned = await revisions.known(session, PlanKind.action, known_at)

    def place(item_id: int) -> tuple[int, int]:
        return positions.get(planned[item_id]["focus_area_id"], 0), planned[item_id]["position"]

    return [
        LiveAction(
            id=item_id,
            key=plan["key"],
            what=plan["what"],
            focus_area_id=plan["focus_area_id"],
            due_text=plan["due_text"],
            due_kind=DueKind(plan["due_kind"]),
            due_date=_day(plan["due_date"]),
            status=DeliveryStatus.not_started,  # where it stood comes from the progress updates that count
            last_update_on=None,
            owners=tuple(OwnerRef(owner, owners[owner]) for owner in plan["owner_ids"] if owner in owners),
            milestones=tuple(
                MilestoneDue(_day(m["due_date"]), DeliveryStatus(m["status"])) for m in plan["milestones"]
            ),
        )
        for item_id in sorted(planned, key=place)
        for plan in (planned[item_id],)
    ]


async def _planned_projects(
    session: AsyncSession, known_at: datetime, areas: Sequence[FocusArea], owners: dict[int, str]
) -> list[LiveProject]:
    planned = await revisions.known(session, PlanKind.project, known_at)
    keys = {area.id: area.key for area in areas}
    projects = [
        LiveProject(
            id=item_id,
            key=plan["key"],
            title=plan["title"],
            lead_owner_id=plan["lead_owner_id"],
            lead=owners.get(plan["lead_owner_id"]) if plan["lead_owner_id"] else None,
            pid_status=PidStatus(plan["pid_status"]),
            deadline_text=plan["deadline_text"],
            deadline_kind=DueKind(plan["deadline_kind"]),
            deadline_date=_day(plan["deadline_date"]),
            focus_area_ids=tuple(plan["focus_area_ids"]),
            focus_areas=tuple(keys[area] for area in plan["focus_area_ids"] if area in keys),
            status=DeliveryStatus.not_started,
            last_update_on=None,
        )
        for item_id, plan in planned.items()
    ]
    return sorted(projects, key=projects_service.plan_order({area.id: area.position for area in areas}))


async def _savings(
    session: AsyncSession, projects: Sequence[LiveProject], known_at: datetime | None
) -> dict[tuple[int, str], YearSavings]:
    ids = {project.id for project in projects}
    if known_at is None:
        rows = await session.execute(
            select(
                ProjectSavings.project_id,
                ProjectSavings.financial_year,
                ProjectSavings.target_pence,
                ProjectSavings.forecast_pence,
                ProjectSavings.delivered_pence,
            ).where(ProjectSavings.project_id.in_(ids))
        )
        found = [YearSavings(*row) for row in rows]
    else:
        planned = await revisions.known(session, PlanKind.savings, known_at)
        found = [
            YearSavings(
                plan["project_id"],
                plan["financial_year"],
                plan["target_pence"],
                plan["forecast_pence"],
                plan["delivered_pence"],
            )
            for plan in planned.values()
            if plan["project_id"] in ids
        ]
    return {(row.project_id, row.financial_year): row for row in found}


async def read_as_one(session: AsyncSession) -> None:
    """Begin a read-only request's transaction as one snapshot of the database, before its first statement, so that
    a write committed while a report's twenty-odd reads are made shows in all of its sections or in none. It costs
    nothing: a read-only transaction takes no locks, and the database keeps one snapshot instead of one a statement.

    On PostgreSQL: REPEATABLE READ and READ ONLY (under READ COMMITTED each statement sees the commits made before
    it). On SQLite: an explicit BEGIN, since pysqlite opens no transaction for a SELECT; in WAL mode the first read
    then fixes what the rest see, until the session commits."""
    if session.get_bind().dialect.name == "postgresql":
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})
    else:
        await session.execute(text("BEGIN"))


async def take(
    session: AsyncSession,
    dates: AsAt,
    *,
    financial_year: str | None = None,
    period: str | None = None,
    shown: "ShownKpis | None" = None,
    trend: int = 0,
    assurance_since: date | None = None,
) -> Snapshot:
    """Everything a report reads as at ``dates.as_at`` from the data known at ``dates.known_at`` (None: now).

    ``shown`` picks the KPIs whose standings are read for ``period`` (default: each one's latest), with their
    trends over ``trend`` periods; every KPI's recent runs are read for the exception rules. A report that shows
    the assurance programme asks for its activities carried out from ``assurance_since`` up to as_at."""
    as_at = dates.as_at
    assert as_at is not None, "a snapshot is as at a date"
    known_at = dates.known_at
    areas = (await session.scalars(select(FocusArea).order_by(FocusArea.position))).all()
    routing_rules = await routing.live_rules(session, known_at)
    exception_rules = await _exception_rules(session, known_at)
    kpis = await kpis_service.all_kpis(session)
    if known_at is None:
        actions: Sequence[LiveAction] = await actions_service.list_live(session)
        projects: Sequence[LiveProject] = await projects_service.list_live(session)
    else:
        owners = await _owner_codes(session)
        actions = await _planned_actions(session, known_at, {area.id: area.position for area in areas}, owners)
        projects = await _planned_projects(session, known_at, areas, owners)
    shown_kpis = shown(kpis, routing_rules) if shown else []
    series = await series_for(
        session,
        kpis,
        asked=period,
        moment=dates,
        run_length=challenge.run_length(exception_rules),
        shown=shown_kpis,
        trend=trend,
    )
    # The live actions (thousands, for a large council) are asked for by the query that chose them, not sent as ids.
    action_ids = (
        select(BusinessImprovementAction.id).where(BusinessImprovementAction.archived_at.is_(None))
        if known_at is None
        else [action.id for action in actions]
    )
    action_updates = await latest_by(session, ProgressUpdate.action_id, action_ids, dates)
    project_updates = await latest_by(session, ProgressUpdate.project_id, [p.id for p in projects], dates)
    # Commentary is shown in packs (those asking for KPIs), not read by the challenge.
    latest = [update.id for update in (*action_updates.values(), *project_updates.values())]
    kpi_comments = await commentary.kpi_comments(session, [kpi.id for kpi in shown_kpis], known_at) if shown else {}
    update_comments = await commentary.update_comments(session, latest, known_at) if shown else {}
    return Snapshot(
        dates=dates,
        known_at=known_at or utcnow(),
        window=await tracking.window(session, as_at),
        financial_year=financial_year or Period.containing(as_at, PeriodType.financial_year).code,
        areas=areas,
        kpis=kpis,
        series=series,
        actions=actions,
        action_updates=action_updates,
        projects=projects,
        project_updates=project_updates,
        savings=await _savings(session, projects, known_at),
        routing_rules=routing_rules,
        exception_rules=exception_rules,
        kpi_comments=kpi_comments,
        update_comments=update_comments,
        returns=(await returns_book.load(session, dates)).owed(as_at),
        assurance=await assurance.known_between(session, assurance_since, as_at, known_at) if assurance_since else (),
        sign_offs=await sign_off_book.decisions(session, series.scope.id, series.compared, known_at)
        if shown and series.scope is not None
        else {},
    )


class ShownKpis:
    """Which KPIs a report shows standings for, given the routing rules in force (a pack: those routed to its body)."""

    def __init__(self, body_id: int) -> None:
        self.body_id = body_id

    def __call__(self, kpis: Sequence[Kpi], rules: Sequence[RoutingRule]) -> list[Kpi]:
        mine = [rule for rule in rules if rule.body_id == self.body_id]
        router = routing.Router(mine)
        return [kpi for kpi in kpis if router.routes(routing.kpi_facts(kpi))]
