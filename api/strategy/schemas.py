from datetime import date, datetime
from typing import Any

from pydantic import AliasPath, Field

from api.actions.schemas import ActionRead
from api.kpis.schemas import KpiRead
from api.projects.schemas import ProjectRead
from api.schemas import ReadModel


class OrganisationRead(ReadModel):
    key: str
    name: str
    gss_code: str = Field(description="ONS GSS code, e.g. E06000004.")
    la_number: int = Field(description="DfE local authority number, e.g. 808.")


class TextItem(ReadModel):
    key: str
    position: int
    text: str


class StrategySummary(ReadModel):
    key: str
    title: str
    period_start_date: date
    period_end_date: date
    key_outcome: str
    updated_at: datetime


class FocusAreaSummary(ReadModel):
    key: str
    position: int
    title: str
    heading: str | None


class StrategyRead(StrategySummary):
    organisation: OrganisationRead
    foreword: str | None
    vision: str
    culture_statement: str | None
    borough_profile: str | None
    additional_text: dict[str, str] = Field(description="Other sections of the document by name (markdown).")
    key_objectives: list[TextItem]
    policy_principles: list[TextItem] = Field(description="The Council Plan policy principles.")
    focus_areas: list[FocusAreaSummary]


class PriorityRead(ReadModel):
    position: int
    text: str


class KeyActionRead(ReadModel):
    number: int
    text: str


class FocusAreaRead(FocusAreaSummary):
    strategy: str = Field(validation_alias=AliasPath("strategy", "key"), description="Key of the strategy.")
    story: str | None = Field(description="'Our story' (markdown).")
    improvement_agenda: str | None = Field(description="'Our improvement agenda' (markdown).")
    overview: dict[str, Any] | None = Field(description="The focus area's row of the Part 1 summary table.")
    priorities: list[PriorityRead] = Field(description="Priorities for excellence.")
    key_actions: list[KeyActionRead] = Field(description="The Part 1 numbered key actions.")
    updated_at: datetime


class FocusAreaDetail(FocusAreaRead):
    actions: list[ActionRead] = Field(description="Business improvement actions, in table order.")
    projects: list[ProjectRead] = Field(description="Transformation projects listed under this focus area.")
    kpis: list[KpiRead] = Field(description="KPIs that measure this focus area.")
