"""Recording writes. Every service that changes data calls record() in the same transaction as the change."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, event, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from api.audit.models import AuditEvent, ChangeCounter
from api.auth.principal import Actor
from api.db import utcnow


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


PENDING = "audit.pending"  # session.info: this transaction's events, numbered when it commits


def _counter(connection: Connection, count: int) -> int:
    """Take ``count`` change numbers and return the last. The counter row stays locked until this transaction
    ends, so numbers are handed out in commit order and a rollback gives its numbers back: consumers of the feed
    never see a gap or a late arrival."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ChangeCounter)
        .values(id=1, last_seq=count)
        .on_conflict_do_update(index_elements=[ChangeCounter.id], set_={"last_seq": ChangeCounter.last_seq + count})
        .returning(ChangeCounter.last_seq)
    )
    return int(connection.execute(statement).scalar_one())


@event.listens_for(Session, "before_commit")
def _number_events(session: Session) -> None:
    """Number this transaction's events at the last moment: everything else is written first, then the counter is
    taken, the events inserted and the transaction committed. Writers hold the counter's lock for those two
    statements and the commit, not for their whole transaction, so they do not queue behind each other's work."""
    if session.in_nested_transaction():  # a savepoint's release: the transaction goes on
        return
    pending: list[dict[str, Any]] = session.info.pop(PENDING, [])
    if not pending:
        return
    session.flush()
    connection = session.connection()
    first = _counter(connection, len(pending)) - len(pending) + 1
    # Plain rows, not ORM objects: nothing reads them back in this transaction, and a write is spared the unit of
    # work's bookkeeping.
    connection.execute(insert(AuditEvent), [row | {"seq": seq} for seq, row in enumerate(pending, start=first)])


@event.listens_for(Session, "after_transaction_end")
def _forget_events(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction rolled back (a commit has taken its events already)
        session.info.pop(PENDING, None)


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
) -> None:
    """Record a write, to be numbered and inserted when the transaction commits (and forgotten if it rolls back)."""
    row = {
        "occurred_at": utcnow(),
        "version": version,
        "actor": actor.name,
        "api_key_id": actor.principal.api_key_pk,
        "resource": resource,
        "resource_key": key,
        "action": action,
        "before": _json(before) if before is not None else None,
        "after": _json(after) if after is not None else None,
        "request_id": actor.request_id,
    }
    session.info.setdefault(PENDING, []).append(row)
