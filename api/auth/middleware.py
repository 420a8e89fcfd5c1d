"""Who is calling, worked out once per request before routing (a key check shared with the requests waiting at the same
time, api/auth/checks.py, which also reads the data's
version), and a cache of read answers keyed by that version.

Dashboards poll the same reads; integrations retry them. Every write the service makes moves the change feed on
(api/audit/service.py), and the feed's last number is read in the same statement as the caller's key, so a read
answered from the cache is exactly the answer the database would give now: any write, on any worker, makes the next
read compute afresh. The cache is per worker and holds nothing another worker needs.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import header
from api.auth.checks import key_checks
from api.auth.deps import PER_CALLER, SAFE_METHODS, identify
from api.auth.models import Scope as KeyScope
from api.auth.notified import Notified
from api.errors import problem_for

MAX_BODY = 2 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    version: int
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ReadCache:
    """The latest answer to each read, with the data version it was computed at; least recently used go first."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.entries: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self.size = 0
        # Answers being computed: a burst of the same read waits for the first instead of computing it N times.
        self.computing: dict[tuple[Any, ...], tuple[int, asyncio.Future[Answer | None]]] = {}
        self.clearings = 0  # how many times clear() has run: an answer begun before one is not kept

    def get(self, key: tuple[Any, ...], version: int) -> Answer | None:
        answer = self.entries.get(key)
        if answer is None or answer.version != version:
            return None
        self.entries.move_to_end(key)
        return answer

    def clear(self) -> None:
        """Forget every answer kept (those being computed are not kept once they finish)."""
        self.entries.clear()
        self.size = 0
        self.computing.clear()
        self.clearings += 1

    def put(self, key: tuple[Any, ...], answer: Answer) -> None:
        if (old := self.entries.pop(key, None)) is not None:
            self.size -= len(old.body)
        self.entries[key] = answer
        self.size += len(answer.body)
        while self.entries and (len(self.entries) > self.max_entries or self.size > self.max_bytes):
            _key, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)


def fenced(send: Send, notified: Notified) -> Send:
    """``send``, holding back a write's answer (anything under 400) until every worker has seen what it wrote: a key
    revoked is refused, and a read answered afresh, by whichever worker the client calls next (api/auth/notified.py)."""

    async def fenced_send(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] < 400:
            await notified.fence()
        await send(message)

    return fenced_send


class AccessMiddleware:
    def __init__(
        self, app: ASGIApp, prefix: str, cache_entries: int = 2048, cache_bytes: int = 128 * 1024 * 1024
    ) -> None:
        self.app, self.prefix = app, prefix
        self.uncached = f"{prefix}/api-keys"  # a key's own record, and last-used times: not worth keeping
        self.cache = ReadCache(cache_entries, cache_bytes) if cache_entries else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        authorization = header(scope, b"authorization")
        client = scope["client"][0] if scope.get("client") else "unknown"
        try:
            identity = await identify(
                authorization.decode("latin-1") if authorization is not None else None, scope["method"], client
            )
        except Exception as error:  # refused or unanswered: the same problem the handlers would give
            response = problem_for(error, path)
            if response is None:
                raise
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["identity"] = identity
        if scope["method"] not in SAFE_METHODS and (notified := key_checks().notified) is not None:
            await self.app(scope, receive, fenced(send, notified))
            return
        readable = identity.principal.has(KeyScope.read)  # without it the route refuses (403): never from cache
        if self.cache is None or scope["method"] != "GET" or path.startswith(self.uncached) or not readable:
            await self.app(scope, receive, send)
            return
        await self._cached(scope, receive, send, identity.data_version, identity.principal.has(KeyScope.admin))

    async def _cached(self, scope: Scope, receive: Receive, send: Send, version: int, admin: bool) -> None:
        assert self.cache is not None
        # What an answer can depend on besides the data: the URL, whether the caller sees administrators' events,
        # and the date (overdue and stale flags, the default as-of day).
        key = (scope["path"], scope.get("query_string", b""), admin, date.today())
        answer = self.cache.get(key, version)
        if answer is None and (computing := self.cache.computing.get(key)) is not None and computing[0] >= version:
            answer = await asyncio.shield(computing[1])
        if answer is not None:
            # A copy: the middlewares outside add their own headers (the request id) to the list they are given.
            await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
            await send({"type": "http.response.body", "body": answer.body})
            return
        future: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        self.cache.computing[key] = (version, future)
        clearings = self.cache.clearings
        try:
            answer = await self._compute(scope, receive, send, version)
        finally:
            if self.cache.computing.get(key, (0, None))[1] is future:
                del self.cache.computing[key]
            if not future.done():
                future.set_result(answer)
        if answer is not None and self.cache.clearings == clearings:
            self.cache.put(key, answer)

    async def _compute(self, scope: Scope, receive: Receive, send: Send, version: int) -> Answer | None:
        """Answer the read, and return the answer if it may be kept: a 200 of reasonable size that its route does not
        mark `Cache-Control: no-store` (what changes without the data's version moving, as a share link's views) and
        that is the same for every reader (not a key's own webhook subscriptions: see PER_CALLER)."""
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message, headers=list(message.get("headers", [])))  # before others add theirs
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        body = b"".join(chunks)
        headers = list(started.get("headers", []))
        if (
            started.get("status") == 200
            and len(body) <= MAX_BODY
            and (b"cache-control", b"no-store") not in headers
            and not scope["state"].get(PER_CALLER)
        ):
            return Answer(version, 200, headers, body)
        return None
