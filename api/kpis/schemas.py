from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AliasPath, BaseModel, Field

from api.kpis.models import (
    Polarity,
    ScopeKind,
    StatusSymbol,
    SubmissionFormat,
    SubmissionMode,
    TargetKind,
    Tier,
    Unit,
)
from api.periods import PeriodType
from api.schemas import Number, ReadModel, WriteModel


class ScopeRead(ReadModel):
    key: str
    name: str
    kind: ScopeKind
    gss_code: str | None


class KpiTargetRead(ReadModel):
    period: str
    kind: TargetKind
    value: Number | None = Field(description="The target figure (numeric targets only).")
    amber_tolerance: Number | None = Field(description="How far short of target still counts as amber.")
    note: str | None


class KpiValueRead(ReadModel):
    period: str
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


class KpiRead(ReadModel):
    code: str
    title: str
    description: str | None
    tier: Tier
    unit: Unit
    decimal_places: int
    polarity: Polarity
    period_type: PeriodType
    focus_area: str | None = Field(default=None, validation_alias=AliasPath("focus_area", "key"))
    national_code: str | None = Field(description="DfE LAIT measure code, where the measure matches.")
    baseline_period: str | None
    baseline_value: Number | None
    baseline_note: str | None
    note: str | None
    updated_at: datetime


class KpiDetail(KpiRead):
    targets: list[KpiTargetRead]
    latest_values: list[KpiValueRead] = Field(
        description="The latest revision of the most recent period, one per scope."
    )


class KpiValueIn(WriteModel):
    """A figure for one KPI, period and scope. Give a value, or a numerator and denominator (a percentage is then
    computed), or a status symbol for a figure that is withheld."""

    value: Decimal | None = Field(default=None, allow_inf_nan=False, examples=[9])
    numerator: Decimal | None = Field(default=None, allow_inf_nan=False)
    denominator: Decimal | None = Field(default=None, allow_inf_nan=False)
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


class SubmissionRowIn(BaseModel):
    """One row of a batch (the same columns in CSV)."""

    kpi: str
    period: str
    scope: str | None = None
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status_symbol: StatusSymbol | None = None
    provisional: bool = False
    note: str | None = None


class SubmissionIn(BaseModel):
    """A JSON batch (documentation of the body; rows are checked one by one so each problem names its row)."""

    rows: list[SubmissionRowIn] = Field(max_length=10_000)
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
