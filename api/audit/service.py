"""Recording writes. Every service that changes data calls record() in the same transaction as the change."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Integer, String, bindparam, event, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.types import TypeEngine

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
    taken, the events inserted and the transaction committed. Writers hold the counter's lock for that one statement
    (two on SQLite) and the commit, not for their whole transaction, so they do not queue behind each other's work."""
    if session.in_nested_transaction():  # a savepoint's release: the transaction goes on
        return
    pending: list[dict[str, Any]] = session.info.pop(PENDING, [])
    if not pending:
        return
    session.flush()
    connection = session.connection()
    # Plain rows, not ORM objects: nothing reads them back in this transaction, and a write is spared the unit of
    # work's bookkeeping.
    if connection.dialect.name == "postgresql":  # the numbers taken and the rows inserted in one statement
        connection.execute(_NUMBERED_INSERT, {"count": len(pending), **event_columns(pending)})
        return
    first = _counter(connection, len(pending)) - len(pending) + 1
    connection.execute(insert(AuditEvent), [row | {"seq": seq} for seq, row in enumerate(pending, start=first)])


_EVENT_COLUMNS: dict[str, TypeEngine[Any]] = {
    "occurred_at": postgresql.ARRAY(DateTime(timezone=True)),
    "version": postgresql.ARRAY(Integer),
    "actor": postgresql.ARRAY(String),
    "api_key_id": postgresql.ARRAY(Integer),
    "resource": postgresql.ARRAY(String),
    "resource_key": postgresql.ARRAY(String),
    "action": postgresql.ARRAY(String),
    "before": postgresql.ARRAY(JSON),
    "after": postgresql.ARRAY(JSON),
    "request_id": postgresql.ARRAY(String),
}
_LISTED = ", ".join(_EVENT_COLUMNS)
EVENT_BINDS = tuple(bindparam(name, type_=kind) for name, kind in _EVENT_COLUMNS.items())


def numbered_events_sql(after: str | None = None) -> str:
    """PostgreSQL: take ``:count`` change numbers and insert the events given as arrays (one per column, named as
    the columns), numbered in order, in one statement: the counter's lock is then held for that statement and the
    commit. One shape whatever the number of events, so it is compiled and prepared once. It ends a ``WITH``:
    ``after`` names an earlier CTE of the same statement whose rows must be written first (the numbers are taken
    from its rows, so the counter is locked only once they exist)."""
    source = f"SELECT 1, :count FROM {after}" if after else "VALUES (1, :count)"
    return f"""
    taken AS (
        INSERT INTO change_counter (id, last_seq) {source}
        ON CONFLICT (id) DO UPDATE SET last_seq = change_counter.last_seq + :count
        RETURNING last_seq
    )
    INSERT INTO audit_event (seq, {_LISTED})
    SELECT taken.last_seq - :count + event.position, {", ".join(f"event.{name}" for name in _EVENT_COLUMNS)}
    FROM taken, unnest({", ".join(f":{name}" for name in _EVENT_COLUMNS)})
        WITH ORDINALITY AS event({_LISTED}, position)
    """  # noqa: S608 (column and CTE names are constants)


def event_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Events as the arrays numbered_events_sql() inserts."""
    return {name: [row[name] for row in rows] for name in _EVENT_COLUMNS}


# PostgreSQL: the counter's lock is then held for one round trip and the commit (each round trip of a busy worker
# can wait behind other requests' turns on the event loop).
_NUMBERED_INSERT = text("WITH " + numbered_events_sql()).bindparams(bindparam("count", type_=Integer), *EVENT_BINDS)


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
    event = event_row(actor, resource=resource, key=key, action=action, before=before, after=after, version=version)
    add(session, event)


def recorded(session: AsyncSession) -> int:
    """How many events this transaction has recorded so far (a caller can tell whether its work wrote anything)."""
    return len(session.info.get(PENDING, []))


@asynccontextmanager
async def undone(session: AsyncSession) -> AsyncIterator[None]:
    """Work done only to see what it would do (a dry run that needs the rows it would write to judge the rest): in a
    savepoint rolled back at the end, and the events it recorded forgotten with it."""
    mark = recorded(session)
    savepoint = await session.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()
        del session.info.setdefault(PENDING, [])[mark:]


def add(session: AsyncSession, event: dict[str, Any]) -> None:
    """Add an event made by event_row() to this transaction's, to be numbered and inserted when it commits."""
    session.info.setdefault(PENDING, []).append(event)


def event_row(
    actor: Actor,
    *,
    resource: str,
    key: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    """An audit event's columns (its number is given when it is inserted)."""
    return {
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
