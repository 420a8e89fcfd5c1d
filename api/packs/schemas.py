"""What a governance body's pack holds: the items routed to it, as they stood on a date."""

from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field, field_validator

from api.assurance.models import ActionRelation, AssuranceKind, Grading
from api.delivery import DeliveryStatus, Rag
from api.kpis.models import StatusSymbol
from api.kpis.schemas import KpiStatusRead, RatingCounts
from api.projects.schemas import SavingsTotals
from api.schemas import Counts, Day, Moment, Number, WriteModel
from api.signoffs.models import SignOffState


class PackBody(BaseModel):
    key: str
    code: str | None
    name: str
    cadence: str


class PackComment(BaseModel):
    """Commentary an owner wrote: why a figure or an item stands where it does, and what is being done about it."""

    text: str
    author: str = Field(description="Who wrote it (the key's holder).")
    written_at: datetime = Field(description="When this wording was recorded (its latest revision known to the pack).")
    period: str | None = Field(default=None, description="The period a KPI's commentary is about, e.g. 2016/17.")


class PackAction(BaseModel):
    key: str
    what: str
    owners: list[str] = Field(description="Owner codes, as the strategy writes them.")
    due_text: str | None
    due_date: date | None
    status: DeliveryStatus
    rag: Rag | None
    percent_complete: int | None
    overdue: bool
    stale: bool
    last_update_on: date | None
    commentary: str | None = Field(description="From the latest progress update on or before the pack's date.")
    commentary_by: str | None = Field(default=None, description="Who made that progress update.")
    comments: list[PackComment] = Field(
        default_factory=list, description="Commentary added to that progress update, oldest first."
    )


class PackFocusArea(BaseModel):
    key: str
    title: str
    actions: list[PackAction]


class PackSavings(BaseModel):
    financial_year: str
    target_pence: int
    forecast_pence: int | None
    delivered_pence: int | None
    forecast_gap_pence: int | None
    delivered_gap_pence: int | None


class PackProject(BaseModel):
    key: str
    title: str
    lead: str | None
    focus_areas: list[str]
    pid_status: str
    deadline_text: str | None
    deadline_date: date | None
    status: DeliveryStatus
    rag: Rag | None
    percent_complete: int | None
    overdue: bool
    stale: bool
    last_update_on: date | None
    commentary: str | None
    commentary_by: str | None = Field(default=None, description="Who made the latest progress update.")
    comments: list[PackComment] = Field(
        default_factory=list, description="Commentary added to that progress update, oldest first."
    )
    savings: PackSavings | None = Field(description="This financial year's savings, when any are planned.")


class TrendPoint(BaseModel):
    """One period of a KPI's trend: ours, the target, England's and the statistical neighbours' average."""

    period: str
    label: str = Field(description="The period as a report writes it, e.g. 2016/17.")
    value: Number | None = Field(description="Our figure (None: none, or withheld).")
    target: Number | None
    england: Number | None
    neighbours_mean: Number | None


class ApprovedFigure(BaseModel):
    revision: int
    value: Number | None
    display: str | None = Field(description="As a report prints it, e.g. '9%'.")
    status_symbol: StatusSymbol | None
    approved_at: datetime
    approved_by: str


class PackSignOff(BaseModel):
    """Where the figure shown stands at sign-off (api/signoffs/), as known at the pack's moment."""

    state: SignOffState = Field(description="awaiting_sign_off, approved or returned: the revision shown's.")
    final: bool = Field(
        description="The figure is final in this pack: approved, or the body does not require sign-off "
        "(governance body requires_sign_off). A figure that is not final is printed marked, beside the last approved."
    )
    revision: int
    decided_at: datetime | None
    decided_by: str | None
    reasons: str | None = Field(description="Why the figure was returned.")
    approved: ApprovedFigure | None = Field(
        description="The last approved revision of the figure for the period, where the one shown is not approved."
    )


