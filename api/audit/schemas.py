from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import ReadModel


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


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resource: str | None = Field(None, max_length=40, description="e.g. action, project, kpi_value, api_key.")
    id: str | None = Field(None, max_length=200, description="The item's key.")
    actor: str | None = Field(None, max_length=200, description="Exact actor, e.g. 'key:k3f9a2b1c0 (CSMT)'.")
    since: datetime | None = Field(None, description="Only events at or after this time.")
    page: int = Field(1, ge=1)
    limit: int = Field(50, ge=1, le=500)


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


class FeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: str = Field("0", max_length=20, pattern=r"^\d+$", description="The cursor to resume after (0: the start).")
    limit: int = Field(100, ge=1, le=1000)
