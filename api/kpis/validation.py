"""The rules a submitted KPI value must pass, as pure functions over one row and the KPIs it names.

One rule is relaxed for published statistics (an EES import, api/benchmarks/imports.py), and only there: a value must
match its numerator and denominator to the KPI's last decimal place, but a publisher that rounds its counts (DfE rounds
national and regional counts to the nearest 10 and works the percentage out from the exact ones) is judged against
that rounding instead (api/benchmarks/ees.py, rounded_consistent); and a published percentage that still disagrees is
kept as published, with a note saying so, because the publisher's figure is the record (DfE leaves an authority whose
count is missing or unreliable out of a percentage but not out of the published counts).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pydantic import ConfigDict, Field, ValidationError

from api.benchmarks.ees import rounded_consistent
from api.kpis.combining import IN_YEAR
from api.kpis.models import GeographyLevel, Kpi, Scope, StatusSymbol, Tier, Unit
from api.periods import InvalidPeriod, Period, parse_period, year_type_for
from api.schemas import Figure, WriteModel

COLUMNS = ("kpi", "period", "scope", "value", "numerator", "denominator", "status_symbol", "provisional", "note")
FIGURES = ("value", "numerator", "denominator", "status_symbol", "provisional")


class RowIn(WriteModel):
    """One submitted value, as a CSV row or a JSON object; read-only fields (revision, submitted_at ...) are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kpi: str = Field(min_length=1, max_length=80, description="KPI code.")
    period: str = Field(min_length=1, max_length=20, description="Period code, e.g. FY2016-17 or 2016/17.")
    scope: str | None = Field(default=None, max_length=80, description="Scope key; the borough when omitted.")
    value: Figure | None = None
    numerator: Figure | None = None
    denominator: Figure | None = None
    status_symbol: StatusSymbol | None = None
    provisional: bool = False
    note: str | None = Field(default=None, max_length=2000)


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class ValidRow:
    row: int
    kpi: Kpi
    scope: Scope
    period: Period
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status_symbol: StatusSymbol | None
    provisional: bool
    note: str | None
    flag: str | None = None  # published figures kept though they disagree (see the module's notes)

    @property
    def identity(self) -> tuple[int, int, str]:
        return self.kpi.id, self.scope.id, self.period.code

    def figures(self) -> tuple[Any, ...]:
        return self.value, self.numerator, self.denominator, self.status_symbol, self.provisional


@dataclass(frozen=True)
class Published:
    """Figures as a statistics publisher printed them: counts at some levels rounded to the nearest ``rounding``."""

    rounding: int = 0
    rounded_at: frozenset[GeographyLevel] = frozenset()

    def rounding_for(self, scope: Scope) -> int:
        return self.rounding if scope.level in self.rounded_at else 0


@dataclass(frozen=True)
class Context:
    kpis: dict[str, Kpi]
    scopes: dict[str, Scope]
    default_scope: Scope | None
    today: date
    published: Published | None = None  # None: a submission, held to the strict check


def parse_row(number: int, raw: dict[str, Any]) -> RowIn | list[Problem]:
    if "_" in raw:  # the reader could not make a row of it
        return [Problem(number, "row", str(raw["_"]))]
    try:
        return RowIn.model_validate(raw)
    except ValidationError as error:
        return [
            Problem(number, ".".join(str(part) for part in detail["loc"]) or "row", detail["msg"])
            for detail in error.errors(include_url=False)
        ]


def check_row(number: int, row: RowIn, context: Context) -> ValidRow | list[Problem]:
    kpi = context.kpis.get(row.kpi)
    if kpi is None or kpi.archived_at is not None:
        return [Problem(number, "kpi", f"unknown KPI '{row.kpi}'" if kpi is None else f"KPI '{row.kpi}' is archived")]
    problems: list[Problem] = []
    scope = context.scopes.get(row.scope) if row.scope else context.default_scope
    if scope is None:
        problems.append(Problem(number, "scope", f"unknown scope '{row.scope}'" if row.scope else "no default scope"))
    period = _period(number, row.period, kpi, context.today, problems)
    value = _figures(number, row, kpi, problems, strict=context.published is None)
    if problems or scope is None or period is None:
        return problems
    flag = _unlike_its_counts(row, kpi, scope, context.published) if context.published else None
    note = "; ".join(text for text in (row.note, flag) if text) or None
    return ValidRow(
        number,
        kpi,
        scope,
        period,
        value,
        row.numerator,
        row.denominator,
        row.status_symbol,
        row.provisional,
        note,
        flag,
    )


def _unlike_its_counts(row: RowIn, kpi: Kpi, scope: Scope, published: Published) -> str | None:
    """Why a published percentage is kept though its counts do not give it, or None when they do (within the
    rounding)."""
    if kpi.unit is not Unit.percent or row.value is None or row.numerator is None or not row.denominator:
        return None
    rounding = published.rounding_for(scope)
    if rounded_consistent(row.value, row.numerator, row.denominator, rounding):
        return None
    worked_out = (row.numerator * 100 / row.denominator).quantize(row.value)
    rounded = f" even with counts rounded to the nearest {rounding}" if rounding else ""
    return (
        f"kept as published: {row.value} is not {row.numerator:,} of {row.denominator:,} ({worked_out}){rounded}; "
        "the publisher's percentage may rest on other counts (an authority's missing or unreliable count left out)"
    )


