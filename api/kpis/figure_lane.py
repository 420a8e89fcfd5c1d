"""The figure's PUT served before routing: an ordinary `PUT /api/v1/kpis/{code}/values/{period}` on PostgreSQL is
answered here, without FastAPI's dependency solving, validation of the answer against its model, or the route search.

The route (api/kpis/router.py) stays the API's definition of this write: it is what OpenAPI documents, and it
answers every request this lane does not take. The lane takes a request only when nothing about it needs more than
the write itself, and passes it on, body and all, otherwise:

- the caller holds `kpi:submit` and may submit this KPI (else the route words the 403);
- the body is JSON and a valid figure, the path and the query (`scope` alone, at most once) are within their bounds,
  and the preconditions are plain (else the route words the 422);
- no `Idempotency-Key` (the route keeps the key and the write in one transaction);
- the one-statement write did not lose its race for the revision (else the route writes it in turn).

What the lane does answer comes from the same code as the route's own answers: the same checks and write
(api/kpis/one_figure.py), the same problems (api/errors.py), the same model for the body. A test puts the same
requests through both and compares the answers.
"""

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import header
from api.auth.models import Scope as KeyScope
from api.auth.principal import Actor
from api.errors import problem_for
from api.kpis import one_figure
from api.kpis.schemas import KpiValueIn
from api.params import CODE_LENGTH, PERIOD_LENGTH, SCOPE_KEY_LENGTH
from api.versioning import TAG_LIST_LENGTH, Preconditions, etag

JSON = b"application/json"
MAX_PART = {"code": CODE_LENGTH, "period": PERIOD_LENGTH, "scope": SCOPE_KEY_LENGTH}  # as the route bounds them


class FigureLane:
    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.path = re.compile(rf"^{re.escape(prefix)}/kpis/([^/]+)/values/([^/]+)$")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.path.match(scope["path"]) if scope["type"] == "http" and scope["method"] == "PUT" else None
        if found is None or not self._takes(scope):
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        if not await self._answer(scope, found[1], found[2], body, send):
            await self.app(scope, _replay(body), send)

    def _takes(self, scope: Scope) -> bool:
        identity = scope.get("state", {}).get("identity")
        return (
            identity is not None
            and identity.principal.has(KeyScope.kpi_submit)
            and one_figure.serves()
            and header(scope, b"idempotency-key") is None
            and (header(scope, b"content-type") or b"").split(b";")[0].strip().lower() == JSON
        )

    async def _answer(self, scope: Scope, code: str, period: str, body: bytes, send: Send) -> bool:
        """Answer the request, or return False to pass it to the route."""
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(name != "scope" for name, _value in query) or len(query) > 1:
            return False
        parts = {"code": code, "period": period, "scope": query[0][1] if query else None}
        conditions = Preconditions(_text(scope, b"if-match"), _text(scope, b"if-none-match"))
        if not all(_plain(value, MAX_PART[name]) for name, value in parts.items()) or not all(
            _plain(value, TAG_LIST_LENGTH) for value in (conditions.if_match, conditions.if_none_match)
        ):
            return False
        identity = scope["state"]["identity"]
        if not identity.principal.may_submit(code):
            return False
        try:
            data = KpiValueIn.model_validate_json(body)
        except ValidationError:
            return False
        actor = Actor(identity.principal, scope.get("state", {}).get("request_id"))
        try:
            written = await one_figure.write(actor, code, period, parts["scope"], data, conditions)
        except Exception as error:  # refused: the same problem the route's handlers would give
            response = problem_for(error, scope["path"])
            if response is None:
                raise
            await response(scope, _replay(body), send)
            return True
        if written is None:
            return False
        status, revision, answer = written
        content = answer.model_dump_json().encode()
        await _send(send, status, content, etag(revision))
        return True


def _text(scope: Scope, name: bytes) -> str | None:
    value = header(scope, name)
    return value.decode("latin-1") if value is not None else None


def _plain(value: str | None, limit: int) -> bool:
    return value is None or (len(value) <= limit and "\x00" not in value)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client left: let the route see it as it would
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send(send: Send, status: int, content: bytes, tag: str) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", JSON),
        (b"content-length", str(len(content)).encode()),
        (b"etag", tag.encode()),
    ]
    message: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(message)
    await send({"type": "http.response.body", "body": content})
