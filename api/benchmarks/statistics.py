"""The arithmetic of a benchmark, as pure functions: figures in, numbers and words a reader can trust out.

- **Mean and median** are of the figures there are: a withheld figure (DfE's c, x, z, k, u) is not a number and is
  left out, never counted as nought. Callers pass only numeric figures.
- **Rank** is standard competition ranking by the KPI's polarity, 1 = best: a figure's rank is one more than the
  number of figures strictly better than it, so ties share the best rank their figure earns and the next rank
  counts everyone ahead (1, 2, 2, 4). A KPI with no polarity has no best, so no rank.
- **Quartile** comes from the rank: quartile = ceil(4 × rank ÷ n), 1 = best, the fewest quarters of the field that
  reach down to the rank (rank ÷ n at most ¼, ½, ¾ or 1). Of n = 150 authorities, ranks 1-37 are the first
  quartile (the top 25% is 37.5 authorities), 38-75 the second, 76-112 the third and 113-150 the fourth. A tie sits
  in the quartile of its shared rank. Fewer than four figures make no quartiles (the rule would put the only
  authority of one in the fourth).
- **The gap to England** is the subject's figure minus England's, with a word for it by polarity: `better`,
  `worse` or `same`; a KPI with no polarity is `not judged`. Never a bare number.

Figures are compared as shown (rounded half up to the KPI's decimal places, api/kpis/rating.py), so two figures
printed alike tie and a gap is the difference between the figures as printed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from api.kpis.models import Kpi, Polarity, Unit
from api.kpis.rating import amount, as_shown

QUARTILES = 4


class Judgement(StrEnum):
    better = "better"
    worse = "worse"
    same = "same"
    not_judged = "not judged"  # the KPI has no polarity: a difference, not a verdict


@dataclass(frozen=True)
class Gap:
    difference: Decimal  # subject minus the comparator, as shown
    judgement: Judgement
    words: str  # "0.8 points worse than England"


def mean(figures: Sequence[Decimal]) -> Decimal | None:
    """The arithmetic mean; None for no figures."""
    return sum(figures, Decimal(0)) / len(figures) if figures else None


def median(figures: Sequence[Decimal]) -> Decimal | None:
    """The middle figure, or the mean of the middle two; None for no figures."""
    if not figures:
        return None
    ordered = sorted(figures)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def better(first: Decimal, second: Decimal, polarity: Polarity) -> bool:
    """Whether ``first`` is strictly better than ``second`` (never, with no polarity)."""
    if polarity is Polarity.lower_better:
        return first < second
    if polarity is Polarity.higher_better:
        return first > second
    return False


def rank(figure: Decimal, field: Sequence[Decimal], polarity: Polarity) -> int | None:
    """Competition rank of ``figure`` among ``field`` (which holds it), 1 = best; None with no polarity."""
    if polarity is Polarity.none:
        return None
    return 1 + sum(1 for other in field if better(other, figure, polarity))


def quartile(position: int, count: int) -> int | None:
    """The quartile of a rank among ``count`` ranked figures, 1 = best: ceil(4 × rank ÷ count); None for fewer
    than four."""
    if not 1 <= position <= count:
        raise ValueError(f"rank {position} is not among {count}")
    return -(-QUARTILES * position // count) if count >= QUARTILES else None


def judge(difference: Decimal, polarity: Polarity) -> Judgement:
    """What a difference (subject minus comparator) says by polarity."""
    if polarity is Polarity.none:
        return Judgement.not_judged
    if difference.is_zero():
        return Judgement.same
    return Judgement.better if better(difference, Decimal(0), polarity) else Judgement.worse


def gap(
    subject: Decimal, comparator: Decimal, *, polarity: Polarity, unit: Unit, decimal_places: int, against: str
) -> Gap:
    """The gap between two figures as shown, in words: "0.8 points worse than England", "the same as England",
    "3 days higher than England" (no polarity: the direction, not a verdict)."""
    difference = as_shown(subject, unit, decimal_places) - as_shown(comparator, unit, decimal_places)
    judgement = judge(difference, polarity)
    if difference.is_zero():
        return Gap(difference, judgement, f"the same as {against}")
    size = amount(difference, unit, decimal_places)
    if judgement is Judgement.not_judged:
        return Gap(difference, judgement, f"{size} {'higher' if difference > 0 else 'lower'} than {against}")
    return Gap(difference, judgement, f"{size} {judgement.value} than {against}")


def gap_for(kpi: Kpi, subject: Decimal | None, comparator: Decimal | None, against: str) -> Gap | None:
    """gap() by the KPI's polarity, unit and decimal places; None unless both figures are numbers."""
    if subject is None or comparator is None:
        return None
    return gap(
        subject, comparator, polarity=kpi.polarity, unit=kpi.unit, decimal_places=kpi.decimal_places, against=against
    )
