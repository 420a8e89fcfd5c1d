from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AliasPath, BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from api.benchmarks.benchmark_schemas import GapRead, RankRead
from api.benchmarks.statistics import Judgement
from api.kpis.models import (
    Combine,
    GeographyLevel,
    Polarity,
    ScopeKind,
    StatusSymbol,
    SubmissionFormat,
    SubmissionMode,
    TargetKind,
    Tier,
    Unit,
)
from api.kpis.rating import Direction, RatingStatus
from api.kpis.validation import RowIn
from api.pagination import PageParams
from api.periods import PeriodType
from api.schemas import Counts, Figure, Key, NotNull, Number, ReadModel, WriteModel, refuse_null


class ScopeRead(ReadModel):
    key: str
    name: str
    kind: ScopeKind
    gss_code: str | None = Field(description="The ONS GSS code of a place (E06000004), accepted wherever the key is.")
    level: GeographyLevel | None = Field(description="Where a place sits in DfE's geography; none for teams.")
    old_la_code: str | None = Field(description="A local authority's old LA number (808), accepted as its key is.")
    region_code: str | None = Field(description="The GSS code of a local authority's region.")


class KpiTargetRead(ReadModel):
    period: str
    kind: TargetKind
    value: Number | None = Field(description="The target figure (numeric targets only).")
    amber_tolerance: Number | None = Field(description="How far short of target still counts as amber.")
    note: str | None


class KpiValueRead(ReadModel):
    period: str
    period_type: PeriodType = Field(
        description="The KPI's own, or a month or quarter within it (an in-year figure of an annual KPI)."
    )
    period_start_date: date
    period_end_date: date
    scope: str = Field(validation_alias=AliasPath("scope", "key"), description="Scope key.")
    revision: int
    value: Number | None
    numerator: Number | None
    denominator: Number | None
    status_symbol: StatusSymbol | None = Field(description="c = confidential, x = not available, z = n/a.")
    provisional: bool
    source: str | None
    note: str | None
    reason: str | None = Field(description="Why this revision was made.")
    submitted_at: datetime
    submitted_by: str


POSITION = "Place in the strategy's order (1 = first); lists give KPIs tier by tier, each tier in this order."


class KpiRead(ReadModel):
    code: str
    title: str
    description: str | None
    tier: Tier
    position: int = Field(description=POSITION)
    unit: Unit
    decimal_places: int
    polarity: Polarity
    period_type: PeriodType
    combine: Combine = Field(
        description="How figures combine over periods and teams: sum (counts), latest (snapshots such as children "
        "in care at month end), ratio (sum of numerators over sum of denominators)."
    )
    focus_area: str | None = Field(default=None, validation_alias=AliasPath("focus_area", "key"))
    national_code: str | None = Field(description="DfE LAIT measure code, where the measure matches.")
    national_indicator: str | None = Field(
        default=None, description="The national indicator (GET /national-indicators/{key}) it was adopted from."
    )
    baseline_period: str | None
    baseline_value: Number | None
    baseline_note: str | None
    note: str | None
    version: int = Field(description="Also the ETag: send it back in If-Match to change the KPI or its targets.")
    archived_at: datetime | None
    updated_at: datetime


class KpiDetail(KpiRead):
    targets: list[KpiTargetRead]
    latest_values: list[KpiValueRead] = Field(
        description="The latest revision of the most recent period, one per scope."
    )


class KpiValueIn(WriteModel):
    """A figure for one KPI, period and scope. Give a value, or a numerator and denominator (a percentage is then
    computed), or a status symbol for a figure that is withheld."""

    value: Figure | None = Field(default=None, examples=[9])
    numerator: Figure | None = None
    denominator: Figure | None = None
    status_symbol: StatusSymbol | None = None
    provisional: bool = False
    note: str | None = Field(default=None, max_length=2000)
    source: str | None = Field(default=None, max_length=200, examples=["Liquidlogic LCS monthly extract"])
    reason: str | None = Field(default=None, max_length=2000, description="Why a figure is being corrected.")

    def figures(self) -> dict[str, object]:
        return self.model_dump(include={"value", "numerator", "denominator", "status_symbol", "provisional", "note"})


class KpiValueWritten(KpiValueRead):
    outcome: Literal["created", "updated", "unchanged"] = Field(
        description="created: first figure; updated: a new revision; unchanged: the same figure was already held."
    )


