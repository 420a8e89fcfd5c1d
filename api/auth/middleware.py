"""Who is calling, worked out once per request before routing (a key check shared with the requests waiting at the same
time, api/auth/checks.py, which also reads the data's
version), and a cache of read answers keyed by that version.

Dashboards poll the same reads; integrations retry them. Every write the service makes moves the change feed on
(api/audit/service.py), and the feed's last number is read in the same statement as the caller's key, so a read
answered from the cache is exactly the answer the database would give now: any write, on any worker, makes the next
read compute afresh. The cache is per worker and holds nothing another worker needs.

A read that is the same for every reader and whose route gives it no ETag of its own (lists, reports, packs) gets one
made from its bytes, so a poller that sends it back in If-None-Match is answered 304 Not Modified, without the body,
while the answer is unchanged (RFC 9110 section 13.1.2). An answer stamped with the moment it was made (a pack) is
different bytes each time it is computed, so its route gives what it says without that moment (WEAK_TAG_BASIS) and
its ETag is weak, made from that: the same content has the same tag on every worker (section 8.8.1). An item's own
ETag is its version, for If-Match.

A text answer of a kilobyte or more without an ETag of its route's is sent gzipped to a client that accepts it
(api/compression.py), coded once per cached answer; its ETag is then weak, since it names what the answer says,
not how it is coded.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import compression
from api.asgi import header, not_modified, tag_of
from api.auth.checks import key_checks
from api.auth.deps import PER_CALLER, SAFE_METHODS, WEAK_TAG_BASIS, decided_by_caller, identify
from api.auth.models import Scope as KeyScope
from api.auth.notified import Notified
from api.errors import problem_for

MAX_BODY = 2 * 1024 * 1024
UNCACHED = "/api-keys"  # a key's own record, and last-used times: not worth keeping


@dataclass
class Answer:
    version: int
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    tag: bytes | None = None  # the ETag made here (None: the route's own ETag, or none)
    codable: bool = False  # may be sent gzipped (api/compression.py): its headers say it varies with Accept-Encoding
    gzipped: bytes | None = field(default=None, repr=False)  # the body coded, made when first asked for

    def in_gzip(self) -> bytes:
        if self.gzipped is None:
            self.gzipped = compression.coded(self.body)
        return self.gzipped


class ReadCache:
    """The latest answer to each read, with the data version it was computed at; least recently used go first.
    ``max_bytes`` bounds the answers' plain bodies: the gzipped copy of one a client asked for that way is kept with it,
    a tenth to a fifth of its size for JSON."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.entries: OrderedDict[tuple[Any, ...], Answer] = OrderedDict()
        self.size = 0
        # Answers being computed: a burst of the same read waits for the first instead of computing it N times.
        self.computing: dict[tuple[Any, ...], tuple[int, asyncio.Future[Answer | None]]] = {}
        self.clearings = 0  # how many times clear() has run: an answer begun before one is not kept
        self.rewinds = 0  # the key checks' count of the version going back, when this cache was last cleared for it

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
        self.uncached = prefix + UNCACHED
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
        if scope["method"] != "GET" or path.startswith(self.uncached) or not readable:
            await self.app(scope, receive, send)
            return
        await self._read(scope, receive, send, identity.data_version, identity.principal.has(KeyScope.admin))

    async def _read(self, scope: Scope, receive: Receive, send: Send, version: int, admin: bool) -> None:
        cache = self.cache
        if cache is None:
            computed, _keep = await self._compute(scope, receive, version)
            await _answer(scope, send, computed)
            return
        if (rewinds := key_checks().rewinds) != cache.rewinds:  # a restored database: its versions come again
            cache.clear()
            cache.rewinds = rewinds
        # What an answer can depend on besides the data: the URL, whether the caller sees administrators' events,
        # and the date (overdue and stale flags, the default as-of day).
        key = (scope["path"], scope.get("query_string", b""), admin, date.today())
        kept = cache.get(key, version)
        if kept is None and (computing := cache.computing.get(key)) is not None and computing[0] >= version:
            kept = await asyncio.shield(computing[1])
        if kept is not None:
            await _answer(scope, send, kept)
            return
        future: asyncio.Future[Answer | None] = asyncio.get_running_loop().create_future()
        cache.computing[key] = (version, future)
        clearings = cache.clearings
        answer: Answer | None = None
        keep = False
        try:
            answer, keep = await self._compute(scope, receive, version)
        finally:
            if cache.computing.get(key, (0, None))[1] is future:
                del cache.computing[key]
            if not future.done():
                future.set_result(answer if keep else None)
        assert answer is not None  # computed, or _compute raised
        if keep and cache.clearings == clearings:
            cache.put(key, answer)
        await _answer(scope, send, answer)

    async def _compute(self, scope: Scope, receive: Receive, version: int) -> tuple[Answer, bool]:
        """The route's answer, whole, with an ETag if it is the same for every reader and has none of its own (made
        from its bytes, or weak from its WEAK_TAG_BASIS); and whether it may be kept: a 200 of reasonable size that
        its route does not mark `Cache-Control: no-store` (what changes without the data's version moving, as a share
        link's views) and that no key's scopes or own records decide (see PER_CALLER)."""
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message, headers=list(message.get("headers", [])))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        body = b"".join(chunks)
        status: int = started["status"]
        headers: list[tuple[bytes, bytes]] = started["headers"]
        state = scope.get("state", {})
        shared = status == 200 and (b"cache-control", b"no-store") not in headers and not state.get(PER_CALLER)
        tag = None
        own_tag = any(name == b"etag" for name, _value in headers)
        if shared and not own_tag:
            basis = state.get(WEAK_TAG_BASIS)
            tag = tag_of(body) if basis is None else b"W/" + tag_of(basis)
            headers.append((b"etag", tag))
        # An item's own ETag is its version, compared strongly by If-Match: its answer goes uncoded, so that the tag
        # a client holds stays the one it sends back.
        codable = status == 200 and not own_tag and compression.worth_coding(headers, body)
        if codable:
            headers = compression.vary(headers)
        answer = Answer(version, status, headers, body, tag, codable)
        return answer, shared and len(body) <= MAX_BODY


