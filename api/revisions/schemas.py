"""A plan's revisions as the API shows them: owners, focus areas and dates as the rest of the API writes them."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.delivery import DeliveryStatus
from api.projects.models import PidStatus


class RevisionMeta(BaseModel):
    revision: int = Field(description="1 for the plan as first recorded; each write that changed it adds one.")
    recorded_at: datetime = Field(description="When this revision was recorded: packs known at or after it read it.")
    recorded_by: str = Field(description="Who recorded it: the key's holder, 'seed' or 'migration'.")
    archived: bool = Field(description="The item was archived by this revision.")


class MilestonePlan(BaseModel):
    title: str
    when: str | None
    due_date: date | None
    status: DeliveryStatus


class ActionPlanRevision(RevisionMeta):
    focus_area: str | None = Field(description="The focus area's key.")
    theme: str | None
    what: str
    detail: str | None
    when: str | None = Field(description="The due date as written.")
    due_date: date | None
    who: list[str] = Field(description="Owner codes, as the strategy writes them.")
    milestones: list[MilestonePlan]
    comments: str | None
    note: str | None


class ProjectPlanRevision(RevisionMeta):
    title: str
    description: str | None
    lead: str | None = Field(description="The lead's owner code.")
    pid_status: PidStatus
    deadline: str | None = Field(description="The deadline as written.")
    deadline_date: date | None
    focus_areas: list[str] = Field(description="Focus area keys, the primary first.")
    savings_target_pence: int | None
    savings_target_when: str | None
    note: str | None


class SavingsRevision(RevisionMeta):
    financial_year: str
    target_pence: int
    forecast_pence: int | None
    delivered_pence: int | None
    note: str | None
