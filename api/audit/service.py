"""Recording writes. Every service that changes data calls record() in the same transaction as the change."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.models import AuditEvent, ChangeCounter
from api.auth.principal import Actor


def _json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, before and after."""
    changed = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in changed}, {name: after[name] for name in changed}


async def next_seq(session: AsyncSession) -> int:
    """The next change number. The counter row stays locked until this transaction ends, so writers take numbers
    in commit order, and a rollback returns its number: consumers of the feed never see a gap or a late arrival."""
    connection = await session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ChangeCounter)
        .values(id=1, last_seq=1)
        .on_conflict_do_update(index_elements=[ChangeCounter.id], set_={"last_seq": ChangeCounter.last_seq + 1})
        .returning(ChangeCounter.last_seq)
    )
    return int((await connection.execute(statement)).scalar_one())


async def record(
    session: AsyncSession,
    actor: Actor,
    *,
    resource: str,
    key: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    version: int | None = None,
) -> AuditEvent:
    event = AuditEvent(
        seq=await next_seq(session),
        version=version,
        actor=actor.name,
        api_key_id=actor.principal.api_key_pk,
        resource=resource,
        resource_key=key,
        action=action,
        before=_json(before) if before is not None else None,
        after=_json(after) if after is not None else None,
        request_id=actor.request_id,
    )
    session.add(event)
    return event
