from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.kpis.models import StatusSymbol, Tier
from api.kpis.schemas import KpiValueRead
from api.pagination import ChangedQuery
from api.periods import PeriodType
from api.schemas import INT32_MAX, LongText, Number, WriteModel
from api.signoffs.models import Decision, SignOffState

STATE = (
    "awaiting_sign_off: the latest revision, submitted and not yet decided; approved; returned (with reasons: a "
    "corrected figure is needed); superseded: corrected before anyone decided on it. Null for a comparator's "
    "figure (DfE's, England's ...) and a context KPI's (a profile of the borough published by others): only the "
    "council's own figures of its own indicators are signed off."
)


class SignOffIn(WriteModel):
    """An accountable officer's decision on the latest revision of a figure. Name the revision you checked (or send
    its ETag in If-Match), so that a figure corrected meanwhile is never approved unseen."""

    decision: Decision
    revision: int | None = Field(
        default=None,
        ge=1,
        le=INT32_MAX,
        description="The revision decided on: it must still be the latest (else 409). Required unless If-Match "
        "carries the figure's ETag.",
    )
    reasons: LongText | None = Field(default=None, description="Why: required when the figure is returned.")


class SignOffRead(BaseModel):
    decision: Decision
    reasons: str | None
    decided_at: datetime
    decided_by: str = Field(description="The approving key, as writes are attributed: key:<id> (<name>).")


class KpiValueSigned(KpiValueRead):
    """A revision of a figure and where it stands at sign-off."""

    sign_off_state: SignOffState | None = Field(description=STATE)
    sign_off: SignOffRead | None = Field(description="The decision on this revision, once made.")
    approved_revision: int | None = Field(
        description="The figure's approved revision: this one, an earlier one (the approved figure until a "
        "correction is approved), or null when none is."
    )


class SignOffQuery(ChangedQuery):
    """updated_since: figures submitted or decided since."""

    state: Literal["awaiting_sign_off", "approved", "returned"] = Field(
        "awaiting_sign_off", description="Figures whose latest revision stands so (default: the approvers' queue)."
    )
    owner: str | None = Field(None, max_length=40, description="Only KPIs this owner is accountable for (code).")
    kpi: str | None = Field(None, max_length=80, description="Only this KPI's figures.")
    scope: str | None = Field(None, max_length=80, description="Only this scope's figures (default: every own scope).")


class SignOffItem(BaseModel):
    """The latest revision of one figure, for an approver's queue."""

    kpi: str
    kpi_title: str
    tier: Tier
    scope: str
    period: str
    period_type: PeriodType
    period_start_date: date
    period_end_date: date
    revision: int
    value: Number | None
    status_symbol: StatusSymbol | None
    provisional: bool
    submitted_at: datetime
    submitted_by: str
    accountable_owner: str | None = Field(
        description="Who may approve it (its return schedule's accountable owner); null: only a key for any owner."
    )
    sign_off_state: SignOffState
    sign_off: SignOffRead | None