class SubmissionIn(WriteModel):
    """A JSON batch (documentation of the body; rows are checked one by one so each problem names its row)."""

    rows: list[RowIn] = Field(min_length=1, max_length=10_000)
    source: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


class Rejection(BaseModel):
    row: int = Field(description="1-based position among the rows submitted.")
    line: int | None = Field(description="Line of the CSV file (the header is line 1).")
    field: str
    reason: str


class SubmissionSummary(BaseModel):
    id: int | None = Field(description="The stored submission (null for a dry run).")
    dry_run: bool
    mode: SubmissionMode
    format: SubmissionFormat
    source: str | None
    submitted_at: datetime | None
    submitted_by: str
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    rejections: list[Rejection]


class RatingRead(BaseModel):
    status: RatingStatus = Field(description="green, amber, red or not_rated; never shown by colour alone.")
    word: str = Field(examples=["Off target"])
    symbol: str = Field(examples=["✖"])
    reason: str = Field(examples=["9% against a target of 7% (lower is better): 2 points worse than target."])


class TravelRead(BaseModel):
    direction: Direction
    word: str = Field(examples=["Improving"])
    symbol: str = Field(description="The figure's movement: ▲ rose, ▼ fell, ◆ unchanged, – no comparison.")
    against: str | None = Field(description="The period compared with.")
    change: Number | None = Field(description="This figure minus the earlier one, as shown.")
    reason: str


class FigureRead(BaseModel):
    period: str
    value: Number | None
    display: str | None = Field(description="The value as a report prints it, e.g. '9%', '611 days'.")
    numerator: Number | None
    denominator: Number | None
    status_symbol: StatusSymbol | None
    provisional: bool
    revision: int
    submitted_at: datetime


class ComparatorRead(BaseModel):
    scope: str
    name: str
    value: Number | None
    display: str | None
    difference: Number | None = Field(description="Our figure minus the comparator's, as shown.")
    judgement: Judgement | None = Field(
        description="What the difference says by the KPI's polarity: better, worse, same, or 'not judged'."
    )
    words: str | None = Field(examples=["2.1 points better than North East"])


class NeighboursRead(BaseModel):
    model: str = Field(description="The DfE model the neighbours come from ('2025', else '2021').")
    mean: Number | None = Field(description="Of the neighbours' numeric figures, as shown.")
    display: str | None
    with_figure: int
    member_count: int


class StatusBenchmarkRead(BaseModel):
    """Where the figure stands nationally (GET /kpis/{code}/benchmark gives the whole picture)."""

    rank: RankRead | None = Field(description="Among England's local authorities with a figure for the period.")
    neighbours: NeighboursRead | None = Field(description="The statistical neighbours' mean for the period.")
    gap_to_england: GapRead | None


class TargetSummary(BaseModel):
    period: str
    kind: TargetKind
    value: Number | None
    amber_tolerance: Number | None
    display: str = Field(examples=["7%", "Monitor", "Improve at least in line with the national rate"])


class KpiStatusRead(BaseModel):
    code: str
    title: str
    tier: Tier
    position: int = Field(description=POSITION)
    unit: Unit
    polarity: Polarity
    decimal_places: int
    scope: str
    period: str | None = Field(description="The period reported (the latest with a figure when none was asked for).")
    baseline_period: str | None
    baseline_value: Number | None
    figure: FigureRead | None
    target: TargetSummary | None
    rating: RatingRead
    vs_previous: TravelRead | None = Field(description="Direction of travel since the previous period.")
    vs_last_year: TravelRead | None = Field(description="Since the same period last year (sub-annual KPIs only).")
    comparators: list[ComparatorRead] = Field(
        description="England, the region and the council's own comparators, each with the difference in words."
    )
    benchmark: StatusBenchmarkRead | None = Field(
        description="Rank, quartile, neighbours' mean and gap to England, once DfE's figures are imported."
    )


class RatingCounts(Counts):
    """How many KPIs are rated green, amber and red, and how many not rated (no figure or no target)."""

    values = tuple(RatingStatus)
    green: int
    amber: int
    red: int
    not_rated: int


class Scorecard(BaseModel):
    period: str | None = Field(description="The period asked for, if any.")
    tier: Tier | None
    scope: str
    summary: RatingCounts = Field(description="KPIs by rating.")
    items: list[KpiStatusRead]