class PackKpi(KpiStatusRead):
    sign_off: PackSignOff | None = Field(
        default=None, description="Where the figure shown stands at sign-off; null when there is no figure."
    )
    trend: list[TrendPoint] = Field(
        default_factory=list, description="The periods up to the one reported (at most six), oldest first."
    )
    comments: list[PackComment] = Field(
        default_factory=list, description="Owners' commentary on the KPI for the periods in its trend, newest first."
    )


class SavingsYear(BaseModel):
    """The pack's projects' savings for one financial year of the strategy."""

    financial_year: str
    label: str = Field(description="e.g. 2016/17")
    target_pence: int
    forecast_pence: int
    delivered_pence: int


class PackAssuranceLink(BaseModel):
    action: str = Field(description="The action's key.")
    what: str
    relation: ActionRelation


class PackAssurance(BaseModel):
    """An activity of the assurance programme routed to the body and carried out in the pack's period."""

    id: int
    kind: AssuranceKind
    setting: str | None = Field(description="Where practice was observed, for a practice observation.")
    team: str | None = Field(description="The team's key; null for LSCB-led work across teams.")
    team_name: str | None
    carried_out_on: date
    carried_out_by_role: str
    grading: Grading | None
    themes: list[str]
    actions: list[PackAssuranceLink] = Field(description="The business improvement actions it raises or evidences.")


class PackHeadline(BaseModel):
    """The front page's figures, and the sentence it opens with."""

    sentence: str = Field(
        examples=["7 of 11 Council Plan KPIs on or above target; 2 off target; 2 not yet rated."],
    )
    kpis: int = Field(description="KPIs in the pack.")
    kpis_by_rating: RatingCounts
    exceptions: int
    actions: int
    actions_overdue: int
    actions_stale: int
    projects: int
    projects_red: int
    returns: int = Field(default=0, description="KPI returns routed to the body that are late or missing.")
    assurance: int = Field(default=0, description="Assurance activities in the pack.")
    kpis_not_final: int = Field(
        default=0, description="KPIs whose figure is not final: awaiting sign-off or returned, where the body needs it."
    )


class PackException(BaseModel):
    rule: str = Field(description="The exception rule's key.")
    kind: str
    item: str = Field(description="The item it is about, e.g. kpi:neet-not-known-16-19 or action:<key>.")
    title: str
    reason: str


class PackReturn(BaseModel):
    """A KPI return late or missing as at the pack's date (see GET /api/v1/returns)."""

    kpi: str = Field(description="The KPI's code.")
    kpi_title: str
    period: str
    period_label: str = Field(description="e.g. December 2016, 2016/17 Q4.")
    due_date: date
    status: str = Field(description="late or missing.")
    received_at: datetime | None
    days_late: int | None
    accountable_owner: str = Field(description="Owner code.")
    submitting_owner: str = Field(description="Owner code.")


class StatusCounts(Counts):
    """How many have each delivery status."""

    values = tuple(DeliveryStatus)
    not_started: int
    on_track: int
    at_risk: int
    off_track: int
    complete: int
    closed: int


class RagCounts(Counts):
    """How many are rated red, amber and green, and how many not yet rated (none)."""

    values = (*Rag, "none")
    red: int
    amber: int
    green: int
    none: int


class FocusAreaProgress(BaseModel):
    key: str
    title: str
    actions: int
    actions_by_status: StatusCounts
    actions_by_rag: RagCounts
    actions_overdue: int
    actions_stale: int
    projects: int
    projects_by_rag: RagCounts


