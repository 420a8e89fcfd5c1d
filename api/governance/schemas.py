from datetime import datetime
from typing import Annotated

from pydantic import AliasPath, BaseModel, Field

from api.governance.models import BodyStatus, Cadence, ExceptionKind, ItemKind
from api.kpis.models import Tier
from api.schemas import INT32_MAX, Key, NotNull, OwnerCode, ReadModel, WriteModel, refuse_null

STEP = (
    "Where bodies take an item in turn, this rule's place in that order (procedure changes: tested with the ODG, 1, "
    "then approved at CSMT, 2); null where bodies take it side by side. Routes are listed in step order."
)
Step = Annotated[int, Field(ge=1, le=20, description=STEP)]


class GovernanceBodyRead(ReadModel):
    key: str
    code: str | None
    name: str
    cadence: Cadence = Field(description="How often it meets.")
    cadence_inferred: bool = Field(description="True when the document does not state the cadence.")
    status: BodyStatus
    owner: str | None = Field(
        default=None, validation_alias=AliasPath("owner", "key"), description="Key of the matching owner."
    )
    description: str | None
    aliases: list[str]
    requires_sign_off: bool = Field(
        description="Its pack shows a KPI figure as final only once approved (POST /kpis/{code}/values/{period}/"
        "sign-offs); until then the figure is marked as awaiting sign-off, beside the last approved one."
    )


class RoutingRuleRead(ReadModel):
    key: str
    item_kind: ItemKind
    kpi_tier: Tier | None
    focus_area: str | None = Field(default=None, validation_alias=AliasPath("focus_area", "key"))
    owner: str | None = Field(default=None, validation_alias=AliasPath("owner", "code"))
    body: str = Field(validation_alias=AliasPath("body", "key"), description="Governance body key.")
    report: str | None
    step: int | None = Field(description=STEP)
    note: str | None
    version: int
    archived_at: datetime | None


class RoutingRuleCreate(WriteModel):
    key: Key
    item_kind: ItemKind
    kpi_tier: Tier | None = None
    focus_area: Key | None = Field(default=None, description="Focus area key: only its items.")
    owner: OwnerCode | None = Field(default=None, description="Owner code: only the items this owner holds.")
    body: Key = Field(description="Governance body key.")
    report: str | None = Field(default=None, max_length=200)
    step: Step | None = None
    note: str | None = Field(default=None, max_length=2000)


class RoutingRuleUpdate(WriteModel):
    item_kind: ItemKind | NotNull = None
    kpi_tier: Tier | None = None
    focus_area: Key | None = Field(default=None, description="Focus area key; null for every focus area.")
    owner: OwnerCode | None = Field(default=None, description="Owner code; null for every owner.")
    body: Key | NotNull = None
    report: str | None = Field(default=None, max_length=200)
    step: Step | None = None
    note: str | None = Field(default=None, max_length=2000)

    _not_emptied = refuse_null("item_kind", "body")


class RouteRead(BaseModel):
    body: str
    body_code: str | None
    body_name: str
    rule: str
    report: str | None
    step: int | None = Field(description=STEP)


class Resolution(BaseModel):
    item: str
    kind: ItemKind
    title: str
    routes: list[RouteRead] = Field(description="Every body the item reports to, and the rule that sends it there.")


class UnroutedItem(BaseModel):
    item: str
    kind: ItemKind
    title: str


class ExceptionRuleRead(ReadModel):
    key: str
    kind: ExceptionKind
    threshold: int | None
    enabled: bool
    description: str | None
    version: int


class ExceptionRuleUpdate(WriteModel):
    threshold: int | None = Field(default=None, ge=1, le=INT32_MAX)
    enabled: bool | NotNull = None
    description: str | None = Field(default=None, max_length=2000)

    _not_emptied = refuse_null("enabled")


class ExceptionRead(BaseModel):
    rule: str
    kind: ExceptionKind
    item: str
    title: str
    reason: str
    routes: list[RouteRead]
