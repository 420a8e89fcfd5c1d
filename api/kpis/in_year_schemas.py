"""In-year figures, target profiles and the team roll-up: what /kpis/{code}/in-year, /kpis/{code}/target-profiles
and /kpis/{code}/teams take and answer."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.kpis.models import Combine, Polarity, ProfileBasis, Unit
from api.kpis.schemas import PeriodText, RatingRead
from api.pagination import ChangedQuery
from api.params import NAMED_SCOPE
from api.periods import PeriodType
from api.schemas import Day, Figure, Moment, Number, QueryModel, WriteModel


class InYearQuery(QueryModel):
    year: str | None = Field(
        None,
        max_length=20,
        description="The year: FY2016-17 (AY2016-17 for an academic-year KPI) or 2016/17. Default: the latest year "
        "with a month's or quarter's figure for the scope, else the current year.",
    )
    scope: str | None = Field(None, max_length=80, description=f"{NAMED_SCOPE}; default: the borough.")
    as_at: Day | None = Field(None, description="Only figures for periods ended by this date.")
    known_at: Moment | None = Field(None, description="Only figures as they were known at this moment.")


class CombinedRead(BaseModel):
    value: Number | None = Field(description="Null when it cannot be worked out: `reason` says why.")
    display: str | None = Field(description="The value as a report prints it.")
    numerator: Number | None
    denominator: Number | None
    parts: list[str] = Field(description="The periods (or teams) combined, in order.")
    reason: str | None = Field(description="Why there is no value; null when there is one.")


class InYearFigureRead(CombinedRead):
    source: Literal["submitted", "combined"] | None = Field(
        description="submitted: the period's own figure; combined: a quarter's, from its months (null: none)."
    )
    revision: int | None = Field(description="The submitted figure's latest revision.")
    provisional: bool | None


class YearToDateRead(CombinedRead):
    uses_quarters: bool = Field(description="Whether a quarter's figure stands in for its missing months.")


class InYearPeriodRead(BaseModel):
    period: str
    period_type: PeriodType
    label: str = Field(examples=["July 2016", "2016/17 Q1"])
    period_start_date: date
    period_end_date: date
    figure: InYearFigureRead
    year_to_date: YearToDateRead = Field(description="From the year's start to this period's end.")
    rolling_twelve_months: CombinedRead = Field(description="The twelve months to this period's end.")
    profiled_target: Number | None = Field(
        description="The target profile's target for the year to date (cumulative for a `sum` KPI)."
    )
    profiled_target_display: str | None
    rating: RatingRead = Field(description="The year-to-date figure against the profiled target.")


class InYearRead(BaseModel):
    code: str
    title: str
    unit: Unit
    decimal_places: int
    polarity: Polarity
    period_type: PeriodType = Field(description="The KPI's own period type.")
    combine: Combine
    combine_rule: str = Field(description="How this KPI's periods combine, in words.")
    scope: str
    year: str
    as_at: date | None
    known_at: datetime | None
    profile_basis: ProfileBasis | None = Field(description="The year's target profile's basis; null: no profile.")
    profile_version: int | None
    periods: list[InYearPeriodRead] = Field(description="Each month and quarter of the year, in order of end date.")


class ProfilePointIn(WriteModel):
    period: PeriodText = Field(examples=["FY2016-17-Q1", "2016-06"])
    value: Figure


class TargetProfileIn(WriteModel):
    """A year's whole trajectory toward the KPI's target: every point replaces what was there."""

    basis: ProfileBasis = Field(
        description="cumulative: each point is the total for the year so far; per_period: each is its own "
        "period's (a `sum` KPI's are added up). Snapshot and ratio KPIs: per_period."
    )
    points: list[ProfilePointIn] = Field(min_length=1, max_length=16)


class ProfilePointRead(BaseModel):
    period: str
    period_end_date: date
    value: Number
    cumulative: Number = Field(description="The target for the year to date at this point.")


class TargetProfileRead(BaseModel):
    kpi: str
    year: str
    basis: ProfileBasis
    points: list[ProfilePointRead]
    annual_target: Number | None = Field(description="The KPI's numeric target for the year, if it has one.")
    version: int = Field(description="Also the ETag: send it back in If-Match to replace or delete the profile.")
    updated_by: str
    created_at: datetime
    updated_at: datetime


class TargetProfileQuery(ChangedQuery):
    """updated_since: profiles set or replaced since."""


class TeamsQuery(QueryModel):
    period: str = Field(
        max_length=20, description="The period: one of the KPI's own (2016/17) or a month or quarter within it."
    )


class TeamFigureRead(BaseModel):
    team: str = Field(description="The team's scope key.")
    name: str
    value: Number | None
    display: str | None
    numerator: Number | None
    denominator: Number | None
    status_symbol: str | None
    revision: int | None = Field(description="Null: the team has no figure for the period.")


class TeamsRollUpRead(BaseModel):
    code: str
    title: str
    unit: Unit
    decimal_places: int
    polarity: Polarity
    combine: Combine
    period: str
    teams: list[TeamFigureRead]
    combined: CombinedRead = Field(description="The teams' figures combined by the KPI's rule.")
    borough: TeamFigureRead | None = Field(description="The borough's own submitted figure for the period.")
    difference: Number | None = Field(description="The borough's figure minus the teams' combined, as shown.")
