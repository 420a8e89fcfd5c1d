"""The KPI rating rules, as pure functions: figures and targets in, a rating a reader can trust without colour out.

Every figure is judged as it is shown (rounded half up to the KPI's decimal places), so a figure printed as "7%" is
never rated as if it were 7.4, and every gap or change in a reason is the difference between figures as printed.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from api.kpis.models import Kpi, Polarity, Unit

NATIONAL = "England"
NOT_SHOWN = "–"
# A figure's movement: these three mean that and nothing else.
RISE = "▲"
FALL = "▼"
STEADY = "◆"
# A rating's or a RAG's symbol, beside its word: never a shape that also says which way a figure moved.
ON_TARGET = "✔"
NEAR_TARGET = "●"
OFF_TARGET = "✖"


class RatingStatus(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"
    not_rated = "not_rated"


class Direction(StrEnum):
    improving = "improving"
    stable = "stable"
    worsening = "worsening"
    not_comparable = "not_comparable"


@dataclass(frozen=True)
class Rating:
    status: RatingStatus
    word: str
    symbol: str
    reason: str


@dataclass(frozen=True)
class Travel:
    direction: Direction
    word: str
    symbol: str  # the figure's actual movement; `word` says whether that is better or worse
    against: str | None
    change: Decimal | None  # current minus earlier, as shown: not turned round for polarity
    reason: str


_WORDS = {
    RatingStatus.green: "On target",
    RatingStatus.amber: "Near target",
    RatingStatus.red: "Off target",
    RatingStatus.not_rated: "Not rated",
}
SYMBOLS = {
    RatingStatus.green: ON_TARGET,
    RatingStatus.amber: NEAR_TARGET,
    RatingStatus.red: OFF_TARGET,
    RatingStatus.not_rated: NOT_SHOWN,
}
# Multiplying a difference by this turns it into an improvement, whichever way is better.
_BETTER = {Polarity.higher_better: Decimal(1), Polarity.lower_better: Decimal(-1)}
_WHICH_WAY = {Polarity.higher_better: "higher is better", Polarity.lower_better: "lower is better"}


def format_figure(value: Decimal, unit: Unit, decimal_places: int) -> str:
    """The figure as a reader sees it: "9%", "24.6%", "611 days", "1,484", "45.2", "£800,000", "£800,000.50"."""
    shown = as_shown(value, unit, decimal_places)
    if unit is Unit.currency:
        return _pounds(shown)
    number = f"{shown:,f}"
    if unit is Unit.percent:
        return f"{number}%"
    if unit is Unit.days:
        return _counted(number, "day", "days")
    return number


def display(value: Decimal | None, kpi: Kpi) -> str | None:
    """A KPI's figure as a reader sees it (format_figure in the KPI's unit and places); None for no figure."""
    return None if value is None else format_figure(value, kpi.unit, kpi.decimal_places)


def rate_numeric(
    value: Decimal,
    target: Decimal,
    *,
    polarity: Polarity,
    amber_tolerance: Decimal | None,
    unit: Unit,
    decimal_places: int,
) -> Rating:
    """Rate a figure, as shown, against a numeric target; amber only within a tolerance, when one is set."""
    places = _places(target, decimal_places)
    figures = f"{format_figure(value, unit, decimal_places)} against a target of {format_figure(target, unit, places)}"
    if polarity is Polarity.none:
        return _rating(RatingStatus.not_rated, f"{figures}: the KPI has no polarity, so a target cannot be judged.")
    better_by = (as_shown(value, unit, decimal_places) - target) * _BETTER[polarity]
    status = _judge(-better_by, amber_tolerance)
    if better_by == 0:
        gap = "on target"
    else:
        gap = f"{amount(better_by, unit, places)} {'better' if better_by > 0 else 'worse'} than target"
    tolerance = _tolerance_clause(status, amber_tolerance, unit, decimal_places)
    return _rating(status, f"{figures} ({_WHICH_WAY[polarity]}): {gap}{tolerance}.")


def numeric_status(
    value: Decimal,
    target: Decimal,
    *,
    polarity: Polarity,
    amber_tolerance: Decimal | None,
    unit: Unit,
    decimal_places: int,
) -> RatingStatus:
    """rate_numeric()'s status alone, without its sentence: for rules that read thousands of ratings and word none."""
    if polarity is Polarity.none:
        return RatingStatus.not_rated
    return _judge(-(as_shown(value, unit, decimal_places) - target) * _BETTER[polarity], amber_tolerance)


