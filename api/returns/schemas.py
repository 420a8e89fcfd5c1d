from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AliasPath, BeforeValidator, Field

from api.pagination import PageParams
from api.periods import PeriodType
from api.returns.due import DueBasis, ReturnStatus
from api.returns.models import DUE_DAYS_LIMIT
from api.schemas import Day, Key, Moment, OwnerCode, ReadModel, WriteModel

PeriodCode = Annotated[str, Field(min_length=1, max_length=16)]


class ReturnScheduleWrite(WriteModel):
    """A KPI's return schedule, created or replaced whole: a field left out takes its default."""

    accountable_owner: OwnerCode = Field(description="Owner code (or alias) answerable for the return, e.g. AD SLAC.")
    submitting_owner: OwnerCode | None = Field(
        default=None, description="Owner code (or alias) that submits the figures; default the accountable owner."
    )
    frequency: PeriodType | None = Field(
        default=None,
        description="The period a return is owed for: the KPI's own period type (the default) or a finer one within "
        "it (a month or a financial quarter for a yearly KPI).",
    )
    due_basis: DueBasis = Field(
        default=DueBasis.working_days,
        description="working_days skip Saturdays, Sundays and England's bank holidays; calendar_days count every day.",
    )
    due_days: int = Field(
        default=10, ge=0, le=DUE_DAYS_LIMIT, description="Days after the period ends that the return is due."
    )
    first_period: PeriodCode | None = Field(
        default=None,
        description="The first period a return is owed for (a code of the frequency, e.g. 2016-04 or FY2016-17-Q1); "
        "default: the one the strategy starts in.",
    )
    last_period: PeriodCode | None = Field(
        default=None,
        description="The last period a return is owed for (a code of the frequency); left out: the one the strategy "
        "ends in; null: owed until the schedule is withdrawn.",
    )


class ReturnScheduleRead(ReadModel):
    kpi: str = Field(validation_alias=AliasPath("kpi", "code"), description="The KPI's code.")
    accountable_owner: str = Field(validation_alias=AliasPath("accountable_owner", "code"))
    submitting_owner: str = Field(validation_alias=AliasPath("submitting_owner", "code"))
    frequency: PeriodType
    due_basis: DueBasis
    due_days: int
    first_period: str
    last_period: str | None = Field(description="The last period a return is owed for; null: until withdrawn.")
    version: int
    created_at: datetime
    updated_at: datetime
    archived_at: datetime | None = Field(description="Set when the schedule was withdrawn: no returns are owed.")


def _comma_separated(value: Any) -> Any:
    """`status=late,missing` as well as `status=late&status=missing`."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return list(dict.fromkeys(part.strip() for item in value for part in str(item).split(",") if part.strip()))
    return value


class ReturnQuery(PageParams):
    status: Annotated[list[ReturnStatus] | None, BeforeValidator(_comma_separated)] = Field(
        None, max_length=4, description="Only returns with these statuses: repeat it, or separate them with commas."
    )
    owner: OwnerCode | None = Field(None, description="Only returns this owner (code) is accountable for or submits.")
    due_before: Day | None = Field(None, description="Only returns due on or before this date.")
    kpi: Key | None = Field(None, description="Only this KPI's returns (its code).")
    period: PeriodCode | None = Field(None, description="Only returns for this period (its code, e.g. 2016-12).")
    as_at: Day | None = Field(None, description="Judged at the end of this day (default today).")
    known_at: Moment | None = Field(
        None, description="From the data as known at this moment (ISO 8601 with an offset; default now)."
    )


class ReturnRead(ReadModel):
    kpi: str = Field(description="The KPI's code.")
    kpi_title: str
    period: str = Field(description="The period's code, e.g. FY2016-17-Q4.")
    period_label: str = Field(description="As a report writes it, e.g. 2016/17 Q4.")
    frequency: PeriodType
    due_date: date
    status: ReturnStatus
    received_at: datetime | None = Field(description="When its first borough figure was submitted (received or late).")
    days_late: int | None = Field(
        description="Days past the due date: to the day received (late) or to as_at (missing); null otherwise."
    )
    accountable_owner: str = Field(description="Owner code.")
    submitting_owner: str = Field(description="Owner code.")
