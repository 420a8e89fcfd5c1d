from datetime import date, datetime

from pydantic import Field

from api.delivery import DeliveryStatus, Rag
from api.schemas import Day, ReadModel, WriteModel


class ProgressIn(WriteModel):
    status: DeliveryStatus
    rag: Rag | None = None
    percent_complete: int | None = Field(default=None, ge=0, le=100)
    commentary: str | None = Field(default=None, max_length=4000)
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
