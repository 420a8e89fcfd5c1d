"""Performance challenge: the exception rules, as pure functions over a snapshot (api/snapshot.py) of the figures,
progress and plans as at a date and as known at a moment."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from api import tracking
from api.actions.live import LiveAction
from api.governance import routing
from api.governance.models import ExceptionKind, ExceptionRule, ItemKind
from api.kpis.models import Kpi
from api.kpis.rating import Direction, RatingStatus
from api.kpis.status import Series, back_from, direction_at, status_at
from api.periods import Period, parse_period
from api.progress.service import state_of
from api.projects.live import LiveProject
from api.returns.book import KpiReturn, recently_late
from api.returns.due import ReturnStatus

if TYPE_CHECKING:
    from api.snapshot import Snapshot


@dataclass(frozen=True)
class Challenge:
    rule: ExceptionRule
    item: str
    title: str
    reason: str
    facts_item: LiveAction | LiveProject | Kpi | KpiReturn


def _day(value: date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "no date"


KPI_RULES = (ExceptionKind.kpi_red_consecutive, ExceptionKind.kpi_worsening_run)


def _length(rule: ExceptionRule) -> int:
    """How many periods running a KPI rule looks at."""
    return rule.threshold or (2 if rule.kind is ExceptionKind.kpi_red_consecutive else 3)


def run_length(rules: Sequence[ExceptionRule]) -> int:
    """The longest run of periods the KPI rules look at (0 when none is enabled): what series_for must load."""
    return max((_length(rule) for rule in rules if rule.kind in KPI_RULES), default=0)


class _Standings:
    """The borough's rating and travel in the periods the KPI rules look at, each worked out when a rule first reads
    it (the rules stop at the first period that breaks a run), without the sentences a pack words them in."""

    def __init__(self, series: Series, longest: int) -> None:
        self.series = series
        self.longest = longest
        self.statuses: dict[tuple[int, str], RatingStatus] = {}
        self.directions: dict[tuple[int, str], Direction | None] = {}
        self.recent: dict[int, list[Period]] = {}  # kpi id -> the longest run's periods

    def red(self, kpi: Kpi, period: Period) -> bool:
        key = (kpi.id, period.code)
        found = self.statuses.get(key)
        if found is None:
            found = self.statuses[key] = status_at(kpi, period, self.series)
        return found is RatingStatus.red

    def worsening(self, kpi: Kpi, period: Period) -> bool:
        key = (kpi.id, period.code)
        if key not in self.directions:
            self.directions[key] = direction_at(kpi, period, self.series)
        return self.directions[key] is Direction.worsening

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


def _kpi_exceptions(rule: ExceptionRule, inputs: "Snapshot", standings: _Standings) -> Iterator[Challenge]:
    length = _length(rule)
    for kpi in inputs.kpis:
        run = standings.run(kpi, length)
        if not run:
            continue
        if rule.kind is ExceptionKind.kpi_red_consecutive and all(standings.red(kpi, period) for period in run):
            periods = ", ".join(period.label for period in reversed(run))
            yield Challenge(
                rule, f"kpi:{kpi.code}", kpi.title, f"Off target {length} periods running ({periods}).", kpi
            )
        if rule.kind is ExceptionKind.kpi_worsening_run and all(standings.worsening(kpi, period) for period in run):
            periods = ", ".join(period.label for period in reversed(run))
            yield Challenge(rule, f"kpi:{kpi.code}", kpi.title, f"Worse than the period before in {periods}.", kpi)


def _due(action: LiveAction) -> str:
    """When an action was due as the strategy words it, else its date (an action due by a milestone has no words)."""
    if action.due_text:
        return action.due_text
    return f"{action.due_date:%-d %B %Y}" if action.due_date else "no date given"


def _action_exceptions(rule: ExceptionRule, inputs: "Snapshot") -> Iterator[Challenge]:
    days = rule.threshold or 30
    late = tracking.Window(inputs.as_at - timedelta(days=days), inputs.window.stale_after_days, inputs.window.since)
    # The rule's kind read once, not for each of a council's thousands of actions.
    overdue_rule = rule.kind is ExceptionKind.action_overdue_days
    off_track_rule = rule.kind is ExceptionKind.action_off_track
    updates = inputs.action_updates
    for action in inputs.actions:
        state = state_of(updates.get(action.id))
        if overdue_rule and tracking.action_overdue(action, late, state):
            yield Challenge(
                rule,
                f"action:{action.key}",
                action.what,
                f"Overdue by more than {days} days at {inputs.as_at:%-d %B %Y} (due {_due(action)}).",
                action,
            )
        if off_track_rule and state.status == "off_track":
            yield Challenge(
                rule,
                f"action:{action.key}",
                action.what,
                f"Reported off track on {_day(state.last_update_on)}.",
                action,
            )


def _project_exceptions(rule: ExceptionRule, inputs: "Snapshot") -> Iterator[Challenge]:
    for project in inputs.projects:
        update = inputs.project_updates.get(project.id)
        if rule.kind is ExceptionKind.project_red and update is not None and update.rag == "red":
            yield Challenge(
                rule, f"project:{project.key}", project.title, f"Rated red on {_day(update.as_of_date)}.", project
            )
        savings = inputs.savings_for(project.id)
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
                f"{parse_period(savings.financial_year).label} forecast is £{gap:,.0f} short of its savings target.",
                project,
            )


def _return_exceptions(rule: ExceptionRule, inputs: "Snapshot") -> Iterator[Challenge]:
    """A return still missing more than ``threshold`` days (default 0) after it was due, or one received that late
    in the month up to as_at (CSMT's monthly report: an older late return has been reported already)."""
    grace = rule.threshold or 0
    for item in inputs.returns:
        if item.days_late is None or item.days_late <= grace:
            continue
        due = f"due {_day(item.due_date)}"
        if item.status is ReturnStatus.missing:
            reason = f"Not received by {_day(inputs.as_at)} ({due}, {item.days_late} days ago)."
        elif recently_late(item, inputs.as_at):
            reason = f"Received {item.days_late} days late ({due})."
        else:
            continue
        title = f"{item.kpi.title}: {item.period.label} return"
        yield Challenge(rule, item.item, title, reason, item)


def evaluate(inputs: "Snapshot") -> list[Challenge]:
    """Every exception the enabled rules raise at the snapshot's dates."""
    found: list[Challenge] = []
    # Shared by the KPI rules: a shorter run is the start of a longer one.
    standings = _Standings(inputs.series, run_length(inputs.exception_rules))
    for rule in inputs.exception_rules:
        if rule.kind in KPI_RULES:
            found += _kpi_exceptions(rule, inputs, standings)
        elif rule.kind in (ExceptionKind.action_overdue_days, ExceptionKind.action_off_track):
            found += _action_exceptions(rule, inputs)
        elif rule.kind is ExceptionKind.return_overdue:
            found += _return_exceptions(rule, inputs)
        else:
            found += _project_exceptions(rule, inputs)
    return found


def facts(
    found: Challenge, *, action_facts: Callable[[LiveAction], routing.Facts] = routing.action_facts
) -> routing.Facts:
    """An exception routes by what it is about (its focus areas and owners); ``action_facts``: a caller's own
    (a pack's, which has worked out each action's already)."""
    item = found.facts_item
    if isinstance(item, LiveAction):
        about = action_facts(item)
    elif isinstance(item, LiveProject):
        about = routing.project_facts(item)
    elif isinstance(item, KpiReturn):
        about = routing.return_facts(item)
    else:
        about = routing.kpi_facts(item)
    return routing.Facts(
        ItemKind.performance_exception,
        f"exception:{found.item}",
        found.title,
        focus_area_ids=about.focus_area_ids,
        owner_ids=about.owner_ids,
    )
