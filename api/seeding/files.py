"""The seed files' shapes. The same models validate what is loaded and shape what is exported."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.delivery import DeliveryStatus, Rag
from api.governance.models import BodyStatus, Cadence, ExceptionKind, ItemKind
from api.kpis.models import Combine, GeographyLevel, Polarity, ScopeKind, StatusSymbol, TargetKind, Tier, Unit
from api.owners.models import OwnerKind
from api.periods import PeriodType
from api.returns.due import DueBasis
from api.returns.models import DUE_DAYS_LIMIT
from api.schemas import GssCode, LaNumber

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]


class SeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class OrganisationFile(SeedModel):
    name: Text
    gss_code: Annotated[str, StringConstraints(pattern=r"^E\d{8}$")]
    la_number: int = Field(ge=100, le=999)


class ScopeFile(SeedModel):
    key: Key
    name: Text
    kind: ScopeKind
    gss_code: GssCode | None = None
    level: GeographyLevel | None = None
    old_la_code: LaNumber | None = None
    region_code: GssCode | None = None
    # A team or locality: the scope it rolls up to, the owner it answers to, its manager's role (never a name).
    parent: Key | None = None
    service_owner: Text | None = None
    manager_role: Text | None = None
    description: str | None = None


class StrategyInfo(SeedModel):
    key: Key
    title: Text
    period_start: date
    period_end: date
    foreword: str | None = None
    vision: Text
    key_outcome: Text
    culture_statement: str | None = None
    borough_profile: str | None = None
    additional_text: dict[str, str] = Field(default_factory=dict)


class TextItemFile(SeedModel):
    key: Key
    text: Text


class StrategyFile(SeedModel):
    organisation: OrganisationFile
    scopes: list[ScopeFile] = Field(default_factory=list)
    strategy: StrategyInfo
    key_objectives: list[TextItemFile] = Field(default_factory=list)
    policy_principles: list[TextItemFile] = Field(default_factory=list)


class OverviewFile(SeedModel):
    where_we_want_to_be: list[str] = Field(default_factory=list)
    where_we_are_now: list[str] = Field(default_factory=list)
    improvement_agenda: list[str] = Field(default_factory=list)
    major_change: list[str] = Field(default_factory=list)
    business_improvement: list[str] = Field(default_factory=list)


class KeyActionFile(SeedModel):
    number: int = Field(ge=1)
    text: Text


class MilestoneFile(SeedModel):
    title: Text
    when: str | None = None


class ActionFile(SeedModel):
    key: Key
    theme: str | None = None
    what: Text
    detail: str | None = None
    when: str | None = None
    who: list[Text] = Field(default_factory=list)
    comments: str | None = None
    milestones: list[MilestoneFile] = Field(default_factory=list)
    status: DeliveryStatus = DeliveryStatus.not_started
    rag: Rag | None = None
    note: str | None = None


class FocusAreaFile(SeedModel):
    key: Key
    position: int = Field(ge=1)
    title: Text
    heading: str | None = None
    priorities: list[Text] = Field(default_factory=list)
    story: str | None = None
    improvement_agenda: str | None = None
    overview: OverviewFile | None = None
    key_actions: list[KeyActionFile] = Field(default_factory=list)
    actions: list[ActionFile] = Field(default_factory=list)


class ProjectFile(SeedModel):
    key: Key
    title: Text
    description: str | None = None
    focus_areas: list[Key] = Field(min_length=1)
    lead: str | None = None
    deadline: str | None = None
    savings_target_pence: int | None = Field(default=None, ge=0)
    savings_target_when: str | None = None
    status: DeliveryStatus = DeliveryStatus.not_started
    rag: Rag | None = None
    note: str | None = None


class ProjectsFile(SeedModel):
    projects: list[ProjectFile]


class OwnerFile(SeedModel):
    key: Key
    code: Text
    full_name: str | None = None
    kind: OwnerKind
    parent: str | None = None
    aliases: list[str] = Field(default_factory=list)
    inferred: bool = False
    note: str | None = None


class OwnersFile(SeedModel):
    owners: list[OwnerFile]


class GovernanceBodyFile(SeedModel):
    key: Key
    code: str | None = None
    name: Text
    cadence: Cadence
    cadence_inferred: bool = False
    status: BodyStatus = BodyStatus.active
    owner: str | None = None
    description: str | None = None
    aliases: list[str] | None = None
    requires_sign_off: bool = False


class GovernanceBodiesFile(SeedModel):
    governance_bodies: list[GovernanceBodyFile]


class BaselineFile(SeedModel):
    period: Text
    value: Decimal
    note: str | None = None


class TargetFile(SeedModel):
    period: Text
    kind: TargetKind
    value: Decimal | None = None
    amber_tolerance: Decimal | None = Field(default=None, ge=0)
    note: str | None = None


class ValueFile(SeedModel):
    period: Text
    scope: Key
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status_symbol: StatusSymbol | None = None
    provisional: bool = False
    source: str | None = None
    note: str | None = None


class KpiFile(SeedModel):
    code: Key
    title: Text
    description: str | None = None
    tier: Tier
    unit: Unit
    decimal_places: int = Field(ge=0, le=6)
    polarity: Polarity
    period_type: PeriodType
    combine: Combine  # how figures combine over periods and teams: a judgement per KPI (seed/README.md)
    focus_area: Key | None = None
    national_code: str | None = None
    national_indicator: Key | None = None  # the LAIT dictionary entry's key (GET /national-indicators/{key})
    baseline: BaselineFile | None = None
    targets: list[TargetFile] = Field(default_factory=list)
    values: list[ValueFile] = Field(default_factory=list)
    note: str | None = None


class KpisFile(SeedModel):
    kpis: list[KpiFile]


class RoutingRuleFile(SeedModel):
    key: Key
    item_kind: ItemKind
    kpi_tier: Tier | None = None
    focus_area: Key | None = None
    owner: str | None = None
    body: Key
    report: str | None = None
    step: int | None = Field(default=None, ge=1, le=20)
    note: str | None = None


class ExceptionRuleFile(SeedModel):
    key: Key
    kind: ExceptionKind
    threshold: int | None = Field(default=None, ge=1)
    enabled: bool = True
    description: str | None = None


class RoutingFile(SeedModel):
    routing_rules: list[RoutingRuleFile] = Field(default_factory=list)
    exception_rules: list[ExceptionRuleFile] = Field(default_factory=list)


class ReturnScheduleFile(SeedModel):
    """A KPI's return schedule (api/returns/): who is accountable, who submits, how often and by when."""

    kpi: Key
    accountable_owner: str
    submitting_owner: str | None = None  # default: the accountable owner
    frequency: PeriodType | None = None  # default: the KPI's period type
    due_basis: DueBasis = DueBasis.working_days
    due_days: int = Field(default=10, ge=0, le=DUE_DAYS_LIMIT)
    first_period: str | None = None  # default: the period of its frequency the strategy starts in
    last_period: str | None = None  # default: the period of its frequency the strategy ends in
    note: str | None = None


class ReturnsFile(SeedModel):
    return_schedules: list[ReturnScheduleFile] = Field(default_factory=list)
