"""Database plumbing: the declarative Base, the engine and the one session dependency that commits."""

import warnings
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import DateTime, MetaData, Table, bindparam, event, func, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from api.settings import get_settings

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


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


@lru_cache
def get_engine() -> AsyncEngine:
    settings = get_settings()
    return make_engine(settings.database_url, pool_size=settings.db_pool_size)


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


async def bulk_insert(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows in the session's transaction: COPY on Postgres (several times faster), executemany elsewhere.

    Rows bypass the ORM, so they must carry every value the columns need (no Python-side defaults run).
    """
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(
        table.name, records=[tuple(row[name] for name in columns) for row in rows], columns=columns
    )
