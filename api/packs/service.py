"""Assembling a governance body's pack from the routing rules: pure functions over a snapshot (api/snapshot.py) of
the data as at one date and as known at one moment."""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import snapshot as snapshots
from api import tracking
from api.actions.live import LiveAction
from api.assurance.models import AssuranceKind
from api.assurance.service import KnownActivity
from api.bitemporal import AsAt, known_by_now
from api.commentary.service import Comment
from api.db import utcnow
from api.errors import InvalidInput, NotFound, ProblemError
from api.governance import challenge, routing
from api.governance.models import GovernanceBody, ItemKind, RoutingRule
from api.kpis import status as status_service
from api.kpis.models import Tier
from api.kpis.rating import RatingStatus
from api.kpis.schemas import RatingCounts
from api.packs.schemas import (
    FocusAreaProgress,
    Pack,
    PackAction,
    PackAssurance,
    PackAssuranceLink,
    PackBody,
    PackComment,
    PackException,
    PackFocusArea,
    PackHeadline,
    PackKpi,
    PackProject,
    PackReturn,
    PackSavings,
    RagCounts,
    SavingsYear,
    StatusCounts,
    TrendPoint,
)
from api.packs.sign_off import not_final, sign_off_of
from api.periods import InvalidPeriod, Period, PeriodType, parse_period
from api.progress.service import state_of
from api.projects.live import LiveProject, YearSavings
from api.projects.schemas import SavingsTotals
from api.returns.book import KpiReturn
from api.returns.due import ReturnStatus
from api.snapshot import Snapshot
from api.strategy.models import FocusArea

TREND_PERIODS = 6  # how many periods a KPI's chart shows, up to the one reported

ItemT = TypeVar("ItemT")


def _asked(period: str) -> Period:
    """The period a pack was asked for ('2016/17' is a financial year); a 422 naming the forms if it is none."""
    try:
        return parse_period(period, year_type=PeriodType.financial_year)
    except InvalidPeriod as error:
        raise InvalidInput(str(error), errors=[ProblemError(loc=["query", "period"], msg=str(error))]) from error


def financial_year(period: str | None, as_of: date) -> str:
    """The year whose savings a pack shows: the one the period asked for starts in, else the one as_of is in."""
    return Period.containing(_asked(period).start if period else as_of, PeriodType.financial_year).code


async def body_by_key(session: AsyncSession, key: str) -> GovernanceBody:
    """A body by its key (csmt, childrens-programme-board) or its code as the strategy writes it (CSMT)."""
    body = await session.scalar(
        select(GovernanceBody).where(or_(GovernanceBody.key == key, func.lower(GovernanceBody.code) == key.lower()))
    )
    if body is None:
        raise NotFound("governance body", key)
    return body


def _routed(router: routing.Router, items: Sequence[ItemT], facts: Callable[[ItemT], routing.Facts]) -> list[ItemT]:
    return [item for item in items if router.routes(facts(item))]


def _comments(comments: Sequence[Comment]) -> list[PackComment]:
    return [PackComment(text=c.text, author=c.author, written_at=c.written_at, period=c.period) for c in comments]


def _action(action: LiveAction, inputs: Snapshot) -> PackAction:
    update = inputs.action_updates.get(action.id)
    state = state_of(update)
    return PackAction(
        key=action.key,
        what=action.what,
        owners=[o.code for o in action.owners],
        due_text=action.due_text,
        due_date=action.due_date,
        status=state.status,
        rag=update.rag if update else None,
        percent_complete=update.percent_complete if update else None,
        overdue=tracking.action_overdue(action, inputs.window, state),
        stale=tracking.action_stale(action, inputs.window, state),
        last_update_on=state.last_update_on,
        commentary=update.commentary if update else None,
        commentary_by=update.created_by if update else None,
        comments=_comments(inputs.update_comments.get(update.id, [])) if update else [],
    )


def _by_area(actions: Sequence[LiveAction], read: dict[int, PackAction]) -> defaultdict[int, list[PackAction]]:
    """Focus area id -> its actions as the pack shows them, in the order given."""
    grouped: defaultdict[int, list[PackAction]] = defaultdict(list)
    for action in actions:
        grouped[action.focus_area_id].append(read[action.id])
    return grouped


def _gap(target: int, other: int | None) -> int | None:
    return None if other is None else target - other