def rate_monitor() -> Rating:
    """A monitor target has nothing to be on or off: the direction of travel is what a reader should look at."""
    return _rating(RatingStatus.not_rated, "Monitored, not targeted: see the direction of travel.", "Monitor only")


def rate_relative_to_national(
    *,
    local_now: Decimal | None,
    local_before: Decimal | None,
    national_now: Decimal | None,
    national_before: Decimal | None,
    polarity: Polarity,
    amber_tolerance: Decimal | None,
    unit: Unit,
    decimal_places: int,
    period: str,
    earlier_period: str,
) -> Rating:
    """Rate "improve at least in line with the national rate of improvement" from the four figures as shown."""
    if polarity is Polarity.none:
        return _rating(RatingStatus.not_rated, "The KPI has no polarity, so improvement cannot be judged.")
    if local_now is None or local_before is None or national_now is None or national_before is None:
        figures = (local_now, local_before, national_now, national_before)
        return _rating(RatingStatus.not_rated, _missing_figures(figures, period, earlier_period))
    local = _improvement(local_now, local_before, polarity, unit, decimal_places)
    national = _improvement(national_now, national_before, polarity, unit, decimal_places)
    status = _judge(national - local, amber_tolerance)
    # The target is to improve: getting worse is never on target, even when England got worse by more.
    worse_but_ahead = local < 0 and status is RatingStatus.green
    if worse_but_ahead:
        status = RatingStatus.amber
    before, now = format_figure(local_before, unit, decimal_places), format_figure(local_now, unit, decimal_places)
    span = f"from {earlier_period} to {period}"
    if local == 0:
        movement = f"Unchanged at {now} {span}"
    else:
        movement = f"{_improved(local).capitalize()} {amount(local, unit, decimal_places)} ({before} to {now}) {span}"
    national_movement = f"{_improved(national)} {amount(national, unit, decimal_places)}" if national else "unchanged"
    reason = f"{movement}; {NATIONAL} {national_movement}."
    if worse_but_ahead:
        reason += f" Worse than {earlier_period}, though by less than {NATIONAL}: the target is to improve."
    elif status is not RatingStatus.green:
        shortfall = amount(national - local, unit, decimal_places)
        reason += f" {shortfall} behind {NATIONAL}{_tolerance_clause(status, amber_tolerance, unit, decimal_places)}."
    return _rating(status, reason)


def direction_of_travel(
    current: Decimal,
    earlier: Decimal | None,
    *,
    polarity: Polarity,
    decimal_places: int,
    unit: Unit,
    against: str | None,
) -> Travel:
    """Whether the figure, as shown, has moved since an earlier one, and whether that is for the better."""
    since = f" since {against}" if against else ""
    if earlier is None:
        reason = f"No figure for {against} to compare with." if against else "No earlier figure."
        return Travel(Direction.not_comparable, "No comparison", NOT_SHOWN, against, None, reason)
    change = as_shown(current, unit, decimal_places) - as_shown(earlier, unit, decimal_places)
    direction = _direction(change, polarity)
    if direction is Direction.stable:
        reason = f"Unchanged at {format_figure(current, unit, decimal_places)}{since}."
        return Travel(Direction.stable, "Stable", STEADY, against, change, reason)
    arrow, verb = (RISE, "Rose") if change > 0 else (FALL, "Fell")
    before, now = format_figure(earlier, unit, decimal_places), format_figure(current, unit, decimal_places)
    movement = f"{verb} from {before} to {now}{since}"
    if direction is Direction.not_comparable:
        return Travel(direction, "Changed", arrow, against, change, f"{movement}; no direction is better.")
    word = "Improving" if direction is Direction.improving else "Worsening"
    return Travel(direction, word, arrow, against, change, f"{movement}; {_WHICH_WAY[polarity]}.")


