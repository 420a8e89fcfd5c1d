import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from api.audit.models import AuditEvent
from api.pagination import PageParams
from api.schemas import INT32_MAX, Moment, QueryModel

Scalar = str | int | float | bool | None
# What a field held: a value, or a list of values (owner codes), or of lists (an action's milestones as title and
# due text). Anything deeper, which no writer records today, is shown as its JSON text.
FieldValue = Scalar | list[Scalar | list[Scalar]]


class FieldChange(BaseModel):
    field: str = Field(
        description="The field, e.g. comments; a part of one by its path, e.g. targets.FY2016-17.value for a KPI's "
        "target for a period."
    )
    before: FieldValue = Field(description="What it held before the write (null: nothing, e.g. on create).")
    after: FieldValue = Field(description="What it holds after (null: nothing, e.g. on delete).")


def _flat(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    """A recorded field, a mapping (a KPI's target for a period) spelt out part by part."""
    if isinstance(value, dict):
        for part, inner in value.items():
            yield from _flat(f"{name}.{part}", inner)
    else:
        yield name, value


def _shown(value: Any, depth: int = 0) -> Any:
    if isinstance(value, list) and depth < 2:
        return [_shown(item, depth + 1) for item in value]
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list["FieldChange"]:
    """What an audit event records (the changed fields before, and after), as one change per field that differs."""
    was = dict(pair for name, value in (before or {}).items() for pair in _flat(name, value))
    now = dict(pair for name, value in (after or {}).items() for pair in _flat(name, value))
    return [
        FieldChange(field=name, before=_shown(was.get(name)), after=_shown(now.get(name)))
        for name in dict.fromkeys([*was, *now])
        if was.get(name) != now.get(name)
    ]


class AuditEventRead(BaseModel):
    seq: int = Field(description="Position in the change feed.")
    occurred_at: datetime
    actor: str = Field(description="Who wrote: the API key's public id and name, or 'seed' / 'cli:<user>'.")
    resource: str
    id: str = Field(description="The item's key.")
    action: str = Field(description="create, update, archive, progress, submit, revoke ...")
    changes: list[FieldChange] = Field(description="Each field the write changed, with what it held before and after.")
    version: int | None
    request_id: str | None

    @classmethod
    def of(cls, event: AuditEvent) -> "AuditEventRead":
        return cls(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor=event.actor,
            resource=event.resource,
            id=event.resource_key,
            action=event.action,
            changes=field_changes(event.before, event.after),
            version=event.version,
            request_id=event.request_id,
        )


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
