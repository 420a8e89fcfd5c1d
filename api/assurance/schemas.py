from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from api.assurance.models import ActionRelation, AssuranceKind, Grading, ObservationSetting
from api.assurance.themes import THEME_LENGTH, distinct, normalise_theme
from api.delivery import DeliveryStatus, Rag
from api.identifiers import no_identifiers
from api.pagination import ChangedQuery
from api.schemas import (
    AnonymousText,
    Counts,
    Day,
    Key,
    NotNull,
    QueryModel,
    ReadModel,
    SafeStr,
    WriteModel,
    refuse_null,
)

MAX_THEMES = 20
MAX_ACTIONS = 50
ROLE = 'Who carried it out, as a role ("Service manager", "Elected member"), never a person\'s name.'
THEMES = (
    f"Short labels (at most {MAX_THEMES}), stored in a normal form so that a theme counts once however it is "
    "written: 'Voice of the Child' is kept as 'voice-of-the-child'."
)
GRADING = (
    "Ofsted's four-point scale, where one applies: not for member visits or thematic reviews (they judge no piece "
    "of practice)."
)
TEAM = "Key of the team (GET /teams); needed except for multi-agency audits and thematic reviews, which may span teams."
LEAD_BODY = "Key of the governance body that leads it; default for multi-agency audits and thematic reviews: the LSCB."
SETTING = "Where practice was observed: needed for a practice observation, and only for one."
FREE_TEXT = "At most 4,000 characters, about practice and never about a child: no names, numbers or dates of birth."

Role = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(no_identifiers),
    Field(description=ROLE, examples=["Service manager"]),
]
Theme = Annotated[
    SafeStr,  # a NUL is refused before normalising could turn it into a hyphen
    StringConstraints(strip_whitespace=True, min_length=1, max_length=THEME_LENGTH),
    AfterValidator(no_identifiers),
    AfterValidator(normalise_theme),
]
Themes = Annotated[list[Theme], Field(max_length=MAX_THEMES, description=THEMES, examples=[["voice-of-the-child"]])]


class ActionLinkIn(WriteModel):
    action: Key = Field(description="Key of the business improvement action.")
    relation: ActionRelation = Field(
        description="raises: the activity found the need for it; evidences: shows its effect."
    )


ActionLinks = Annotated[list[ActionLinkIn], Field(max_length=MAX_ACTIONS)]


def _distinct_actions(links: list[ActionLinkIn]) -> list[ActionLinkIn]:
    if len({link.action for link in links}) < len(links):
        raise ValueError("names an action more than once")
    return links


class AssuranceCreate(WriteModel):
    """One activity of the assurance programme, as carried out."""

    kind: AssuranceKind
    setting: ObservationSetting | None = Field(default=None, description=SETTING)
    team: Key | None = Field(default=None, description=TEAM, examples=["reviewing-unit"])
    carried_out_on: Day = Field(description="When it was carried out (not in the future).")
    carried_out_by_role: Role
    lead_body: Key | None = Field(default=None, description=LEAD_BODY, examples=["lscb"])
    grading: Grading | None = Field(default=None, description=GRADING)
    themes: Themes = Field(default_factory=list)
    findings: AnonymousText | None = Field(default=None, description=FREE_TEXT)
    learning: AnonymousText | None = Field(default=None, description=FREE_TEXT)
    actions: ActionLinks = Field(
        default_factory=list, description="The business improvement actions it raises or evidences."
    )

    @field_validator("themes")
    @classmethod
    def _themes_once(cls, value: list[str]) -> list[str]:
        return distinct(value)

    @field_validator("actions")
    @classmethod
    def _actions_once(cls, value: list[ActionLinkIn]) -> list[ActionLinkIn]:
        return _distinct_actions(value)