def _savings(row: YearSavings | None) -> PackSavings | None:
    if row is None:
        return None
    return PackSavings(
        financial_year=row.financial_year,
        target_pence=row.target_pence,
        forecast_pence=row.forecast_pence,
        delivered_pence=row.delivered_pence,
        forecast_gap_pence=_gap(row.target_pence, row.forecast_pence),
        delivered_gap_pence=_gap(row.target_pence, row.delivered_pence),
    )


def _project(project: LiveProject, inputs: Snapshot) -> PackProject:
    update = inputs.project_updates.get(project.id)
    state = state_of(update)
    return PackProject(
        key=project.key,
        title=project.title,
        lead=project.lead,
        focus_areas=list(project.focus_areas),
        pid_status=project.pid_status,
        deadline_text=project.deadline_text,
        deadline_date=project.deadline_date,
        status=state.status,
        rag=update.rag if update else None,
        percent_complete=update.percent_complete if update else None,
        overdue=tracking.project_overdue(project, inputs.window, state),
        stale=tracking.project_stale(project, inputs.window, state),
        last_update_on=state.last_update_on,
        commentary=update.commentary if update else None,
        commentary_by=update.created_by if update else None,
        comments=_comments(inputs.update_comments.get(update.id, [])) if update else [],
        savings=_savings(inputs.savings_for(project.id)),
    )


def _assurance(activity: KnownActivity) -> PackAssurance:
    return PackAssurance(
        id=activity.id,
        kind=activity.kind,
        setting=activity.setting,
        team=activity.team,
        team_name=activity.team_name,
        carried_out_on=activity.carried_out_on,
        carried_out_by_role=activity.carried_out_by_role,
        grading=activity.grading,
        themes=list(activity.themes),
        actions=[PackAssuranceLink(action=a.action, what=a.what, relation=a.relation) for a in activity.actions],
    )


def _totals(projects: list[PackProject]) -> SavingsTotals | None:
    planned = [p.savings for p in projects if p.savings is not None]
    return SavingsTotals.of(planned) if planned else None


def _progress(area: FocusArea, actions: list[PackAction], projects: list[PackProject]) -> FocusAreaProgress:
    listed = [p for p in projects if area.key in p.focus_areas]
    return FocusAreaProgress(
        key=area.key,
        title=area.title,
        actions=len(actions),
        actions_by_status=StatusCounts.of(a.status for a in actions),
        actions_by_rag=RagCounts.of(a.rag or "none" for a in actions),
        actions_overdue=sum(a.overdue for a in actions),
        actions_stale=sum(a.stale for a in actions),
        projects=len(listed),
        projects_by_rag=RagCounts.of(p.rag or "none" for p in listed),
    )


def reports(rules: Sequence[RoutingRule]) -> list[str]:
    """The reports a body's rules name ('Monthly performance report', 'Performance challenge'), each once."""
    return list(dict.fromkeys(rule.report for rule in rules if rule.report))


def title(body: GovernanceBody, period_label: str | None, as_at: date) -> str:
    """One title for the pack: the body, and the period it reports on (else the date it is as at)."""
    when = period_label or f"as at {as_at.day} {as_at:%B %Y}"
    return f"{body.name}: performance and progress, {when}"


MONITOR_ONLY = "Monitor only"  # the word rating.rate_monitor() gives


def _standing_phrase(kpi: PackKpi) -> str:
    """How the headline counts a KPI: by its rating, and a KPI not rated by why."""
    match kpi.rating.status:
        case RatingStatus.green:
            return "on or above target"
        case RatingStatus.amber:
            return "near target"
        case RatingStatus.red:
            return "off target"
    if kpi.rating.word == MONITOR_ONLY:
        return "monitored without a target"
    if kpi.figure is None or kpi.figure.value is None:
        return "not yet rated"
    return "with no target for the period"


_PHRASE_ORDER = (
    "on or above target",
    "near target",
    "off target",
    "monitored without a target",
    "with no target for the period",
    "not yet rated",
)


