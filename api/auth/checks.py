"""Every request's key check, shared by the requests that wait for it at the same time, and never stale.

Each request under /api/v1 needs its key's row and the data's version (the change feed's last number), read after
the request arrived: a key revoked through any worker is refused on the next request, and a read answered from the
cache is what the database would give now (api/auth/middleware.py). One statement per request made that check most
of a cached read's cost: a pooled connection, a round trip, and a backend's work in PostgreSQL, which shares the
cores with the workers.

So a worker runs at most one check at a time, for every request waiting when it starts. A request that arrives
while a check is in flight waits for the next one, which starts after it arrived and so sees every write committed
before it: the guarantee is the one a statement per request gave. Alone, a request's check starts at once; under
load, one statement answers as many requests as arrived during the one before.

On PostgreSQL a worker's listener (api/auth/notified.py) keeps the version and the keys in use current from the
database's notifications; while it is live, a check is answered from it, and goes to the database only for a key
it does not hold yet.
"""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ARRAY, String, any_, bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from api.audit.models import ChangeCounter
from api.auth.models import ApiKey
from api.auth.notified import Notified
from api.db import availability, get_engine
from api.driver import DriverStatement, driver_of


@dataclass(frozen=True)
class Checked:
    """What one check read: the data's version, and each key asked about that exists (by key id)."""

    version: int
    keys: dict[str, Any]


def _statement(matches: Any) -> Any:
    """The version, and the keys asked about: one row with no key when none exists (an anonymous read asks none)."""
    version = select(ChangeCounter.last_seq).where(ChangeCounter.id == 1).scalar_subquery().label("version")
    anchor = select(literal(1).label("one")).subquery()
    return select(version, ApiKey.__table__).select_from(anchor.outerjoin(ApiKey, matches))


_ANY_KEY = _statement(ApiKey.key_id == any_(bindparam("key_ids", type_=ARRAY(String))))
_ANY_KEY_ON_DRIVER = DriverStatement(_ANY_KEY)
_IN_KEYS = _statement(ApiKey.key_id.in_(bindparam("key_ids", expanding=True)))


async def _read(key_ids: Sequence[str]) -> Checked:
    async with get_engine().connect() as connection:
        rows = await _rows(connection, list(key_ids))
    availability.up()  # a read answered from the cache runs no other statement: this one says the database is back
    version = rows[0].version if rows else 0
    return Checked(version or 0, {row.key_id: row for row in rows if row.key_id is not None})


async def _rows(connection: AsyncConnection, key_ids: list[str]) -> Sequence[Any]:
    """On PostgreSQL straight on asyncpg's connection (api/driver.py): this runs for nearly every request."""
    if connection.dialect.name != "postgresql":
        return (await connection.execute(_IN_KEYS, {"key_ids": key_ids})).all()
    async with driver_of(connection) as driver:
        records = await _ANY_KEY_ON_DRIVER.run(driver, key_ids=key_ids)
    return [SimpleNamespace(**record) for record in records]  # attributes by column name, as SQLAlchemy's rows


class KeyChecks:
    """One event loop's checks: those waiting for the next statement, and whether one is running."""

    def __init__(self) -> None:
        self.waiting: dict[str | None, asyncio.Future[Checked]] = {}
        self.runner: asyncio.Task[None] | None = None
        self.statements = 0  # how many checks were run, for tests and benchmarks
        self.notified: Notified | None = None
        self._read_rewinds = 0  # times a check read a lower version than the check before it
        self._last_read = 0

    @property
    def rewinds(self) -> int:
        """How many times the data's version has gone back, as the checks (and the notifications) saw it: the database
        was restored from a backup, or emptied. Its change counter then hands out numbers that answers kept from the
        history after the backup were computed at, so a cache keyed by the version must forget them
        (api/auth/middleware.py). Checks run one at a time, and notifications come in commit order: within each,
        the version never goes back otherwise."""
        return self._read_rewinds + (self.notified.rewinds if self.notified is not None else 0)

    async def listen(self, notified: Notified) -> None:
        await self.unlisten()
        self.notified = notified
        notified.start()

    async def unlisten(self) -> None:
        if self.notified is not None:
            notified, self.notified = self.notified, None
            await notified.stop()

    async def check(self, key_id: str | None) -> Checked:
        """The data's version and the key's row (key_id None: the version alone), as they were after this call
        began: from the notifications while they are live, from the database otherwise."""
        notified = self.notified
        if notified is not None and notified.live:
            # One turn of the event loop: notifications read no later than this request have been applied after it.
            await asyncio.sleep(0)
            if notified.live:
                if key_id is None:
                    return Checked(notified.version, {})
                if (row := notified.keys.get(key_id)) is not None:
                    return Checked(notified.version, {key_id: row})
                generation = notified.generation
                checked = await self._shared(key_id)
                if (row := checked.keys.get(key_id)) is not None:
                    notified.remember(key_id, row, generation)
                return checked
        return await self._shared(key_id)

    async def _shared(self, key_id: str | None) -> Checked:
        """The check read from the database, shared with the requests waiting for the same statement."""
        future = self.waiting.get(key_id)
        if future is None:
            future = self.waiting[key_id] = asyncio.get_running_loop().create_future()
            future.add_done_callback(_observed)
        if self.runner is None:
            self.runner = asyncio.create_task(self._run())
        return await asyncio.shield(future)  # a caller that gives up does not cancel the others' check

    async def _run(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, {}
                try:
                    checked = await _read(_key_ids(batch))
                except BaseException as error:
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(error)
                    if not isinstance(error, Exception):
                        raise
                else:
                    self.statements += 1
                    if checked.version < self._last_read:
                        self._read_rewinds += 1
                    self._last_read = checked.version
                    for future in batch.values():
                        if not future.done():
                            future.set_result(checked)
        finally:
            self.runner = None


def _key_ids(batch: Iterable[str | None]) -> list[str]:
    return [key_id for key_id in batch if key_id is not None]


def _observed(future: asyncio.Future[Checked]) -> None:
    """A failed check whose callers all gave up is not reported as never retrieved."""
    if not future.cancelled():
        future.exception()


_checks: WeakKeyDictionary[asyncio.AbstractEventLoop, KeyChecks] = WeakKeyDictionary()


def key_checks() -> KeyChecks:
    """This event loop's checks (a test's loops each have their own; a worker has one)."""
    loop = asyncio.get_running_loop()
    checks = _checks.get(loop)
    if checks is None:
        checks = _checks[loop] = KeyChecks()
    return checks
