"""The OpenAPI document, made to say exactly what the service does where FastAPI's defaults say less or more:

- text never holds a NUL character (every string gets a pattern that excludes it);
- an operation that answers 428 without a precondition marks If-Match required (or, where If-None-Match: * will do
  instead, says that either is required);
- errors are only ever application/problem+json (FastAPI would list the route's own media type beside it);
- every response carries X-Request-ID, and every response of an operation that takes Idempotency-Key may carry
  Idempotent-Replayed;
- the headers particular routes send are declared on their responses with `sends()` (ETag, Location ...);
- a read the access middleware gives an ETag of its own making (api/auth/middleware.py: from the answer's bytes, or
  weak from what a stamped answer says) takes If-None-Match and may answer 304;
- a read without an ETag of its route's may be sent gzipped (Content-Encoding, Vary).

The document itself (1.3 MB) is written once a worker, plain and gzipped, and sent with an ETag: FastAPI's own route
wrote it afresh on every request (about 20 ms, holding the worker's event loop, and as long again to gzip it).
"""

from collections.abc import Callable, Collection
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from api import compression
from api.asgi import not_modified, tag_of

NO_NUL = "^[^\\u0000]*$"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def _header(description: str, *, required: bool = True, **schema: Any) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "string", **schema}}


HEADERS: dict[str, dict[str, Any]] = {
    "ETag": _header(
        'The item\'s version, quoted (e.g. "3"): send it back in If-Match to change the item only if nobody has since.',
        pattern='^"[0-9]+"$',
    ),
    "Location": _header("Where the item just created is read.", format="uri-reference"),
    "Content-Disposition": _header(
        'With format=csv, pdf or xlsx: `attachment; filename="<name>.csv"` (or `.pdf`, `.xlsx`); Excel opens the '
        "UTF-8 CSV as UTF-8.",
        required=False,
    ),
    "Retry-After": _header("Seconds to wait before trying again.", pattern="^[0-9]+$"),
    "WWW-Authenticate": _header('`Bearer realm="api"`: send an API key as `Authorization: Bearer <key>`.'),
    "X-Request-ID": _header(
        "The request's id: the caller's X-Request-ID when it is 1-64 letters, digits, dots, dashes or underscores, "
        "else a new one. The audit trail and the service's log carry it; quote it when reporting a problem.",
        pattern="^[A-Za-z0-9._-]{1,64}$",
    ),
    "Cache-Control": _header(
        "`no-store`: no cache keeps the answer (a shared pack's page; a share link's views, which change with every "
        "opening).",
        enum=["no-store"],
    ),
    "Referrer-Policy": _header(
        "`no-referrer`: a link followed from the page does not pass its address (and token) on.", enum=["no-referrer"]
    ),
    "X-Robots-Tag": _header("`noindex`: search engines do not index the page.", enum=["noindex"]),
    "Idempotent-Replayed": _header(
        "`true` when this is the stored answer to an earlier request with the same Idempotency-Key and body, "
        "replayed rather than done again.",
        required=False,
        enum=["true"],
    ),
}


# A read's ETag made by the access middleware (api/auth/middleware.py), where the route gives none of its own.
ANSWER_ETAG = _header(
    "This answer's validator, made from its bytes: send it back in If-None-Match and, while the answer is the same, "
    "the service answers 304 Not Modified without a body. An answer that states the moment it was made (a pack, the "
    "data quality report) has a weak one (W/ before the quotes), made from what it says without that moment, which "
    "every worker gives alike until what it says changes. (An item's ETag is its version instead, for If-Match.) "
    "Not sent on an answer a key's scopes decide.",
    required=False,
    pattern='^(W/)?"[0-9a-f]{32}"$',
)
# A read the access middleware may send gzipped (api/compression.py), where the route gives no ETag of its own.
CODED = {
    "Content-Encoding": _header(
        "`gzip` when Accept-Encoding allows it and the answer is text (JSON, CSV, HTML) of a kilobyte or more; the "
        "ETag is then weak. Absent otherwise: the answer as it is.",
        required=False,
        enum=["gzip"],
    ),
    "Vary": _header(
        "Names Accept-Encoding on an answer that may be sent gzipped, so that a shared cache keeps the codings apart.",
        required=False,
    ),
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an answer you hold: 304 Not Modified, without a body, if it is still the answer "
    "(or `*`: any answer).",
    "schema": {"type": "string", "maxLength": 4096, "pattern": NO_NUL},
}


def sends(
    status: int, *headers: str, sometimes: tuple[str, ...] = (), **response: Any
) -> dict[int | str, dict[str, Any]]:
    """A route's `responses` entry for a response that always carries ``headers`` and ``sometimes`` others (names
    from HEADERS); ``response``: the rest of the entry (model, description)."""
    documented = {name: HEADERS[name] for name in headers}
    documented |= {name: HEADERS[name] | {"required": False} for name in sometimes}
    return {status: {**response, "headers": documented}}


def _no_nul(node: Any) -> None:
    """Every string schema without a pattern, format or fixed values of its own gets NO_NUL."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(method, operation) for operations in spec["paths"].values() for method, operation in operations.items()]


def _precondition_headers(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        parameter["name"].lower(): parameter
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "header" and parameter["name"].lower() in ("if-match", "if-none-match")
    }


def _headers_never_null(spec: dict[str, Any]) -> None:
    """An optional header is absent, never null: its schema is the string's alone."""
    for _method, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            options = parameter["schema"].get("anyOf", [])
            if parameter["in"] == "header" and {"type": "null"} in options:
                [parameter["schema"]] = [option for option in options if option != {"type": "null"}]