def headline_sentence(kpis: Sequence[PackKpi]) -> str:
    """'7 of 11 Council Plan KPIs on or above target; 2 off target; 2 not yet rated.' Council Plan KPIs are named
    as such when the pack holds only them; a standing no KPI has is left out."""
    if not kpis:
        return "No KPIs are reported to this body."
    plan_only = all(kpi.tier is Tier.council_plan for kpi in kpis)
    noun = "Council Plan KPIs" if plan_only else "KPIs"
    if len(kpis) == 1:
        noun = noun.removesuffix("s")
    counts = Counter(_standing_phrase(kpi) for kpi in kpis)
    shown = [(counts[phrase], phrase) for phrase in _PHRASE_ORDER if counts[phrase]]
    first_count, first_phrase = shown[0]
    words = [f"{first_count} of {len(kpis)} {noun} {first_phrase}"]
    words += [f"{count} {phrase}" for count, phrase in shown[1:]]
    return "; ".join(words) + "."


def headline(
    kpis: Sequence[PackKpi],
    exceptions: Sequence[PackException],
    actions: Sequence[PackAction],
    projects: Sequence[PackProject],
    returns: Sequence[PackReturn] = (),
    assurance: Sequence[PackAssurance] = (),
) -> PackHeadline:
    counts = RatingCounts.of(kpi.rating.status for kpi in kpis)
    return PackHeadline(
        sentence=headline_sentence(kpis),
        kpis=len(kpis),
        kpis_by_rating=counts,
        exceptions=len(exceptions),
        actions=len(actions),
        actions_overdue=sum(a.overdue for a in actions),
        actions_stale=sum(a.stale for a in actions),
        projects=len(projects),
        projects_red=sum(p.rag == "red" for p in projects),
        returns=len(returns),
        assurance=len(assurance),
        kpis_not_final=sum(not_final(kpi) for kpi in kpis),
    )


def as_at_for(period: str | None, as_at: date | None, today: date) -> date:
    """The date a pack reports as at: the one asked for, else the period's end, or today if that is earlier."""
    if as_at is not None:
        return as_at
    return min(_asked(period).end, today) if period else today


def _savings_years(projects: Sequence[LiveProject], inputs: Snapshot) -> list[SavingsYear]:
    """The projects' savings summed for each financial year any of them plans savings in."""
    ids = {project.id for project in projects}
    by_year: defaultdict[str, list[YearSavings]] = defaultdict(list)
    for (project_id, fy), row in inputs.savings.items():
        if project_id in ids:
            by_year[fy].append(row)
    years = []
    for fy in sorted(by_year):
        totals = SavingsTotals.of(by_year[fy])
        years.append(
            SavingsYear(
                financial_year=fy,
                label=parse_period(fy).label,
                target_pence=totals.target_pence,
                forecast_pence=totals.forecast_pence,
                delivered_pence=totals.delivered_pence,
            )
        )
    return years


def _kpi(standing: status_service.Standing, inputs: Snapshot, body: GovernanceBody) -> PackKpi:
    kpi = standing.kpi
    trend = [
        TrendPoint(
            period=point.period.code,
            label=point.period.label,
            value=point.value,
            target=point.target,
            england=point.england,
            neighbours_mean=point.neighbours_mean,
        )
        for point in status_service.trend_of(kpi, inputs.series)
    ]
    shown = {point.period for point in trend}
    comments = [
        c
        for c in inputs.kpi_comments.get(kpi.id, [])
        if c.period in shown or (standing.period and c.period == standing.period.code)
    ]
    read = status_service.to_read(standing)
    return PackKpi(
        **dict(read), trend=trend, comments=_comments(comments), sign_off=sign_off_of(standing, inputs, body)
    )


def _shown_return(item: KpiReturn, inputs: Snapshot) -> bool:
    """Missing as at the pack's date, or received late for a period that ended in the pack's financial year."""
    if item.status is ReturnStatus.missing:
        return True
    return item.status is ReturnStatus.late and parse_period(inputs.financial_year).contains(item.period.end)


def _return(item: KpiReturn) -> PackReturn:
    schedule = item.schedule
    return PackReturn(
        kpi=item.kpi.code,
        kpi_title=item.kpi.title,
        period=item.period.code,
        period_label=item.period.label,
        due_date=item.due_date,
        status=item.status,
        received_at=item.received_at,
        days_late=item.days_late,
        accountable_owner=schedule.accountable_owner.code,
        submitting_owner=schedule.submitting_owner.code,
    )


def dates_for(period: str | None, as_at: date | None, known_at: datetime | None) -> AsAt:
    """The pack's two dates: as at the date asked for (default: the period's end, or today if earlier), from the
    data known at the moment asked for (default: now; a moment to come is refused)."""
    return AsAt(as_at_for(period, as_at, date.today()), known_by_now(known_at))


