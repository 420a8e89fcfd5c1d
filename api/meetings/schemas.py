from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import AliasPath, BaseModel, Field, StringConstraints, model_validator

from api.actions.schemas import ActionCreate
from api.delivery import DeliveryStatus
from api.meetings.models import MeetingStatus
from api.owners.schemas import OwnerRef
from api.pagination import ChangedQuery
from api.procedures.models import ProcedureStatus
from api.schemas import Day, Key, LongText, NotNull, ReadModel, WriteModel, refuse_null

ItemRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=200),
    Field(description="An item as the routing resolves it: action:<key>, project:<key>, kpi:<code> ..."),
]
ItemRefs = Annotated[list[ItemRef], Field(max_length=50)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Outcome = Literal["tested", "approved", "rejected"]


class MeetingRead(ReadModel):
    id: int
    body: str = Field(validation_alias=AliasPath("body", "key"), description="The governance body's key.")
    meeting_date: date
    title: str | None
    location: str | None
    notes: str | None
    status: MeetingStatus
    agenda_items: list[str] = Field(description="Agenda items besides the issued packs, as item references.")
    version: int = Field(description="Also the ETag; recording or correcting a decision moves it on.")
    created_at: datetime
    updated_at: datetime


class PackLink(BaseModel):
    """Where to read an issued pack in one format (pdf and xlsx: packs issued since those formats existed)."""

    format: str = Field(examples=["pdf"])
    href: str = Field(examples=["/api/v1/packs/12?format=pdf"])


class AgendaPack(BaseModel):
    id: int
    version: int = Field(description="1 for the first issue for this meeting; re-issuing adds a version.")
    period: str | None
    as_at: date
    issued_at: datetime
    issued_by: str
    links: list[PackLink] = Field(description="The pack in every format it is issued in: json, csv, html, pdf, xlsx.")


class AgendaItem(BaseModel):
    ref: str
    title: str | None = Field(description="The item's title now; none if it no longer exists.")


class Agenda(BaseModel):
    packs: list[AgendaPack] = Field(description="The packs issued to the body for this meeting's date, newest first.")
    items: list[AgendaItem]


class ArisingAction(ReadModel):
    key: str
    what: str
    owners: list[OwnerRef]
    due_text: str | None
    due_date: date | None
    status: DeliveryStatus


class DecisionRead(ReadModel):
    meeting_id: int
    body: str = Field(validation_alias=AliasPath("meeting", "body", "key"), description="The meeting's body's key.")
    meeting_date: date = Field(validation_alias=AliasPath("meeting", "meeting_date"))
    number: int = Field(description="Its place in the meeting's decisions log, from 1.")
    text: str
    reasons: str | None
    concerns: list[str] = Field(description="The items it concerns, as item references.")
    procedure_outcome: ProcedureStatus | None = Field(
        description="What it did to the procedure changes it concerns: tested, approved or rejected."
    )
    actions_arising: list[ArisingAction]
    recorded_by: str
    version: int = Field(description="Also the ETag: send it back in If-Match to correct the decision.")
    created_at: datetime
    updated_at: datetime


class MeetingDetail(MeetingRead):
    agenda: Agenda
    decisions: list[DecisionRead]


class MeetingCreate(WriteModel):
    body: Key = Field(examples=["csmt"])
    meeting_date: Day
    title: Short | None = None
    location: Short | None = None
    notes: LongText | None = None
    status: MeetingStatus = MeetingStatus.scheduled
    agenda_items: ItemRefs = Field(default_factory=list)


class MeetingUpdate(WriteModel):
    meeting_date: Day | NotNull = None
    title: Short | None = None
    location: Short | None = None
    notes: LongText | None = None
    status: MeetingStatus | NotNull = None
    agenda_items: ItemRefs | NotNull = None

    _not_emptied = refuse_null("meeting_date", "status", "agenda_items")


class NewAction(ActionCreate):
    """A business improvement action created by the decision: it needs owners (who) and a due date (when)."""

    @model_validator(mode="after")
    def _owned_and_due(self) -> Self:
        if not self.who:
            raise ValueError("an action arising needs its owners (who)")
        if not self.when:
            raise ValueError("an action arising needs its due date (when)")
        return self


class ArisingActionIn(WriteModel):
    """An action arising: an existing action by key, or a new one (exactly one of the two)."""

    action: Key | None = Field(default=None, description="An existing business improvement action's key.")
    new: NewAction | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.action is None) == (self.new is None):
            raise ValueError("give exactly one of action (an existing action's key) or new (an action to create)")
        return self


ArisingActionsIn = Annotated[list[ArisingActionIn], Field(max_length=20)]


class DecisionCreate(WriteModel):
    text: LongText = Field(examples=["Approve the change to recording missing episodes"])
    reasons: LongText | None = None
    concerns: ItemRefs = Field(default_factory=list)
    procedure_outcome: Outcome | None = Field(
        default=None,
        description="For a decision about procedure changes (it must concern at least one): tested, approved or "
        "rejected. Approval is refused unless every body at an earlier step of their route tested them first.",
    )
    actions_arising: ArisingActionsIn = Field(default_factory=list)


class DecisionUpdate(WriteModel):
    """A correction; its procedure outcome and the procedure changes it moved stay as recorded."""

    text: LongText | NotNull = None
    reasons: LongText | None = None
    concerns: ItemRefs | NotNull = None
    actions_arising: ArisingActionsIn | NotNull = None

    _not_emptied = refuse_null("text", "concerns", "actions_arising")


class DecisionQuery(ChangedQuery):
    item: ItemRef | None = Field(
        None, description="Only decisions concerning this item, e.g. kpi:neet-not-known-16-19."
    )
    action: Key | None = Field(None, description="Only decisions from which this business improvement action arises.")
    body: Key | None = Field(None, description="Only decisions of this governance body's meetings.")


class MeetingQuery(ChangedQuery):
    body: Key | None = Field(None, description="The governance body's key.")
    from_: Day | None = Field(None, alias="from", description="Meetings on or after this date.")
    to: Day | None = Field(None, description="Meetings on or before this date.")
    status: MeetingStatus | None = None
