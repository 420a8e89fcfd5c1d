"""A mapping: how one Explore Education Statistics (EES) tidy-data file becomes one KPI's values.

DfE publishes each statistic as a file of rows, one per period, place and breakdown, with the figures in indicator
columns (seed/national/README.md). Which rows and columns make a KPI differs from file to file, so it is written down
as data rather than code: the repository ships one per KPI its DfE files cover (seed/national/mappings.yaml), and a
council can send its own, inline, for a file nobody anticipated. A mapping says

- which rows: `filters` every used row matches, and the geographic `levels` imported;
- which figure: a `value` column written as `value_format`, and/or `numerator` and `denominator` columns;
- a denominator from another row (`denominator_row`: "Total children" beside "Living with the same carer");
- rows summed over a column (`sum_over` age bands, optionally only `sum_values`), the rate worked out again;
- counts the publisher rounded (`counts_rounded_to` at `counts_rounded_at`), so its figures are judged as published.

Column names are read in lower case, as the service reads every CSV header (api/csv_input.py); filter values are
compared as written, spaces around them aside.
"""

from functools import cache
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, StringConstraints, ValidationError, model_validator

from api.benchmarks.ees import ValueFormat
from api.errors import InvalidInput, NotFound, ProblemError
from api.kpis.models import GeographyLevel
from api.schemas import Key, WriteModel
from api.settings import get_settings

SHIPPED = "national/mappings.yaml"  # under the seed directory
ColumnName = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=100)]
CellText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Filter(WriteModel):
    """A row is used only if this column holds this value."""

    column: ColumnName = Field(description="The column, e.g. breakdown.")
    value: CellText = Field(description="The value, e.g. Total.")


def _one_each(filters: list[Filter]) -> list[Filter]:
    if len({wanted.column for wanted in filters}) < len(filters):
        raise ValueError("names a column more than once")
    return filters


Filters = Annotated[list[Filter], Field(max_length=20), AfterValidator(_one_each)]


def by_column(filters: list[Filter]) -> dict[str, str]:
    return {wanted.column: wanted.value for wanted in filters}


MappingName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80)]
Format = Literal["number", "percent", "years_months", "months_days"]
ALL_LEVELS = [GeographyLevel.country, GeographyLevel.region, GeographyLevel.local_authority]


class DenominatorRow(WriteModel):
    """The denominator read from another row of the same period and place (and the same values in the other
    breakdown columns the mapping names): the one whose listed columns hold these values."""

    filters: Filters = Field(
        min_length=1, description='e.g. [{"column": "placement_stability", "value": "Total children"}].'
    )
    column: ColumnName = Field(description="The column of that row holding the denominator, e.g. children_count.")


