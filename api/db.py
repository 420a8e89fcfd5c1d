"""Database plumbing: the declarative Base, the engine and the one session dependency that commits."""

import logging
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import DateTime, MetaData, Table, bindparam, event, func, text
from sqlalchemy.engine import Dialect, ExceptionContext
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from api.cooperative import in_turns
from api.settings import get_settings

logger = logging.getLogger(__name__)

# SQLite stores NUMERIC as REAL; values are rounded to the KPI's decimal places before they are stored,
# so the float round trip loses nothing we keep.
warnings.filterwarnings("ignore", r"Dialect sqlite\+aiosqlite does \*not\* support Decimal", SAWarning)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend (SQLite drops the offset, so we restore UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a timezone-aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class VersionedMixin:
    """An optimistic-concurrency version, bumped by every UPDATE; it is the resource's ETag.

    SQLAlchemy adds `WHERE version = <read version>` to each UPDATE, so of two writers holding the same ETag
    exactly one succeeds and the other gets StaleDataError (412).
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@dataclass(frozen=True)
class Timeouts:
    """How long to wait on PostgreSQL before giving up (and answering 503): a server that is down or hung must
    not hold requests, workers and pooled connections for minutes."""

    connect: float = 3
    pool: float = 3
    statement: float = 5  # 0: no limit

    def connect_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"timeout": self.connect}
        if self.statement:
            # The server cancels a slow statement cleanly; the client gives up half a second later if the server
            # itself does not answer (hung), and the connection is then thrown away.
            args["command_timeout"] = self.statement + 0.5
            args["server_settings"] = {"statement_timeout": str(int(self.statement * 1000))}
        return args


# For creating and dropping databases (tests, benchmarks): dropping one waits on the disk, which on a busy machine
# takes longer than any request should; nothing waits on these but the one who asked.
ADMIN_TIMEOUTS = Timeouts(connect=30, pool=30, statement=0)


def _gone_quiet(context: ExceptionContext) -> None:
    """A connection that timed out or broke mid-statement is in an unknown state: discard it (and its pool's
    siblings, which reach the same server) rather than hand it to the next request. It is cut at once: a polite
    close would wait on the server that has just failed to answer."""
    if not isinstance(context.original_exception, TimeoutError | OSError):
        return
    context.is_disconnect = True
    pooled = context.connection.connection if context.connection is not None else None
    driver = getattr(pooled, "driver_connection", None)
    if driver is not None and hasattr(driver, "terminate"):
        driver.terminate()


def make_engine(url: str, *, pool_size: int = 10, timeouts: Timeouts | None = None, pooled: bool = True) -> AsyncEngine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    timeouts = timeouts or Timeouts()
    pooling: dict[str, Any] = (
        # No ping before each use (a round trip per request, and a hang of its own when the server hangs): a
        # connection that fails is recognised as a disconnect and the whole pool is replaced (see _gone_quiet).
        # No overflow either: an overflow connection is closed when it comes back to a full pool, so a steady load
        # above the pool's size would open and close a connection per request; requests queue for one instead.
        {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": timeouts.pool}
        if pooled
        else {"poolclass": NullPool}
    )
    engine = create_async_engine(url, connect_args=timeouts.connect_args(), **pooling)
    event.listen(engine.sync_engine, "handle_error", _gone_quiet)
    return engine


@lru_cache
def get_engine() -> AsyncEngine:
    settings = get_settings()
    timeouts = Timeouts(settings.db_connect_timeout, settings.db_pool_timeout, settings.db_statement_timeout)
    return make_engine(settings.database_url, pool_size=settings.db_pool_size, timeouts=timeouts)


async def dispose_engines() -> None:
    for engine in (get_engine(), get_probe_engine()):
        await engine.dispose()


@lru_cache
def get_probe_engine() -> AsyncEngine:
    """Unpooled, with /readyz's own short timeouts: a readiness check never waits behind (or breaks) the pool."""
    settings = get_settings()
    quick = settings.readyz_timeout
    return make_engine(settings.database_url, timeouts=Timeouts(quick, quick, quick), pooled=False)


def forget_engines() -> None:
    """Build the engines afresh from the settings next time (after the settings change: tests, the CLI)."""
    for cached in (get_engine, get_probe_engine, get_sessionmaker):
        cached.cache_clear()


class Availability:
    """Whether the database answers, as this worker last found it. A change is logged once (an outage is one line
    when it starts and one when it ends, not a traceback per request); the state itself is only for the log."""

    def __init__(self) -> None:
        self.down_since: float | None = None

    def down(self, error: BaseException) -> None:
        if self.down_since is None:
            self.down_since = time.monotonic()
            cause = getattr(error, "orig", None) or error  # the driver's error, not SQLAlchemy's wrapping of it
            first_line = (str(cause).splitlines() or [""])[0]
            logger.error("database unavailable: %s: %s", type(cause).__name__, first_line)

    def up(self) -> None:
        if self.down_since is not None:
            logger.warning("database available again after %.1f s", time.monotonic() - self.down_since)
            self.down_since = None


availability = Availability()


@lru_cache
def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(get_engine(), expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """One request, one transaction: commit when the handler returns, roll back when it raises."""
    async with get_sessionmaker()() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        availability.up()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def lock_rows(session: AsyncSession, table: str, ids: list[int]) -> None:
    """Serialise writers on these rows until the transaction ends.

    Postgres locks the rows (SELECT ... FOR UPDATE, in id order so two writers cannot deadlock). SQLite has no row
    locks, so a no-op UPDATE takes its single write lock now, before anything is read for the write.
    """
    if not ids:
        return
    ordered = sorted(set(ids))
    if session.get_bind().dialect.name == "postgresql":
        statement = text(f"SELECT id FROM {table} WHERE id IN :ids ORDER BY id FOR UPDATE")  # noqa: S608
    else:
        statement = text(f"UPDATE {table} SET id = id WHERE id IN :ids")  # noqa: S608
    await session.execute(statement.bindparams(bindparam("ids", expanding=True)), {"ids": ordered})


COPY_FROM_ROWS = 50


async def bulk_insert(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: COPY on Postgres for a batch (several times faster), one
    multi-row INSERT for a few rows (COPY's extra round trips would cost more than they save) and elsewhere.

    Rows bypass the ORM, so they must carry every value the columns need (no Python-side defaults run).
    """
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS:
        await connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    records = [tuple(row[name] for name in columns) async for row in in_turns(rows, 1000)]
    await driver.copy_records_to_table(table.name, records=records, columns=columns)
