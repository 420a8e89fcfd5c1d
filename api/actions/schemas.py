from datetime import date, datetime
from typing import Annotated

from pydantic import AliasPath, Field, StringConstraints

from api.delivery import DeliveryStatus, DueKind, Rag
from api.owners.schemas import OwnerRef
from api.schemas import Key, NotNull, OwnerCode, ReadModel, WriteModel, refuse_null

Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Owners = Annotated[list[OwnerCode], Field(max_length=20, description="Owner codes (or aliases), in order.")]
Milestones = Annotated[list["MilestoneIn"], Field(max_length=50)]


class MilestoneRead(ReadModel):
    position: int
    title: str
    due_text: str | None
    due_kind: DueKind
    due_date: date | None
    status: DeliveryStatus
    rag: Rag | None


class ActionRead(ReadModel):
    key: str
    focus_area: str = Field(validation_alias=AliasPath("focus_area", "key"), description="Focus area key.")
    position: int
    theme: str | None
    what: str
    detail: str | None = Field(description="The Detail / Why column.")
    due_text: str | None = Field(description="When, as written.")
    due_kind: DueKind
    due_date: date | None = Field(description="The date read from due_text (end of the month named).")
    owners: list[OwnerRef] = Field(description="Who, in the order written.")
    comments: str | None
    status: DeliveryStatus = Field(description="From the latest progress update.")
    rag: Rag | None
    percent_complete: int | None
    last_update_on: date | None = Field(description="As-of date of the latest progress update.")
    overdue: bool = Field(default=False, description="Past its due date or a milestone's, and not complete.")
    stale: bool = Field(default=False, description="Ongoing, and no progress update for longer than allowed.")
    note: str | None = Field(description="Transcriber's note where the source was ambiguous.")
    version: int = Field(description="Also the ETag: send it back in If-Match to change the action.")
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ActionDetail(ActionRead):
    milestones: list[MilestoneRead]


class MilestoneIn(WriteModel):
    title: Text
    when: str | None = Field(default=None, max_length=100, examples=["Sep 2016"])


class ActionCreate(WriteModel):
    key: Key = Field(examples=["cin-private-fostering-audit"])
    focus_area: Key
    theme: str | None = Field(default=None, max_length=200)
    what: Text
    detail: str | None = Field(default=None, max_length=4000)
    when: str | None = Field(default=None, max_length=100, description="As written: 'Sep 2016', 'Ongoing'.")
    who: Owners = Field(default_factory=list)
    comments: str | None = Field(default=None, max_length=4000)
    milestones: Milestones = Field(default_factory=list)
    note: str | None = Field(default=None, max_length=4000)


class ActionUpdate(WriteModel):
    """Fields to change; status and RAG change only through progress updates."""

    focus_area: Key | None = None
    theme: str | None = Field(default=None, max_length=200)
    what: Text | NotNull = None
    detail: str | None = Field(default=None, max_length=4000)
    when: str | None = Field(default=None, max_length=100)
    who: Owners | NotNull = None
    comments: str | None = Field(default=None, max_length=4000)
    milestones: Milestones | NotNull = None
    note: str | None = Field(default=None, max_length=4000)

    _not_emptied = refuse_null("what", "who", "milestones")