class Pack(BaseModel):
    """Every section is present for every body; a section no routing rule fills is an empty list."""

    body: PackBody
    title: str = Field(examples=["Children's Services Management Team: performance and progress, 2016/17"])
    reports: list[str] = Field(description="The reports this pack brings together, as the routing rules name them.")
    period: str | None = Field(description="The reporting period asked for, e.g. 2016/17.")
    period_label: str | None = Field(description="That period as a report writes it.")
    financial_year: str = Field(description="The financial year whose savings are shown.")
    financial_year_label: str = Field(description="e.g. 2016/17")
    as_at: date = Field(
        description="The date the pack reports as at: overdue, stale and latest figures are judged at the end of it."
    )
    known_at: datetime = Field(description="The data as it was known at this moment (later corrections left out).")
    generated_at: datetime
    rules: list[str] = Field(description="The routing rules that filled this pack.")
    headline: PackHeadline
    actions_by_focus_area: list[PackFocusArea]
    kpis: list[PackKpi]
    exceptions: list[PackException]
    returns: list[PackReturn] = Field(
        default_factory=list,
        description="KPI returns routed to the body that are missing as at the pack's date, or were received late "
        "for a period that ended in its financial year, by due date.",
    )
    projects: list[PackProject]
    savings_totals: SavingsTotals | None
    savings_by_year: list[SavingsYear] = Field(
        description="The pack's projects' savings in each financial year of the strategy, for the savings chart."
    )
    progress_summary: list[FocusAreaProgress]
    assurance: list[PackAssurance] = Field(
        default_factory=list,
        description="The assurance programme's activities routed to the body, carried out in the pack's period (or "
        "its financial year) up to its as_at, the earliest first.",
    )


class PackIssue(WriteModel):
    """Issue the pack for a meeting: it is stored exactly as presented, and never changes."""

    meeting_date: Day
    period: str | None = Field(default=None, max_length=20, description="e.g. 2016/17; default: each KPI's latest.")
    as_at: Day | None = Field(
        default=None, description="The date it reports as at (default: the period's end, or today if earlier)."
    )
    known_at: Moment | None = Field(
        default=None, description="The data as known at this moment, in the past (default: now)."
    )

    @field_validator("known_at")
    @classmethod
    def _not_to_come(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC):
            raise ValueError("must not be in the future: a pack can only use what is known by now")
        return value


class IssuedPackRead(BaseModel):
    id: int
    body: str
    meeting_date: date
    version: int = Field(description="1 for the first issue for this meeting; re-issuing adds a version.")
    period: str | None
    as_at: date
    known_at: datetime
    issued_at: datetime
    issued_by: str


SHARE_LIFETIME = timedelta(days=30)  # a link's life unless its maker says otherwise
LONGEST_SHARE = timedelta(days=365)


class PackShareCreate(WriteModel):
    """A link to an issued pack that opens without an API key until it expires or is revoked."""

    expires_at: Moment | None = Field(
        default=None,
        description="When the link stops working (ISO 8601 with an offset): in the future and at most a year ahead; "
        "default 30 days from now.",
    )

    @field_validator("expires_at")
    @classmethod
    def _within_a_year(cls, value: datetime | None) -> datetime | None:
        now = datetime.now(UTC)
        if value is not None and value <= now:
            raise ValueError("must be in the future")
        if value is not None and value > now + LONGEST_SHARE:
            raise ValueError(f"must be at most {LONGEST_SHARE.days} days ahead")
        return value


class PackShareRead(BaseModel):
    id: int
    pack_id: int = Field(description="The issued pack (that version) the link shows.")
    created_at: datetime
    created_by: str
    expires_at: datetime
    revoked_at: datetime | None
    active: bool = Field(description="The link opens now: it has neither expired nor been revoked.")
    views: int = Field(description="How many times the link has been opened.")
    last_viewed_at: datetime | None


class PackShareCreated(PackShareRead):
    url: str | None = Field(
        description="Where the pack opens without a key: /shared-packs/<token>, relative to the service's address "
        "(null when an Idempotency-Key replays the answer).",
        examples=["/shared-packs/3q2-7wEjd0H1cXr4hZfK8lT9vYbN6mPaSeUoGiQcDkA"],
    )
    token: str | None = Field(
        description="The link's token. Shown this once: only a hash of it is stored (null when an Idempotency-Key "
        "replays the answer: revoke the link and make another if it was lost)."
    )