def _period(number: int, text: str, kpi: Kpi, today: date, problems: list[Problem]) -> Period | None:
    try:
        period = parse_period(text, year_type=year_type_for(kpi.period_type))
    except InvalidPeriod as error:
        problems.append(Problem(number, "period", str(error)))
        return None
    if (problem := period_problem(period, kpi, today, in_year=True)) is not None:
        problems.append(Problem(number, "period", problem))
        return None
    return period


def period_problem(period: Period, kpi: Kpi, today: date, *, in_year: bool = False) -> str | None:
    """Why no figure of this KPI can be for this period (of another kind, or not begun), or None. ``in_year``: a
    shorter period within the KPI's own (a month or quarter of an annual KPI, api/kpis/combining.py) will do."""
    shorter = IN_YEAR.get(kpi.period_type, ()) if in_year else ()
    if period.type is not kpi.period_type and period.type not in shorter and kpi.tier is not Tier.context:
        article = "an" if period.type.value[0] in "aeiou" else "a"
        also = "".join(f" or {kind.value.replace('_', ' ')}" for kind in shorter)
        return (
            f"{period.code} is {article} {period.type.value.replace('_', ' ')}, but {kpi.code} is reported by "
            f"{kpi.period_type.value.replace('_', ' ')}{also}"
        )
    if period.start > today:
        return f"{period.code} is in the future (it starts {period.start})"
    return None


def _figures(number: int, row: RowIn, kpi: Kpi, problems: list[Problem], *, strict: bool) -> Decimal | None:
    """Check value, numerator, denominator and status symbol together; returns the value to store. ``strict``: the
    value must match its numerator and denominator (published figures are judged by _unlike_its_counts instead)."""
    before = len(problems)
    if row.status_symbol is not None:
        for name in ("value", "numerator", "denominator"):
            if getattr(row, name) is not None:
                problems.append(Problem(number, name, f"a '{row.status_symbol.value}' (withheld) figure has no {name}"))
        return None
    if (row.numerator is None) != (row.denominator is None):
        problems.append(Problem(number, "numerator", "give both numerator and denominator, or neither"))
        return None
    computed = _computed(number, row, kpi, problems)
    given = row.value if row.value is not None else computed
    if given is None:
        if len(problems) == before:
            problems.append(Problem(number, "value", "give a value, a numerator and denominator, or a status symbol"))
        return None
    if strict and computed is not None and row.value is not None and row.numerator is not None and row.denominator:
        tolerance = Decimal(5) * Decimal(10) ** -(kpi.decimal_places + 1)
        if abs(row.value - row.numerator * 100 / row.denominator) > tolerance:
            problems.append(Problem(number, "value", f"{row.value} does not match numerator/denominator ({computed})"))
    problems.extend(Problem(number, "value", reason) for reason in range_problems(given, kpi.unit))
    return to_precision(given, kpi)


def to_precision(value: Decimal, kpi: Kpi) -> Decimal:
    """A figure as the KPI keeps it: rounded (half up) to its decimal places, so that 8.04 and 8.0 are one figure
    for a KPI shown to one decimal place."""
    return value.quantize(Decimal(10) ** -kpi.decimal_places, rounding=ROUND_HALF_UP)


def _computed(number: int, row: RowIn, kpi: Kpi, problems: list[Problem]) -> Decimal | None:
    if row.numerator is None or row.denominator is None:
        return None
    if row.denominator <= 0 or row.numerator < 0:
        problems.append(Problem(number, "denominator", "numerator must be 0 or more and denominator more than 0"))
        return None
    if row.numerator > row.denominator:
        problems.append(Problem(number, "numerator", f"numerator {row.numerator} is greater than denominator"))
        return None
    if kpi.unit is not Unit.percent:
        if row.value is None:
            problems.append(Problem(number, "value", "only percentages are computed from numerator and denominator"))
        return None
    try:
        return to_precision(row.numerator * 100 / row.denominator, kpi)
    except InvalidOperation:
        problems.append(Problem(number, "value", "cannot compute a value from numerator and denominator"))
        return None


def range_problems(value: Decimal, unit: Unit) -> list[str]:
    if unit is Unit.percent and not 0 <= value <= 100:
        return [f"{value} is not a percentage between 0 and 100"]
    if unit in (Unit.days, Unit.count, Unit.rate) and value < 0:
        return [f"{value} is negative; {unit.value} cannot be"]
    if unit in (Unit.count, Unit.currency) and value != value.to_integral_value():
        return [f"{value} is not a whole number" + (" of pence" if unit is Unit.currency else "")]
    return []
