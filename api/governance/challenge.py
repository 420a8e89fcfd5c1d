"""Performance challenge: the exception rules applied to the figures and progress as they stood on a date."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import tracking
from api.actions.live import LiveAction
from api.bitemporal import AsAt
from api.governance import routing
from api.governance.models import ExceptionKind, ExceptionRule, ItemKind
from api.kpis.models import Kpi
from api.kpis.rating import Direction, RatingStatus
from api.kpis.status import Series, Standing, back_from, series_for, stand_at
from api.periods import Period, PeriodType
from api.progress.models import ProgressUpdate
from api.progress.service import LatestUpdate, latest_by, state_of
from api.projects.models import ProjectSavings, TransformationProject


@dataclass(frozen=True)
class Challenge:
    rule: ExceptionRule
    item: str
    title: str
    reason: str
    facts_item: LiveAction | TransformationProject | Kpi


@dataclass(frozen=True)
class Inputs:
    as_of: date
    window: tracking.Window
    rules: Sequence[ExceptionRule]
    kpis: Sequence[Kpi]
    series: Series
    actions: Sequence[LiveAction]
    action_updates: dict[int, LatestUpdate]
    projects: Sequence[TransformationProject]
    project_updates: dict[int, LatestUpdate]
    savings: dict[int, ProjectSavings]


KPI_RULES = (ExceptionKind.kpi_red_consecutive, ExceptionKind.kpi_worsening_run)


def _length(rule: ExceptionRule) -> int:
    """How many periods running a KPI rule looks at."""
    return rule.threshold or (2 if rule.kind is ExceptionKind.kpi_red_consecutive else 3)


def run_length(rules: Sequence[ExceptionRule]) -> int:
    """The longest run of periods the KPI rules look at (0 when none is enabled): what series_for must load."""
    return max((_length(rule) for rule in rules if rule.kind in KPI_RULES), default=0)


async def enabled_rules(session: AsyncSession) -> Sequence[ExceptionRule]:
    return (await session.scalars(select(ExceptionRule).where(ExceptionRule.enabled).order_by(ExceptionRule.key))).all()


class _Standings:
    """The borough's standings in the periods the KPI rules look at, each worked out when a rule first reads it
    (the rules stop at the first period that breaks a run)."""

    def __init__(self, series: Series, longest: int) -> None:
        self.series = series
        self.longest = longest
        self.known: dict[tuple[int, str], Standing] = {}
        self.recent: dict[int, list[Period]] = {}  # kpi id -> the longest run's periods

    def at(self, kpi: Kpi, period: Period) -> Standing:
        key = (kpi.id, period.code)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = stand_at(kpi, period, self.series, full=False)
        return found

    def run(self, kpi: Kpi, length: int) -> list[Period]:
        """The last ``length`` consecutive periods up to the KPI's latest figure, newest first, if each has a
        figure (withheld or not); else none."""
        recent = self.recent.get(kpi.id)
        if recent is None:
            latest = self.series.latest_period(kpi)
            recent = self.recent[kpi.id] = back_from(latest, self.longest) if latest else []
        run = recent[:length]
        local = self.series.local(kpi)
        return run if len(run) == length and all(period.code in local for period in run) else []


def _kpi_exceptions(rule: ExceptionRule, inputs: Inputs, standings: _Standings) -> Iterator[Challenge]:
    length = _length(rule)
    for kpi in inputs.kpis:
        run = standings.run(kpi, length)
        if not run:
            continue
        periods = ", ".join(period.code for period in reversed(run))
        if rule.kind is ExceptionKind.kpi_red_consecutive and all(
            standings.at(kpi, period).rating.status is RatingStatus.red for period in run
        ):
            yield Challenge(
                rule, f"kpi:{kpi.code}", kpi.title, f"Off target {length} periods running ({periods}).", kpi
            )
        if rule.kind is ExceptionKind.kpi_worsening_run and all(
            (travel := standings.at(kpi, period).vs_previous) is not None and travel.direction is Direction.worsening
            for period in run
        ):
            yield Challenge(rule, f"kpi:{kpi.code}", kpi.title, f"Worse than the period before in {periods}.", kpi)


def _action_exceptions(rule: ExceptionRule, inputs: Inputs) -> Iterator[Challenge]:
    days = rule.threshold or 30
    late = tracking.Window(inputs.as_of - timedelta(days=days), inputs.window.stale_after_days, inputs.window.since)
    for action in inputs.actions:
        state = state_of(inputs.action_updates.get(action.id))
        if rule.kind is ExceptionKind.action_overdue_days and tracking.action_overdue(action, late, state):
            yield Challenge(
                rule,
                f"action:{action.key}",
                action.what,
                f"Overdue by more than {days} days at {inputs.as_of} (due {action.due_text}).",
                action,
            )
        if rule.kind is ExceptionKind.action_off_track and state.status == "off_track":
            yield Challenge(
                rule, f"action:{action.key}", action.what, f"Reported off track on {state.last_update_on}.", action
            )


def _project_exceptions(rule: ExceptionRule, inputs: Inputs) -> Iterator[Challenge]:
    for project in inputs.projects:
        update = inputs.project_updates.get(project.id)
        if rule.kind is ExceptionKind.project_red and update is not None and update.rag == "red":
            yield Challenge(
                rule, f"project:{project.key}", project.title, f"Rated red on {update.as_of_date}.", project
            )
        savings = inputs.savings.get(project.id)
        behind = (
            savings is not None
            and savings.forecast_pence is not None
            and (savings.forecast_pence < savings.target_pence)
        )
        if rule.kind is ExceptionKind.project_behind_savings and behind and savings is not None:
            gap = (savings.target_pence - (savings.forecast_pence or 0)) / 100
            yield Challenge(
                rule,
                f"project:{project.key}",
                project.title,
                f"{savings.financial_year} forecast is £{gap:,.0f} short of its savings target.",
                project,
            )


async def gather(
    session: AsyncSession,
    moment: AsAt,
    kpis: Sequence[Kpi],
    actions: Sequence[LiveAction],
    projects: Sequence[TransformationProject],
    financial_year: str | None = None,
    *,
    rules: Sequence[ExceptionRule] | None = None,
    series: Series | None = None,
) -> Inputs:
    """Everything the rules look at, as at and as known at the moment; savings for ``financial_year`` (default: the
    one the moment's as_at falls in). ``rules`` are the enabled exception rules and ``series`` the borough's figures
    for ``kpis`` at the moment covering runs of run_length(rules), when the caller has them already."""
    as_of = moment.as_at or date.today()
    fy = financial_year or Period.containing(as_of, PeriodType.financial_year).code
    savings_rows = await session.scalars(
        select(ProjectSavings).where(
            ProjectSavings.financial_year == fy, ProjectSavings.project_id.in_([p.id for p in projects])
        )
    )
    if rules is None:
        rules = await enabled_rules(session)
    if series is None:
        series = await series_for(session, kpis, moment=moment, run_length=run_length(rules), shown=())
    return Inputs(
        as_of=as_of,
        window=await tracking.window(session, as_of),
        rules=rules,
        kpis=kpis,
        series=series,
        actions=actions,
        action_updates=await latest_by(session, ProgressUpdate.action_id, [a.id for a in actions], moment),
        projects=projects,
        project_updates=await latest_by(session, ProgressUpdate.project_id, [p.id for p in projects], moment),
        savings={row.project_id: row for row in savings_rows},
    )


def evaluate(inputs: Inputs) -> list[Challenge]:
    found: list[Challenge] = []
    # Shared by the KPI rules: a shorter run is the start of a longer one.
    standings = _Standings(inputs.series, run_length(inputs.rules))
    for rule in inputs.rules:
        if rule.kind in KPI_RULES:
            found += _kpi_exceptions(rule, inputs, standings)
        elif rule.kind in (ExceptionKind.action_overdue_days, ExceptionKind.action_off_track):
            found += _action_exceptions(rule, inputs)
        else:
            found += _project_exceptions(rule, inputs)
    return found


def facts(found: Challenge) -> routing.Facts:
    """An exception routes by what it is about (its focus areas and owners)."""
    item = found.facts_item
    if isinstance(item, LiveAction):
        about = routing.action_facts(item)
    elif isinstance(item, TransformationProject):
        about = routing.project_facts(item)
    else:
        about = routing.kpi_facts(item)
    return routing.Facts(
        ItemKind.performance_exception,
        f"exception:{found.item}",
        found.title,
        focus_area_ids=about.focus_area_ids,
        owner_ids=about.owner_ids,
    )
