from datetime import date, datetime

from pydantic import Field

from api.delivery import DeliveryStatus, Rag
from api.schemas import AnonymousText, Day, ReadModel, WriteModel


class ProgressIn(WriteModel):
    status: DeliveryStatus
    rag: Rag | None = None
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    commentary: AnonymousText | None = Field(
        default=None,
        description="What moved and why (at most 4,000 characters; never about a child: text that looks like it "
        "identifies someone is refused).",
    )
    as_of: Day = Field(description="The date the update describes (ISO 8601); not in the future.")


class ProgressRead(ReadModel):
    id: int
    status: DeliveryStatus
    rag: Rag | None
    percent_complete: int | None
    commentary: str | None
    as_of: date = Field(validation_alias="as_of_date")
    created_at: datetime
    created_by: str
