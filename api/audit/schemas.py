from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from api.pagination import PageParams
from api.schemas import INT32_MAX, Moment, QueryModel, ReadModel


class AuditEventRead(ReadModel):
    seq: int = Field(description="Position in the change feed.")
    occurred_at: datetime
    actor: str = Field(description="Who wrote: the API key's public id and name, or 'seed' / 'cli:<user>'.")
    resource: str
    id: str = Field(validation_alias="resource_key", description="The item's key.")
    action: str = Field(description="create, update, archive, progress, submit, revoke ...")
    before: dict[str, Any] | None = Field(description="Changed fields before the write.")
    after: dict[str, Any] | None = Field(description="Changed fields after the write.")
    version: int | None
    request_id: str | None


class AuditQuery(PageParams):
    resource: str | None = Field(None, max_length=40, description="e.g. action, project, kpi_value, api_key.")
    id: str | None = Field(None, max_length=200, description="The item's key.")
    actor: str | None = Field(None, max_length=200, description="Exact actor, e.g. 'key:k3f9a2b1c0 (CSMT)'.")
    since: Moment | None = Field(None, description="Only events at or after this time.")


class ChangeEvent(BaseModel):
    cursor: str = Field(description="Resume after this event with ?after=<cursor>.")
    resource: str
    id: str
    kind: str = Field(description="What happened: create, update, archive, progress, submit ...")
    version: int | None
    occurred_at: datetime


class ChangeFeed(BaseModel):
    events: list[ChangeEvent]
    next_cursor: str = Field(description="Pass as ?after= to continue; unchanged when there is nothing new.")
    has_more: bool


class FeedQuery(QueryModel):
    after: str = Field("0", max_length=10, pattern=r"^\d+$", description="The cursor to resume after (0: the start).")

    @field_validator("after")
    @classmethod
    def _a_cursor(cls, value: str) -> str:
        if int(value) > INT32_MAX:  # the feed's sequence numbers are INTEGER
            raise ValueError("is not a cursor this feed gave out")
        return value

    limit: int = Field(100, ge=1, le=1000)
