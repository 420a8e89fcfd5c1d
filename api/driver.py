"""The hottest statements on PostgreSQL, run on asyncpg's own connection.

A single figure's PUT and every request's key check are a handful of statements each; SQLAlchemy's execute layers
(the greenlet hop, the execution context, the cursor adapter, result metadata) cost about a fifth of the PUT's CPU.
These few statements are compiled once for asyncpg and run on the pooled connection's ``driver_connection``, so the
pool, its timeouts and its invalidation still apply. What SQLAlchemy would otherwise do with a failure is done here:
a broken connection is discarded and, like a database that is busy (a statement timeout, too many connections), is
raised as ConnectionError, which every route answers with 503 (api/errors.py); any other refusal is asyncpg's own,
for the caller to handle.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from asyncpg import InterfaceError, PostgresConnectionError, PostgresError
from sqlalchemy import Select, TextClause
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection

from api.errors import BUSY_STATES


class DriverStatement:
    """A statement compiled once for asyncpg: its SQL with $n placeholders, and which parameter goes where."""

    def __init__(self, statement: TextClause | Select[Any]) -> None:
        compiled = statement.compile(dialect=asyncpg.dialect())  # type: ignore[no-untyped-call]
        self.sql = compiled.string
        self.order = tuple(compiled.positiontup or ())
        self.constants = dict(compiled.params)  # values written into the statement (a select's `id == 1`)

    def arguments(self, values: dict[str, Any]) -> list[Any]:
        return [values[name] if name in values else self.constants[name] for name in self.order]

    async def run(self, driver: Any, **values: Any) -> list[Any]:
        return list(await driver.fetch(self.sql, *self.arguments(values)))

    async def one(self, driver: Any, **values: Any) -> Any:
        """The first row, or None."""
        return await driver.fetchrow(self.sql, *self.arguments(values))


@asynccontextmanager
async def driver_of(connection: AsyncConnection) -> AsyncIterator[Any]:
    """asyncpg's connection under a pooled one; failures as the module's docstring says."""
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is None:  # only a connection already closed has none
        raise ConnectionError("The pooled connection is closed.")
    try:
        yield driver
    except (InterfaceError, PostgresConnectionError, OSError, TimeoutError) as error:
        driver.terminate()  # cut at once: a polite close would wait on the server that has just failed to answer
        await connection.invalidate()  # and never handed to the next request
        raise ConnectionError(f"The database connection failed: {error!r}") from error
    except PostgresError as error:
        if getattr(error, "sqlstate", None) in BUSY_STATES:
            raise ConnectionError(f"The database is busy: {error!r}") from error
        raise