def _reads(routes: Iterable[BaseRoute], prefix: str) -> list[APIRoute]:
    """The GET routes whose answers pass through the read path: under ``prefix`` and not under UNCACHED."""
    return [
        route
        for route in routes
        if isinstance(route, APIRoute)
        and "GET" in (route.methods or ())
        and route.path.startswith(prefix)
        and not route.path.startswith(prefix + UNCACHED)
    ]


def validated_reads(routes: Iterable[BaseRoute], prefix: str) -> set[str]:
    """The paths whose GET answers may get an ETag made here (for the OpenAPI document): the reads not decided by
    the caller's key. A route that sends its own ETag, or `Cache-Control: no-store`, keeps its answers as they are
    (the document says which, on each response)."""
    return {route.path for route in _reads(routes, prefix) if not decided_by_caller(route.dependant)}


def coded_reads(routes: Iterable[BaseRoute], prefix: str) -> set[str]:
    """The paths whose GET answers may be sent gzipped (for the OpenAPI document): every read (an answer its route
    gives an ETag of its own goes as it is; the document leaves those out itself)."""
    return {route.path for route in _reads(routes, prefix)}


async def _answer(scope: Scope, send: Send, answer: Answer) -> None:
    gzipped = answer.codable and compression.accepts_gzip(header(scope, b"accept-encoding"))
    tag = answer.tag
    if tag is not None and gzipped:  # the tag names what the answer says, not how it is coded: weak (RFC 9110 8.8.1)
        tag = b"W/" + tag.removeprefix(b"W/")
    if tag is not None and not_modified(header(scope, b"if-none-match"), tag):
        # A 304 carries the Vary its 200 would (RFC 9110 section 15.4.5).
        kept = [(name, value) for name, value in answer.headers if name == b"vary"]
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", tag), *kept]})
        await send({"type": "http.response.body", "body": b""})
        return
    if not gzipped:
        # A copy: the middlewares outside add their own headers (the request id) to the list they are given.
        await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
        await send({"type": "http.response.body", "body": answer.body})
        return
    body = answer.in_gzip()
    headers = [(name, value) for name, value in answer.headers if name not in (b"etag", b"content-length")]
    headers += [(b"content-encoding", compression.CODING), (b"content-length", str(len(body)).encode())]
    if tag is not None:
        headers.append((b"etag", tag))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