class AssuranceUpdate(WriteModel):
    """Fields to change; themes and actions, when sent, replace the lists."""

    kind: AssuranceKind | NotNull = None
    setting: ObservationSetting | None = Field(default=None, description=SETTING)
    team: Key | None = Field(default=None, description=TEAM)
    carried_out_on: Day | NotNull = None
    carried_out_by_role: Role | NotNull = None
    lead_body: Key | None = Field(default=None, description=LEAD_BODY)
    grading: Grading | None = Field(default=None, description=GRADING)
    themes: Themes | NotNull = None
    findings: AnonymousText | None = Field(default=None, description=FREE_TEXT)
    learning: AnonymousText | None = Field(default=None, description=FREE_TEXT)
    actions: ActionLinks | NotNull = None

    _not_emptied = refuse_null("kind", "carried_out_on", "carried_out_by_role", "themes", "actions")

    @field_validator("themes")
    @classmethod
    def _themes_once(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else distinct(value)

    @field_validator("actions")
    @classmethod
    def _actions_once(cls, value: list[ActionLinkIn] | None) -> list[ActionLinkIn] | None:
        return None if value is None else _distinct_actions(value)


class ActionLinkRead(ReadModel):
    action: str = Field(description="The action's key.")
    what: str
    relation: ActionRelation


class AssuranceRead(ReadModel):
    id: int
    kind: AssuranceKind
    setting: ObservationSetting | None
    team: str | None = Field(description="The team's key.")
    team_name: str | None
    service_owner: str | None = Field(description="Code of the owner the team answers to (its service).")
    carried_out_on: date
    carried_out_by_role: str
    lead_body: str | None = Field(description="Key of the governance body that leads it.")
    grading: Grading | None
    themes: list[str]
    findings: str | None
    learning: str | None
    actions: list[ActionLinkRead]
    version: int = Field(description="Also the ETag: send it back in If-Match to change or archive the activity.")
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    archived_at: datetime | None


class Dated(QueryModel):
    """Activities carried out between `from` and `to`, both included."""

    from_: Day | None = Field(None, alias="from", description="Carried out on or after this date.")
    to: Day | None = Field(None, description="Carried out on or before this date.")


class AssuranceQuery(ChangedQuery, Dated):
    kind: AssuranceKind | None = None
    team: Key | None = Field(None, description="Team key.")
    grading: Grading | None = None
    theme: str | None = Field(
        None, min_length=1, max_length=THEME_LENGTH, description="A theme, however written ('Voice of the child')."
    )
    action: Key | None = Field(None, description="Key of an action the activities raise or evidence.")
    include_archived: bool = Field(False, description="Include archived activities.")


class GradingQuery(Dated):
    kind: AssuranceKind | None = Field(None, description="Only activities of this kind (default: every graded kind).")


class ThemeQuery(Dated):
    kind: AssuranceKind | None = None
    min_count: int = Field(2, ge=1, le=10_000, description="Only themes found by at least this many activities.")


class ActionReportQuery(Dated):
    relation: ActionRelation | None = Field(None, description="Only links of this kind (default: both).")


class GradeCounts(Counts):
    """How many were graded each grade of Ofsted's scale, 0 where none."""

    values = tuple(Grading)
    outstanding: int
    good: int
    requires_improvement: int
    inadequate: int


class Tally(BaseModel):
    counts: GradeCounts
    graded: int = Field(description="Activities graded (the sum of counts).")
    not_graded: int = Field(description="Activities of the kinds counted that carry no grading.")


class QuarterTally(Tally):
    quarter: str = Field(description="The financial quarter's code, e.g. FY2016-17-Q3.")
    label: str = Field(description="e.g. 2016/17 Q3")


class TeamGradings(BaseModel):
    team: str | None = Field(description="The team's key; null for activities that span teams.")
    team_name: str
    quarters: list[QuarterTally] = Field(description="Every quarter of the report, in order, zeroes included.")
    total: Tally


class Quarter(BaseModel):
    code: str
    label: str
    start: date
    end: date


class GradingReport(BaseModel):
    """The grading distribution: each team's gradings in each financial quarter, zeroes included, with totals."""

    from_date: date
    to_date: date
    kinds: list[AssuranceKind] = Field(description="The kinds counted.")
    quarters: list[Quarter]
    teams: list[TeamGradings] = Field(description="Every team by name, then activities without a team, if any.")
    by_quarter: list[QuarterTally]
    total: Tally


class RecurringTheme(BaseModel):
    theme: str
    count: int = Field(description="Activities that found it.")
    kinds: list[AssuranceKind]
    teams: list[str] = Field(description="Keys of the teams whose activities found it.")
    first_seen: date
    last_seen: date


class ThemeReport(BaseModel):
    """Themes found by at least `min_count` activities, the most often found first."""

    from_date: date | None
    to_date: date | None
    min_count: int
    items: list[RecurringTheme]


class LinkedActivity(BaseModel):
    id: int
    kind: AssuranceKind
    team: str | None
    carried_out_on: date
    grading: Grading | None
    relation: ActionRelation


class ActionArising(BaseModel):
    """An action assurance raised or evidenced, with where its delivery stands (its latest progress update)."""

    action: str = Field(description="The action's key.")
    what: str
    owners: list[str] = Field(description="Owner codes.")
    status: DeliveryStatus
    rag: Rag | None
    percent_complete: int | None
    last_update_on: date | None
    overdue: bool
    stale: bool
    archived: bool
    activities: list[LinkedActivity] = Field(description="The activities that link to it, the latest first.")


class ActionsReport(BaseModel):
    as_of: date = Field(description="Overdue and stale judged as at this date (today).")
    items: list[ActionArising] = Field(description="In the strategy's order.")