async def build_pack(
    session: AsyncSession,
    body: GovernanceBody,
    period: str | None,
    as_at: date | None = None,
    known_at: datetime | None = None,
) -> Pack:
    dates = dates_for(period, as_at, known_at)
    assert dates.as_at is not None
    year = financial_year(period, dates.as_at)
    inputs = await snapshots.take(
        session,
        dates,
        financial_year=year,
        period=period,
        shown=snapshots.ShownKpis(body.id),
        trend=TREND_PERIODS,
        assurance_since=(_asked(period) if period else parse_period(year)).start,
    )
    return assemble(inputs, body, period)


# What a pack has a section for; a body's rules for other kinds (procedure changes it approves) are not its pack's.
SHOWN_KINDS = frozenset(
    {
        ItemKind.business_improvement_action,
        ItemKind.transformation_project,
        ItemKind.kpi,
        ItemKind.performance_exception,
        ItemKind.focus_area_progress,
        ItemKind.kpi_return,
        *(ItemKind(kind.value) for kind in AssuranceKind),
    }
)


def assemble(inputs: Snapshot, body: GovernanceBody, period: str | None) -> Pack:
    """The pack for a body, from a snapshot: what its routing rules send it."""
    rules = [rule for rule in inputs.routing_rules if rule.body_id == body.id and rule.item_kind in SHOWN_KINDS]
    router = routing.Router(rules)
    actions, projects, areas = inputs.actions, inputs.projects, inputs.areas
    known: dict[int, routing.Facts] = {}  # an action's facts, routed once for itself and again for its exceptions

    def action_facts(action: LiveAction) -> routing.Facts:
        found = known.get(action.id)
        if found is None:
            found = known[action.id] = routing.action_facts(action)
        return found

    all_actions = {a.id: _action(a, inputs) for a in actions}
    all_projects = [_project(p, inputs) for p in projects]
    live_by_area = _by_area(actions, all_actions)
    routed_actions = _routed(router, actions, action_facts)
    routed_by_area = _by_area(routed_actions, all_actions)
    by_area = [PackFocusArea(key=area.key, title=area.title, actions=routed_by_area[area.id]) for area in areas]
    routed_kpis = _routed(router, inputs.kpis, routing.kpi_facts)
    pack_kpis = [_kpi(status_service.stand(kpi, period, inputs.series), inputs, body) for kpi in routed_kpis]
    exceptions = [
        PackException(rule=e.rule.key, kind=e.rule.kind, item=e.item, title=e.title, reason=e.reason)
        for e in challenge.evaluate(inputs)
        if router.routes(challenge.facts(e, action_facts=action_facts))
    ]
    shown_returns = [item for item in inputs.returns if _shown_return(item, inputs)]
    pack_returns = [_return(item) for item in _routed(router, shown_returns, routing.return_facts)]
    routed_project_rows = _routed(router, projects, routing.project_facts)
    routed_projects = {p.key for p in routed_project_rows}
    pack_projects = [p for p in all_projects if p.key in routed_projects]
    progress_areas = _routed(router, areas, routing.focus_area_facts)
    assurance = [_assurance(a) for a in _routed(router, inputs.assurance, routing.assurance_facts)]
    period_label = parse_period(period).label if period else None
    return Pack(
        body=PackBody(key=body.key, code=body.code, name=body.name, cadence=body.cadence),
        title=title(body, period_label, inputs.as_at),
        reports=reports(rules),
        period=period,
        period_label=period_label,
        financial_year=inputs.financial_year,
        financial_year_label=parse_period(inputs.financial_year).label,
        as_at=inputs.as_at,
        known_at=inputs.known_at,
        generated_at=utcnow(),
        rules=[rule.key for rule in rules],
        headline=headline(
            pack_kpis,
            exceptions,
            [all_actions[a.id] for a in routed_actions],
            pack_projects,
            returns=pack_returns,
            assurance=assurance,
        ),
        actions_by_focus_area=[area for area in by_area if area.actions],
        kpis=pack_kpis,
        exceptions=exceptions,
        returns=pack_returns,
        projects=pack_projects,
        savings_totals=_totals(pack_projects),
        savings_by_year=_savings_years(routed_project_rows, inputs),
        progress_summary=[_progress(area, live_by_area[area.id], all_projects) for area in progress_areas],
        assurance=assurance,
    )
