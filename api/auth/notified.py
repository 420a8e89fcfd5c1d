"""Each worker's copy of the data version and of the API keys in use, kept current by PostgreSQL's notifications,
and a fence that makes every write reach every worker before its answer is sent.

Every request under /api/v1 needs its key's row and the data's version (api/auth/checks.py). Read from the database,
that is a round trip for each batch of requests, and on two cores it is what kept a second worker from serving much
more than the first. Instead each worker holds one connection that LISTENs: triggers (migration 3f6b2d8c41e7) notify
the change counter's new value whenever a write commits, and a key's id whenever its row changes (a revocation, an
expiry or grant edited, a last-used time). PostgreSQL delivers notifications in commit order, so a worker's version
is always that of some committed state, and a key it holds is dropped as soon as its row changes.

A notification is delivered soon after its commit, not before the writer is answered: on a busy host a listening
backend can be held off the CPU while the writer's answer reaches its client and the client's next request reaches
another worker (measured: 2 revocations in 100 not yet seen there, with both cores saturated). So a write is fenced
before it is answered (AccessMiddleware): the writing worker notifies a fence, and waits until every live listener
has acknowledged it. A listener acknowledges a fence after applying every notification before it, and every write
the writer made committed before the fence; so once all have acknowledged, no worker can answer from anything older.
The writing worker's own listener acknowledges its fence where it hears it, without a statement (on one worker a
fence is then one round trip, not two).
A request waits one turn of the event loop before it reads the version (KeyChecks.check), so a notification applied
by the time its bytes were read is seen. A listener that does not acknowledge within FENCE_SECONDS (its worker
stuck) is cut off: its connection is terminated and that worker's checks go to the database until it is back.
Concurrent writes share a fence, as key checks share a statement.

Until the listener has connected, LISTENed and read the version after that, and whenever it is lost (the connection
breaks, or a keepalive goes unanswered), `live` is False and every check goes to the database, so nothing stale is
served for want of a notification. Its keys are then forgotten. A listener is listed in pg_stat_activity under
APPLICATION_NAME and its worker's process id only once it is live, so fences wait for exactly the listeners
answering from memory. SQLite has no notifications: there the round trip stays and there is nothing to fence.
"""

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import asyncpg
from sqlalchemy import make_url
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect

log = logging.getLogger(__name__)

VERSION_CHANNEL = "csk_data_version"  # payload: the change counter's last number ('0' once its row is gone)
KEYS_CHANNEL = "csk_api_keys"  # payload: a key's id ('*': every key)
FENCE_CHANNEL = "csk_fence"  # payload: '<fencing listener's pid>:<its fence number>'
ACK_CHANNEL = "csk_ack"  # payload: a fence's payload, from each listener that has applied everything before it
# As pg_stat_activity lists a live listener: fences wait for those named so, and the worker's process id tells whose.
APPLICATION_NAME = "csk-listener"
LIVE_NAMES = f"{APPLICATION_NAME} %"  # LIKE pattern
# A NOTIFY gives its transaction an id, so a fence's or an acknowledgement's commit would wait for the WAL to reach
# the disk (a second or more when the disk stalls, as this machine's does). Neither needs to outlive a crash.
LISTENER_SETTINGS = {"application_name": "csk-starting", "synchronous_commit": "off"}
MAX_KEYS = 10_000  # keys held at once; past this they are forgotten and read again as they are used
FENCE_SECONDS = 2.0  # how long a fence waits for a listener before cutting it off
RETRY_SECONDS = (0.1, 0.5, 1, 2, 5)  # waits between attempts to (re)connect, the last repeated

_VERSION = "SELECT last_seq FROM change_counter WHERE id = 1"
_LIVE_PIDS = (  # the live listeners' backends on this database
    f"array(SELECT pid FROM pg_stat_activity WHERE application_name LIKE '{LIVE_NAMES}'"
    " AND datname = current_database())"
)
_LIVE = f"SELECT {_LIVE_PIDS}"
_FENCE = f"SELECT {_LIVE_PIDS} FROM (SELECT pg_notify('{FENCE_CHANNEL}', $1)) AS sent"
_ACK = f"SELECT pg_notify('{ACK_CHANNEL}', fence) FROM unnest($1::text[]) AS fence"
_CUT_OFF = "SELECT pg_terminate_backend(pid, 1000) FROM unnest($1::int[]) AS pid"


def listener_name(process_id: int) -> str:
    """How pg_stat_activity names a worker's live listener."""
    return f"{APPLICATION_NAME} {process_id}"


