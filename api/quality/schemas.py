from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from api.schemas import Counts


class Severity(StrEnum):
    error = "error"  # wrong: fix the data
    warning = "warning"  # incomplete: someone should supply it
    info = "info"  # worth knowing, e.g. a name we inferred


class Check(StrEnum):
    unparsed_due_date = "unparsed_due_date"
    implausible_due_date = "implausible_due_date"
    placeholder_text = "placeholder_text"
    no_owner = "no_owner"
    kpi_without_baseline = "kpi_without_baseline"
    kpi_without_target = "kpi_without_target"
    target_without_tolerance = "target_without_tolerance"
    owner_without_full_name = "owner_without_full_name"
    owner_name_inferred = "owner_name_inferred"


class QualityIssue(BaseModel):
    check: Check
    severity: Severity
    resource: str = Field(description="focus_area, action, milestone, project, kpi, owner, strategy ...")
    key: str = Field(description="The item's key (for a milestone: action key and position).")
    field: str | None = Field(description="The field at fault, where there is one.")
    message: str
    value: str | None = Field(description="The offending text, shortened.")


class SeverityCounts(Counts):
    """How many issues of each severity."""

    values = tuple(Severity)
    error: int
    warning: int
    info: int


class CheckCounts(Counts):
    """How many issues each check found."""

    values = tuple(Check)
    unparsed_due_date: int
    implausible_due_date: int
    placeholder_text: int
    no_owner: int
    kpi_without_baseline: int
    kpi_without_target: int
    target_without_tolerance: int
    owner_without_full_name: int
    owner_name_inferred: int


class QualityReport(BaseModel):
    generated_at: datetime
    summary: SeverityCounts = Field(description="Issues by severity.")
    by_check: CheckCounts = Field(description="Issues by check (every check, 0 where it found none).")
    issues: list[QualityIssue]