Code = Key
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
LongText = Annotated[str, StringConstraints(max_length=4000)]
PeriodText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class KpiCreate(WriteModel):
    code: Code = Field(examples=["neet-not-known-16-19"])
    title: Title
    description: LongText | None = None
    tier: Tier
    unit: Unit
    decimal_places: int = Field(default=0, ge=0, le=6, description="How many decimals a figure is shown and kept to.")
    polarity: Polarity
    period_type: PeriodType
    combine: Combine | None = Field(
        default=None,
        description="How figures combine over periods and teams (sum, latest or ratio); default by unit: count and "
        "currency sum, percent and rate ratio, days latest.",
    )
    focus_area: Code | None = Field(default=None, description="Focus area key.")
    national_code: str | None = Field(default=None, max_length=20, description="DfE LAIT measure code.")
    baseline_period: PeriodText | None = Field(
        default=None, examples=["FY2015-16", "2015/16"], description="Of the KPI's period type (context KPIs: any)."
    )
    baseline_value: Figure | None = None
    baseline_note: LongText | None = None
    note: LongText | None = None


class KpiUpdate(WriteModel):
    """Fields to change. The code never changes; unit and period type cannot change once figures are held."""

    title: Title | NotNull = None
    description: LongText | None = None
    tier: Tier | NotNull = None
    unit: Unit | NotNull = None
    decimal_places: Annotated[int, Field(ge=0, le=6)] | NotNull = None
    polarity: Polarity | NotNull = None
    period_type: PeriodType | NotNull = None
    combine: Combine | NotNull = None
    focus_area: Code | None = None
    national_code: str | None = Field(default=None, max_length=20)
    baseline_period: PeriodText | None = None
    baseline_value: Figure | None = None
    baseline_note: LongText | None = None
    note: LongText | None = None

    _not_emptied = refuse_null("title", "tier", "unit", "decimal_places", "polarity", "period_type", "combine")


class TargetIn(WriteModel):
    """A KPI's target for one period: a figure (numeric), monitor only, or in line with the national rate."""

    kind: TargetKind
    value: Figure | None = Field(
        default=None, validate_default=True, description="Required for a numeric target; refused otherwise."
    )
    amber_tolerance: Figure | None = Field(
        default=None, ge=0, description="Numeric targets only: how far short of target still counts as amber."
    )
    note: LongText | None = None

    @field_validator("value")
    @classmethod
    def _value_iff_numeric(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        if kind is TargetKind.numeric and value is None:
            raise ValueError("a numeric target needs a value")
        if kind is not None and kind is not TargetKind.numeric and value is not None:
            raise ValueError(f"a {kind.value} target has no value")
        return value

    @field_validator("amber_tolerance")
    @classmethod
    def _tolerance_only_numeric(cls, tolerance: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        if tolerance is not None and kind is not None and kind is not TargetKind.numeric:
            raise ValueError(f"a {kind.value} target has no amber tolerance")
        return tolerance


class NationalIndicatorQuery(PageParams):
    topic: str | None = Field(None, max_length=80, description="Only this LAIT topic, e.g. Children Looked After.")
    q: str | None = Field(None, min_length=2, max_length=100, description="Search the measure and title.")


class NationalIndicatorRead(ReadModel):
    key: str = Field(description="The indicator's key in this catalogue, from its short name in the dictionary.")
    national_code: str | None = Field(description="DfE LAIT measure code (shared by a table's measures; some none).")
    topic: str
    title: str
    measure: str
    polarity: Polarity
    unit: Unit
    decimal_places: int
    period_type: PeriodType
    description: str | None
    source: str | None = Field(description="The data owner.")
    adopted_as: str | None = Field(description="The code of the KPI defined from this indicator, if any.")


class NationalAdoption(WriteModel):
    """A national indicator adopted as a KPI: its local code, and anything to differ from the definition."""

    code: Code = Field(examples=["cla-placement-stability"])
    tier: Tier = Tier.service_indicator
    focus_area: Code | None = Field(default=None, description="Focus area key.")
    title: Title | NotNull = None
    decimal_places: Annotated[int, Field(ge=0, le=6)] | NotNull = None

    _not_emptied = refuse_null("title", "decimal_places")