class Notified:
    """The data version and the keys in use, as this worker's notifications leave them."""

    def __init__(self, database_url: str, *, connect_timeout: float, keepalive: float) -> None:
        # The listener's connection is its own (not the pool's), held for as long as it lasts; its options are the
        # pool's, from the same URL.
        dialect = asyncpg_dialect.dialect()  # type: ignore[no-untyped-call]
        _, self.options = dialect.create_connect_args(make_url(database_url))  # type: ignore[no-untyped-call]
        for sqlalchemy_only in ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback"):
            self.options.pop(sqlalchemy_only, None)
        self.connect_timeout = connect_timeout
        self.keepalive = keepalive  # seconds between checks that the connection still answers (and its timeout)
        self.live = False
        self.version = 0
        self.rewinds = 0  # times the version went back: the database restored from a backup (or emptied)
        self.notifications = 0  # of the version, ever received
        self._seen = (0, 0)  # the version the last keepalive read, and how many notifications had come by then
        self.keys: dict[str, Any] = {}
        self.generation = 0  # moved on by every key notification: a row read before it may be stale
        self.fences = 0  # fences this listener has sent (each one's number)
        self.task: asyncio.Task[None] | None = None
        self._driver: Any = None
        self._pid = 0  # the listening backend's
        self._statement = asyncio.Lock()  # one statement at a time on the listening connection
        self._to_ack: dict[str, int] = {}  # fencing listener's pid -> the latest of its fences seen
        self._ack_due = asyncio.Event()
        self._acked: dict[int, int] = {}  # listener's pid -> the latest of this listener's fences it acknowledged
        self._ack_came = asyncio.Event()
        self._next_fence: asyncio.Future[None] | None = None
        self._fencing: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="notified-listener")

    async def stop(self) -> None:
        self._lose()
        if self.task is not None:
            self.task.cancel()
            with suppress(asyncio.CancelledError):
                await self.task

    async def until_live(self, timeout: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.live and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)
        return self.live

    def remember(self, key_id: str, row: Any, generation: int) -> None:
        """Hold a key's row read from the database, unless a notification about any key came since the read began."""
        if not self.live or generation != self.generation:
            return
        if len(self.keys) >= MAX_KEYS:
            self.keys.clear()
        self.keys[key_id] = row

    # What the notifications do (called by asyncpg, in the order they were sent).

    def _on_version(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._adopt(int(payload))
        self.notifications += 1

    def _adopt(self, version: int) -> None:
        """The version as notified or read. Notifications come in commit order, so one lower than the last can only
        mean that the database went back to an earlier state."""
        if version < self.version:
            self.rewinds += 1
        self.version = version

    def _on_key(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self.generation += 1
        if payload == "*":
            self.keys.clear()
        else:
            self.keys.pop(payload, None)

    def _on_fence(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        origin, _, number = payload.partition(":")
        if int(origin) == self._pid:  # its own fence: everything before it is applied, as an acknowledgement says
            self._acked[self._pid] = max(self._acked.get(self._pid, 0), int(number))
            self._ack_came.set()
            return
        self._to_ack[origin] = max(self._to_ack.get(origin, 0), int(number))
        self._ack_due.set()

    def _on_ack(self, _connection: Any, pid: int, _channel: str, payload: str) -> None:
        origin, _, number = payload.partition(":")
        if int(origin) == self._pid:
            self._acked[pid] = max(self._acked.get(pid, 0), int(number))
            self._ack_came.set()

    def _lose(self) -> None:
        self.live = False
        self.keys.clear()
        self.generation += 1

    # The listening connection's life.

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
                failures = 0  # it was live, then lost: try again at once
            except Exception as error:  # noqa: BLE001 (any failure: the checks go to the database meanwhile)
                log.warning("Listening for changes failed (%r); checks read the database until it is back.", error)
                await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1

    async def _listen(self) -> None:
        """Connect, LISTEN, read the version (after LISTEN, so no commit falls between), go live, then stay live
        until the connection is lost or a keepalive goes unanswered."""
        driver = await asyncpg.connect(**self.options, timeout=self.connect_timeout, server_settings=LISTENER_SETTINGS)
        lost = asyncio.Event()

        def terminated(_connection: Any) -> None:
            self._lose()
            lost.set()

        driver.add_termination_listener(terminated)
        acks = None
        try:
            for channel, callback in self._callbacks().items():
                await driver.add_listener(channel, callback)
            before = self.notifications
            read = await asyncio.wait_for(driver.fetchval(_VERSION), self.keepalive) or 0
            # Notifications that came while the version was read are of commits up to it, then after it, in order.
            self._adopt(max(self.version, read) if self.notifications != before else read)
            self.keys.clear()
            self.generation += 1
            self._driver, self._pid = driver, driver.get_server_pid()
            self._to_ack.clear()
            self._acked.clear()
            self._seen = (read, self.notifications)
            acks = asyncio.create_task(self._acknowledge(driver))
            self.live = True
            await driver.execute(f"SET application_name = '{listener_name(os.getpid())}'")  # now fences wait for it
            while True:
                with suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self.keepalive)
                if lost.is_set() or driver.is_closed():
                    raise ConnectionError("the listening connection was closed")
                if acks.done():
                    acks.result()  # raises what stopped it
                await self._still_current(driver)
        finally:
            self._lose()
            self._driver = None
            if acks is not None:
                acks.cancel()
            driver.terminate()  # a polite close would wait on a server that may have stopped answering

    def _callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            VERSION_CHANNEL: self._on_version,
            KEYS_CHANNEL: self._on_key,
            FENCE_CHANNEL: self._on_fence,
            ACK_CHANNEL: self._on_ack,
        }

    async def _still_current(self, driver: Any) -> None:
        """A keepalive: the connection answers, and no notification was missed. A commit can be seen by a statement
        a little before its notification arrives (PostgreSQL makes a commit visible, then signals the listeners,
        which send notifications while idle), so the version read is compared at the next keepalive: if no
        notification has come since, the one of the commit it saw was lost."""
        seen, notified = self._seen
        if seen > self.version and self.notifications == notified:
            log.warning("A notification was missed (version %s read, %s notified): adopted.", seen, self.version)
            self.version = seen
        async with self._statement:
            self._seen = (await asyncio.wait_for(driver.fetchval(_VERSION), self.keepalive) or 0, self.notifications)

    async def _acknowledge(self, driver: Any) -> None:
        """Acknowledge the fences seen, the latest of each fencing listener's, in one statement for all waiting."""
        while True:
            await self._ack_due.wait()
            self._ack_due.clear()
            fences, self._to_ack = self._to_ack, {}
            async with self._statement:
                await driver.execute(_ACK, [f"{origin}:{number}" for origin, number in fences.items()])

    # Fences.

    async def fence(self) -> None:
        """Return once every live listener has applied every change committed before this call, or been cut off.
        Fences asked for while one is being sent share the next."""
        if self._next_fence is None:
            self._next_fence = asyncio.get_running_loop().create_future()
        future = self._next_fence
        if self._fencing is None:
            self._fencing = asyncio.create_task(self._fence_all())
        await asyncio.shield(future)

    async def _fence_all(self) -> None:
        try:
            while (future := self._next_fence) is not None:
                self._next_fence = None
                try:
                    await self._one_fence()
                except Exception as error:  # noqa: BLE001 (the write stands: its answer goes, whatever happens here)
                    log.error("A fence failed (%r): every listener is cut off instead.", error)
                    try:
                        await self._cut_off_listeners(None)
                    except Exception as failure:  # noqa: BLE001
                        log.error("Cutting off the listeners failed too (%r).", failure)
                future.set_result(None)
        finally:
            self._fencing = None

    async def _one_fence(self) -> None:
        if not self.live:  # starting, or reconnecting: a moment's grace
            await self.until_live(FENCE_SECONDS)
        driver = self._driver
        if not self.live or driver is None:  # this worker cannot hear acknowledgements: cut every listener off
            await self._cut_off_listeners(None)
            return
        self.fences += 1
        number = self.fences
        deadline = asyncio.get_running_loop().time() + FENCE_SECONDS
        async with self._statement:
            fence = driver.fetchval(_FENCE, f"{self._pid}:{number}")
            listeners = await asyncio.wait_for(fence, FENCE_SECONDS)
        while waiting := [pid for pid in listeners if self._acked.get(pid, 0) < number]:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not self.live:
                await self._cut_off_listeners(waiting)
                return
            self._ack_came.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._ack_came.wait(), remaining)

    async def _cut_off_listeners(self, pids: list[int] | None) -> None:
        """Terminate listeners' connections (``None``: every live listener's), waiting up to a second for each to go,
        so their workers read the database until they have listened afresh."""
        if pids == []:
            return
        log.warning("Cutting off listeners (%s): a fence was not acknowledged.", pids or "all")
        async with asyncio.timeout(FENCE_SECONDS * 2), self._other_connection() as other:
            if pids is None:
                pids = list(await other.fetchval(_LIVE))
            await other.execute(_CUT_OFF, pids)

    @asynccontextmanager
    async def _other_connection(self) -> AsyncIterator[Any]:
        connection = await asyncpg.connect(**self.options, timeout=self.connect_timeout)
        try:
            yield connection
        finally:
            await connection.close()


@asynccontextmanager
async def listening(database_url: str, *, timeout: float = 5) -> AsyncIterator[Notified]:
    """A listener for one job outside the service (the command line's revocation fences with it)."""
    notified = Notified(database_url, connect_timeout=timeout, keepalive=timeout)
    notified.start()
    try:
        await notified.until_live(timeout)
        yield notified
    finally:
        await notified.stop()
