from datetime import date, datetime

from pydantic import AliasPath, Field

from api.kpis.models import Polarity, ScopeKind, StatusSymbol, TargetKind, Tier, Unit
from api.periods import PeriodType
from api.schemas import Number, ReadModel


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
