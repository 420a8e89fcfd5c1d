from datetime import date, datetime

from pydantic import AliasPath, Field

from api.delivery import DeliveryStatus, DueKind, Rag
from api.owners.schemas import OwnerRef
from api.schemas import ReadModel


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
    status: DeliveryStatus
    rag: Rag | None
    note: str | None = Field(description="Transcriber's note where the source was ambiguous.")
    created_at: datetime
    updated_at: datetime


class ActionDetail(ActionRead):
    milestones: list[MilestoneRead]