class Mapping(WriteModel):
    """How one EES tidy-data file becomes one KPI's values (api/benchmarks/mapping.py)."""

    kpi: Key = Field(description="The KPI's code.")
    title: str | None = Field(None, max_length=200, description="What the mapping reads, in a line.")
    description: str | None = Field(None, max_length=2000, description="Anything a reader of the figures should know.")
    file: str | None = Field(None, max_length=200, description="The DfE file it was written for (informational).")
    source: str = Field("DfE published", min_length=1, max_length=200, description="Stored as each value's source.")
    levels: list[GeographyLevel] = Field(
        default_factory=lambda: list(ALL_LEVELS), min_length=1, max_length=3, description="The levels imported."
    )
    filters: Filters = Field(
        default_factory=list,
        description='Every used row matches these, e.g. [{"column": "breakdown", "value": "Total"}].',
    )
    value: ColumnName | None = Field(None, description="The column holding the KPI's figure.")
    value_format: Format = Field(
        "number", description="How it is written: number, percent, years_months or months_days (as days)."
    )
    numerator: ColumnName | None = Field(None, description="The column holding the count of those counted.")
    denominator: ColumnName | None = Field(None, description="The column holding the count of all (same row).")
    denominator_row: DenominatorRow | None = Field(None, description="The denominator from another row.")
    sum_over: ColumnName | None = Field(
        None, description="A column whose rows are summed (age bands): counts added, the rate worked out again."
    )
    sum_values: list[CellText] | None = Field(
        None, min_length=1, max_length=50, description="Only these values of sum_over are summed (default: all)."
    )
    counts_rounded_to: int | None = Field(
        None, ge=1, le=1000, description="The publisher rounded the counts to the nearest this (DfE: 10)."
    )
    counts_rounded_at: list[GeographyLevel] = Field(
        default_factory=lambda: [GeographyLevel.country, GeographyLevel.region],
        max_length=3,
        description="The levels whose counts are rounded (DfE: national and regional; local authorities' are exact).",
    )

    @model_validator(mode="after")
    def _coherent(self) -> "Mapping":
        problems = [problem for problem in self._problems() if problem]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _problems(self) -> list[str | None]:
        counts = self.numerator is not None
        denominator = self.denominator is not None or self.denominator_row is not None
        summed_counts = self.sum_over is not None and counts
        return [
            None if self.value or counts else "give a value column, or numerator and denominator columns",
            "give the denominator as a column or as a row, not both"
            if self.denominator and self.denominator_row
            else None,
            "a numerator needs a denominator (a column or a row)" if counts and not denominator else None,
            "a denominator needs a numerator" if denominator and not counts else None,
            "sum_values needs sum_over" if self.sum_values and not self.sum_over else None,
            f"sum_over column '{self.sum_over}' is also a filter" if self.sum_over in by_column(self.filters) else None,
            "summed rows work the rate out from the summed counts: give numerator and denominator, not value"
            if summed_counts and self.value
            else None,
            "only counts (value_format number) can be summed; a rate is summed as numerator and denominator"
            if self.sum_over and not counts and self.value_format != "number"
            else None,
        ]

    @property
    def value_kind(self) -> ValueFormat:
        return ValueFormat[self.value_format]

    def columns(self) -> dict[str, str]:
        """Every column the mapping names, with what it names it as (for a message when the file lacks one)."""
        named: dict[str, str] = {column: "a filter" for column in by_column(self.filters)}
        for role in ("value", "numerator", "denominator", "sum_over"):
            if (column := getattr(self, role)) is not None:
                named[column] = f"the {role.replace('_', ' ')}"
        if self.denominator_row is not None:
            named |= {column: "a denominator row's filter" for column in by_column(self.denominator_row.filters)}
            named[self.denominator_row.column] = "the denominator row's column"
        return named


@cache
def shipped() -> dict[str, Mapping]:
    """The mappings shipped with the seed (seed/national/mappings.yaml), by name: read once; none for a seed without
    the file (a council's own seed directory)."""
    path = get_settings().seed_path / SHIPPED
    raw = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
    return {str(name): Mapping.model_validate(mapping) for name, mapping in raw.items()}


def get_shipped(name: str) -> Mapping:
    """A shipped mapping, addressed by its name in a path (404 when there is none)."""
    found = shipped().get(name)
    if found is None:
        raise NotFound("mapping", name)
    return found


def named(name: str) -> Mapping:
    """A shipped mapping named by a request (422 when there is none: the request is wrong, not the URL)."""
    found = shipped().get(name)
    if found is None:
        listed = ", ".join(shipped())
        raise InvalidInput(
            f"There is no shipped mapping named '{name}'; the mappings are: {listed}.",
            errors=[_error(["query", "mapping"], f"unknown mapping '{name}'")],
        )
    return found


def inline(text: str | bytes) -> Mapping:
    """A mapping sent as JSON in the request; refused (422) naming each field that is wrong."""
    try:
        return Mapping.model_validate_json(text)
    except ValidationError as error:
        errors = [
            _error(["body", "mapping", *(part for part in detail["loc"])], detail["msg"].removeprefix("Value error, "))
            for detail in error.errors(include_url=False)
        ]
        said = "; ".join(f"{'.'.join(str(part) for part in e.loc[2:]) or 'mapping'}: {e.msg}" for e in errors)
        raise InvalidInput(f"The inline mapping is not valid ({said}).", errors=errors) from error


def _error(loc: list[str | int], message: str) -> ProblemError:
    return ProblemError(loc=loc, msg=message)