def _if_match_required(spec: dict[str, Any]) -> None:
    """If-Match is required where the operation answers 428 without it. A PUT that creates as well (a KPI's target
    for a period: an upsert) also takes If-None-Match: * in its place, to create only: neither header alone is
    required there, and both say so."""
    for method, operation in _operations(spec):
        headers = _precondition_headers(operation)
        if "428" not in operation["responses"] or "if-match" not in headers:
            continue
        if method == "put" and "if-none-match" in headers:
            for parameter in headers.values():
                parameter["description"] += " One of If-Match and If-None-Match: * is required (428 without either)."
            continue
        headers["if-match"]["required"] = True
        headers["if-match"]["description"] += " Required (428 without it)."


def _responses(spec: dict[str, Any]) -> None:
    """Problems in problem+json only; X-Request-ID on every response; Idempotent-Replayed on the successes of every
    operation that takes Idempotency-Key (api/idempotency/service.py)."""
    for _method, operation in _operations(spec):
        replays = any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", []))
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if PROBLEM_MEDIA_TYPE in content:
                response["content"] = {PROBLEM_MEDIA_TYPE: content[PROBLEM_MEDIA_TYPE]}
            headers = response.setdefault("headers", {})
            headers["X-Request-ID"] = HEADERS["X-Request-ID"]
            if replays and status.startswith("2"):
                headers["Idempotent-Replayed"] = HEADERS["Idempotent-Replayed"]


def _conditional(spec: dict[str, Any], paths: Collection[str]) -> None:
    """The reads at ``paths`` whose 200 carries no ETag or Cache-Control of its route's: the middleware's ETag,
    If-None-Match, and 304."""
    for path in paths:
        operation = spec["paths"].get(path, {}).get("get")
        answer = operation["responses"].get("200") if operation else None
        if operation is None or answer is None or {"ETag", "Cache-Control"} & answer.get("headers", {}).keys():
            continue
        answer.setdefault("headers", {})["ETag"] = ANSWER_ETAG
        operation["responses"]["304"] = {
            "description": "Not modified: the answer is still the one whose ETag was sent in If-None-Match.",
            "headers": {"ETag": ANSWER_ETAG | {"required": True}},
        }
        operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))


def _coded(spec: dict[str, Any], paths: Collection[str]) -> None:
    """The reads at ``paths`` whose 200 carries no ETag of its route's: Content-Encoding and Vary (before
    _conditional adds the middleware's ETag)."""
    for path in paths:
        operation = spec["paths"].get(path, {}).get("get")
        answer = operation["responses"].get("200") if operation else None
        if answer is not None and "ETag" not in answer.get("headers", {}):
            answer.setdefault("headers", {}).update(CODED)


def refine(spec: dict[str, Any], conditional: Collection[str] = (), coded: Collection[str] = ()) -> dict[str, Any]:
    _no_nul(spec)
    _headers_never_null(spec)
    _if_match_required(spec)
    _coded(spec, coded)
    _conditional(spec, conditional)
    _responses(spec)
    return spec


def install(
    app: FastAPI, conditional: Callable[[], Collection[str]] = tuple, coded: Callable[[], Collection[str]] = tuple
) -> None:
    """Serve the refined document (built once, on first request); ``conditional``: the paths whose reads may answer
    304, ``coded``: those that may be sent gzipped (each asked for once the routes are all in)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            refine(generate(), conditional(), coded())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    if app.openapi_url:
        app.router.routes[:] = [route for route in app.router.routes if not _serves(route, app.openapi_url)]
        app.add_route(app.openapi_url, Document(openapi).answer, methods=["GET"], include_in_schema=False)


def _serves(route: BaseRoute, path: str) -> bool:
    return getattr(route, "path", None) == path


class Document:
    """The document as it is sent: written once as FastAPI's route writes it (a JSONResponse) and gzipped once, on
    the first request, with an ETag from its bytes. A client that keeps it (a generator, a docs page open for a day)
    revalidates with If-None-Match and is answered 304; the tag changes only when a deployment changes the document,
    and is the same on every worker. Gzipped, it goes out under a weak tag, as the API's reads do
    (api/auth/middleware.py): the tag names what the document says, not how it is coded."""

    def __init__(self, make: Callable[[], dict[str, Any]]) -> None:
        self.make = make
        self.plain = self.gzipped = self.tag = b""

    def _written(self) -> None:
        if not self.plain:
            plain = bytes(JSONResponse(self.make()).body)
            self.tag, self.gzipped = tag_of(plain), compression.coded(plain)
            self.plain = plain

    async def answer(self, request: Request) -> Response:
        self._written()
        gzipped = compression.accepts_gzip(request.headers.get("accept-encoding", "").encode("latin-1"))
        tag = b"W/" + self.tag if gzipped else self.tag
        headers = {"ETag": tag.decode(), "Vary": "Accept-Encoding", "Cache-Control": "no-cache"}
        if not_modified(request.headers.get("if-none-match", "").encode("latin-1"), tag):
            return Response(status_code=304, headers=headers)
        if gzipped:
            headers["Content-Encoding"] = compression.CODING.decode()
        return Response(self.gzipped if gzipped else self.plain, media_type="application/json", headers=headers)