def travel_direction(
    current: Decimal, earlier: Decimal | None, *, polarity: Polarity, decimal_places: int, unit: Unit
) -> Direction:
    """direction_of_travel()'s direction alone, without its sentence."""
    if earlier is None:
        return Direction.not_comparable
    return _direction(as_shown(current, unit, decimal_places) - as_shown(earlier, unit, decimal_places), polarity)


def _direction(change: Decimal, polarity: Polarity) -> Direction:
    if change == 0:
        return Direction.stable
    if polarity is Polarity.none:
        return Direction.not_comparable
    return Direction.improving if change * _BETTER[polarity] > 0 else Direction.worsening


def _rating(status: RatingStatus, reason: str, word: str | None = None) -> Rating:
    return Rating(status=status, word=word or _WORDS[status], symbol=SYMBOLS[status], reason=reason)


def _judge(shortfall: Decimal, amber_tolerance: Decimal | None) -> RatingStatus:
    if amber_tolerance is not None and amber_tolerance < 0:
        raise ValueError(f"An amber tolerance cannot be negative (got {amber_tolerance}).")
    if shortfall <= 0:
        return RatingStatus.green
    if amber_tolerance is not None and shortfall <= amber_tolerance:
        return RatingStatus.amber
    return RatingStatus.red


def _tolerance_clause(status: RatingStatus, amber_tolerance: Decimal | None, unit: Unit, decimal_places: int) -> str:
    if amber_tolerance is None or status not in (RatingStatus.amber, RatingStatus.red):
        return ""
    size = amount(amber_tolerance, unit, _places(amber_tolerance, decimal_places))
    return f", {'within' if status is RatingStatus.amber else 'more than'} the tolerance of {size}"


def _improvement(now: Decimal, before: Decimal, polarity: Polarity, unit: Unit, decimal_places: int) -> Decimal:
    return (as_shown(now, unit, decimal_places) - as_shown(before, unit, decimal_places)) * _BETTER[polarity]


def _improved(improvement: Decimal) -> str:
    return "improved" if improvement > 0 else "worsened"


def _missing_figures(figures: tuple[Decimal | None, ...], period: str, earlier_period: str) -> str:
    sentences = (
        f"No figure for {period}.",
        f"No figure for {earlier_period} to compare with.",
        f"No {NATIONAL} figure for {period}.",
        f"No {NATIONAL} figure for {earlier_period} to compare with.",
    )
    return " ".join(sentence for figure, sentence in zip(figures, sentences, strict=True) if figure is None)


def amount(difference: Decimal, unit: Unit, decimal_places: int) -> str:
    """The size of a gap or change in the unit's terms: percentages differ by points, not per cent."""
    size = abs(difference)
    if unit is Unit.percent:
        return _counted(f"{_rounded(size, decimal_places):,f}", "point", "points")
    return format_figure(size, unit, decimal_places)


def as_shown(value: Decimal, unit: Unit, decimal_places: int) -> Decimal:
    """A figure as a reader sees it: rounded half up to the KPI's decimal places."""
    # Money is held in whole pence, so a currency KPI's decimal places have nothing finer to round to.
    return _rounded(value, 0 if unit is Unit.currency else decimal_places)


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(16))  # 1, 0.1, 0.01 ...: a KPI's decimal places


def _rounded(value: Decimal, decimal_places: int) -> Decimal:
    quantum = _QUANTA[decimal_places] if 0 <= decimal_places < len(_QUANTA) else Decimal(1).scaleb(-decimal_places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # -0.4 is shown as "0", never "-0"


def _places(number: Decimal, decimal_places: int) -> int:
    """Places enough to show a target or tolerance exactly: a target of 7.5 must not be printed as 8%."""
    exponent = number.normalize().as_tuple().exponent
    return max(decimal_places, -exponent) if isinstance(exponent, int) else decimal_places


def _pounds(pence: Decimal) -> str:
    pounds = pence.scaleb(-2)
    if pounds == pounds.to_integral_value():
        pounds = pounds.quantize(Decimal(1))
    return f"{'-' if pounds < 0 else ''}£{abs(pounds):,f}"


def _counted(number: str, singular: str, plural: str) -> str:
    return f"{number} {singular if number == '1' else plural}"
