from datetime import date, datetime
from typing import Any

from pydantic import AliasPath, BaseModel, Field, field_validator, model_validator

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


class NamedText(BaseModel):
    name: str = Field(description="The section, e.g. this_strategy, our_story, delivery_part1.")
    text: str = Field(description="Its text (markdown).")


class StrategyRead(StrategySummary):
    organisation: OrganisationRead
    foreword: str | None
    vision: str
    culture_statement: str | None
    borough_profile: str | None
    additional_text: list[NamedText] = Field(description="Other sections of the document, in its order.")

    @field_validator("additional_text", mode="before")
    @classmethod
    def _sections(cls, value: Any) -> Any:
        """Stored by name (seed/strategy.yaml's additional_text), in the document's order."""
        return [{"name": name, "text": text} for name, text in value.items()] if isinstance(value, dict) else value

    key_objectives: list[TextItem]
    policy_principles: list[TextItem] = Field(description="The Council Plan policy principles.")
    focus_areas: list[FocusAreaSummary]


class PriorityRead(ReadModel):
    position: int
    text: str


class KeyActionRead(ReadModel):
    number: int
    text: str


class FocusAreaOverview(BaseModel):
    """The focus area's row of the Part 1 summary table, column by column (each a list of points)."""

    where_we_want_to_be: list[str]
    where_we_are_now: list[str]
    improvement_agenda: list[str]
    major_change: list[str] = Field(description="Major change and transformation projects.")
    business_improvement: list[str] = Field(description="Business improvement.")

    @model_validator(mode="before")
    @classmethod
    def _blank_columns(cls, value: Any) -> Any:
        """A column the seed leaves out is empty (seed/ schema: OverviewFile)."""
        return dict.fromkeys(cls.model_fields, []) | value if isinstance(value, dict) else value


class FocusAreaRead(FocusAreaSummary):
    strategy: str = Field(validation_alias=AliasPath("strategy", "key"), description="Key of the strategy.")
    story: str | None = Field(description="'Our story' (markdown).")
    improvement_agenda: str | None = Field(description="'Our improvement agenda' (markdown).")
    overview: FocusAreaOverview | None = Field(description="The focus area's row of the Part 1 summary table.")
    priorities: list[PriorityRead] = Field(description="Priorities for excellence.")
    key_actions: list[KeyActionRead] = Field(description="The Part 1 numbered key actions.")
    updated_at: datetime


class FocusAreaDetail(FocusAreaRead):
    actions: list[ActionRead] = Field(description="Business improvement actions, in table order.")
    projects: list[ProjectRead] = Field(description="Transformation projects listed under this focus area.")
    kpis: list[KpiRead] = Field(description="KPIs that measure this focus area.")
