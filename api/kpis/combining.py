"""How a KPI's figures combine, as pure functions: months into quarters, a year so far and twelve months, teams into
the borough, and a target profile's point for a period.

The rule is the KPI's `combine`:

- ``sum`` (counts): the figures added up;
- ``latest`` (snapshots, such as children in care at month end): a span's figure is its last period's, and
  snapshots of different teams at one moment add up only when they are counts (or money);
- ``ratio`` (rates): the numerators added up over the denominators added up; for a percentage that is
  100 x sum(numerators) / sum(denominators); for any other unit (a rate per 10,000, say, whose scale the service does
  not hold) it is the figures weighted by their denominators, sum(value x denominator) / sum(denominator), which is
  the same thing in the unit's own scale. Every figure needs its numerator and denominator.

A combined figure is never a guess: a missing or withheld part means no figure, and the reason names the part.
Combined figures are kept to six decimal places (as figures are stored) and shown as the KPI shows its own.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from api.kpis.models import Combine, ProfileBasis, StatusSymbol, Unit
from api.periods import Period, PeriodType

PLACES = Decimal("0.000001")
# The shorter periods a KPI takes figures for within its own (in-year figures), finest last.
IN_YEAR: dict[PeriodType, tuple[PeriodType, ...]] = {
    PeriodType.financial_year: (PeriodType.financial_quarter, PeriodType.month),
    PeriodType.academic_year: (PeriodType.month,),
    PeriodType.financial_quarter: (PeriodType.month,),
}
ADDS_ACROSS_PLACES = (Unit.count, Unit.currency)  # a snapshot in these units adds up across teams


def default_combine(unit: Unit) -> Combine:
    """The rule a KPI takes when its definition names none: counts and money add up, percentages and rates are
    ratios, and anything else (days) is read as a snapshot until a person says otherwise."""
    if unit in (Unit.count, Unit.currency):
        return Combine.sum
    return Combine.ratio if unit in (Unit.percent, Unit.rate) else Combine.latest


@dataclass(frozen=True)
class Piece:
    """One figure that may go into a combination: a period's (or a team's) latest revision."""

    label: str  # the period code, or the team's key
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status_symbol: StatusSymbol | None = None


@dataclass(frozen=True)
class Combined:
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    parts: tuple[str, ...]  # what was combined: period codes or team keys, in order
    reason: str | None  # why there is no value; None when there is one


def _none(reason: str, parts: Iterable[str] = ()) -> Combined:
    return Combined(None, None, None, tuple(parts), reason)


def _total(numbers: Iterable[Decimal | None]) -> Decimal | None:
    """The numbers added up; None if any is missing."""
    given = list(numbers)
    found = [number for number in given if number is not None]
    return sum(found, Decimal(0)) if found and len(found) == len(given) else None


def combine(rule: Combine, unit: Unit, pieces: Sequence[Piece], *, across: bool = False) -> Combined:
    """The pieces combined by the rule; ``across``: the pieces are teams' figures for one period (not one scope's
    figures for consecutive periods, oldest first)."""
    labels = tuple(piece.label for piece in pieces)
    if not pieces:
        return _none("There are no figures to combine.")
    if withheld := [piece.label for piece in pieces if piece.value is None]:
        return _none(f"The figure for {', '.join(withheld)} is withheld, so the figures cannot be combined.", labels)
    if rule is Combine.latest and not across:
        last = pieces[-1]
        return Combined(last.value, last.numerator, last.denominator, (last.label,), None)
    if rule is Combine.sum or (rule is Combine.latest and unit in ADDS_ACROSS_PLACES):
        numerator, denominator = _total(p.numerator for p in pieces), _total(p.denominator for p in pieces)
        return Combined(_total(p.value for p in pieces), numerator, denominator, labels, None)
    if missing := [piece.label for piece in pieces if piece.numerator is None or piece.denominator is None]:
        why = (
            f"A snapshot in {unit.value} does not add up across teams"
            if rule is Combine.latest
            else "A ratio is combined from numerators and denominators"
        )
        return _none(f"{why}, and {', '.join(missing)} gave none.", labels)
    return _ratio(unit, pieces, labels)


def _ratio(unit: Unit, pieces: Sequence[Piece], labels: tuple[str, ...]) -> Combined:
    numerator = sum((p.numerator for p in pieces if p.numerator is not None), Decimal(0))
    denominator = sum((p.denominator for p in pieces if p.denominator is not None), Decimal(0))
    if unit is Unit.percent:
        value = numerator * 100 / denominator
    else:
        weighted = sum((p.value * p.denominator for p in pieces if p.value is not None and p.denominator), Decimal(0))
        value = weighted / denominator
    return Combined(value.quantize(PLACES), numerator, denominator, labels, None)


def months_of(first: Period, last: Period) -> list[Period]:
    """The months from the one ``first`` starts in to the one ``last`` ends in, in order."""
    month, end = Period.containing(first.start, PeriodType.month), Period.containing(last.end, PeriodType.month)
    months = []
    while month <= end:
        months.append(month)
        month = month.next()
    return months


def _cover(months: Sequence[Period], figures: dict[str, Piece], *, quarters: bool) -> tuple[list[Piece], list[str]]:
    """The figures that cover the months: each month's, or (``quarters``) a whole quarter's where any of its months
    is missing; and the periods with no figure."""
    pieces: list[Piece] = []
    missing: list[str] = []
    spanned = {month.code for month in months}
    index = 0
    while index < len(months):
        quarter = Period.containing(months[index].start, PeriodType.financial_quarter)
        inside = [m for m in months_of(quarter, quarter) if m.code in spanned]
        absent = [m.code for m in inside if m.code not in figures]
        whole = len(inside) == 3
        if absent and quarters and whole and quarter.code in figures:
            pieces.append(figures[quarter.code])
        else:
            pieces += [figures[m.code] for m in inside if m.code in figures]
            missing += absent
        index += len(inside)
    return pieces, missing


def over(
    rule: Combine, unit: Unit, months: Sequence[Period], figures: dict[str, Piece], *, quarters: bool = True
) -> Combined:
    """A span of months combined from the figures held (by period code): the months' own, or a quarter's where its
    months are missing (with ``quarters``). A snapshot's figure for the span is its last month's (or, when that
    month is missing and it ends a quarter, the quarter's)."""
    if rule is Combine.latest:
        last = months[-1]
        quarter = Period.containing(last.start, PeriodType.financial_quarter)
        piece = figures.get(last.code) or (figures.get(quarter.code) if quarters and quarter.end == last.end else None)
        if piece is None:
            return _none(f"No figure for {last.code}: a snapshot's figure is the one at the end of the span.")
        return combine(rule, unit, [piece])
    pieces, missing = _cover(months, figures, quarters=quarters)
    if missing:
        return _none(f"No figure for {', '.join(missing)}.", (piece.label for piece in pieces))
    return combine(rule, unit, pieces)


def rolling(rule: Combine, unit: Unit, month: Period, figures: dict[str, Piece]) -> Combined:
    """The twelve months to the end of ``month`` combined (quarters standing in for missing months)."""
    if rule is Combine.latest:
        return _none("A snapshot is not combined over twelve months: its figure at the month's end is the figure.")
    first = month
    for _ in range(11):
        first = first.previous()
    return over(rule, unit, months_of(first, month), figures)


def profile_target(rule: Combine, basis: ProfileBasis, points: dict[date, Decimal], end: date) -> Decimal | None:
    """The profile's target for the year so far to ``end`` (None: no point ends then). A count's (``sum``) target
    is cumulative: a per-period profile's points up to then, added up; a snapshot's or a ratio's is the point's."""
    if end not in points:
        return None
    if rule is Combine.sum and basis is ProfileBasis.per_period:
        return sum((value for when, value in points.items() if when <= end), Decimal(0))
    return points[end]
