"""Strict requests, for every route present and future: an unknown or repeated query parameter is refused rather
than ignored (a mistyped `?scop=england` must not write to the borough), and every method a path allows is named
(`Allow` on a 405, and in answer to OPTIONS; HEAD is served wherever GET is)."""

import types
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, Union, get_args, get_origin

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.params import Cookie, Header, Path
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import not_allowed
from api.methods import allowed_methods, shadowed

CACHE_ATTRIBUTE = "_strict_query_parameters"


def _repeatable(annotation: Any) -> bool:
    """A list parameter may be given several times; anything else once."""
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin in (Union, types.UnionType) or str(origin).endswith("Annotated"):
        return any(_repeatable(argument) for argument in get_args(annotation))
    return False


def _query_parameters(route: APIRoute) -> dict[str, bool]:
    """The query parameters a route (its dependencies and query models included) takes, and whether each repeats.
    Worked out once per route: it depends only on the code."""
    known: dict[str, bool] | None = getattr(route, CACHE_ATTRIBUTE, None)
    if known is None:
        known = {
            field.alias: _repeatable(field.field_info.annotation)
            for field in get_flat_params(route.dependant)
            if not isinstance(field.field_info, Path | Header | Cookie)
        }
        setattr(route, CACHE_ATTRIBUTE, known)
    return known


def refuse_unknown_query(route: APIRoute, request: Request) -> None:
    """422 naming each query parameter the route does not take, or takes once but was given more often."""
    known = _query_parameters(route)
    errors = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in known:
            takes = ", ".join(sorted(known)) or "none"
            errors.append(_error(_shown(name), f"unknown query parameter (this endpoint takes: {takes})"))
        elif not known[name] and len(request.query_params.getlist(name)) > 1:
            errors.append(_error(name, "given more than once"))
    if errors:
        raise RequestValidationError(errors)


class StrictRoute(APIRoute):
    """Every route of the API: the query is checked before the route's dependencies run. A check in the handler
    rather than a dependency, because FastAPI solves dependencies afresh on every request and this runs on all."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            if request.scope.get("query_string"):
                refuse_unknown_query(self, request)
            return await handler(request)

        return strict_handler


def require_strict_routes(routers: Iterable[APIRouter]) -> None:
    """Fail at start-up, not in production, if a router was made without route_class=StrictRoute."""
    loose = [
        route.path
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and not isinstance(route, StrictRoute)
    ]
    if loose:
        raise TypeError(f"routes not built with api.strict.StrictRoute: {', '.join(loose)}")


def _shown(name: str) -> str:
    """A parameter name as an error may echo it: printable, and short."""
    printable = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in name)
    return printable[:80] + ("…" if len(printable) > 80 else "")


def _error(name: str, message: str) -> dict[str, Any]:
    return {"type": "extra_forbidden", "loc": ("query", name), "msg": message, "input": None}


class MethodsMiddleware:
    """OPTIONS answers 204 with `Allow`; HEAD is answered as GET without the body; a method a literal path does
    not serve is a 405 (see api/methods.py), not a call to a parameterised route."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if shadowed(scope):
            await not_allowed(scope)(scope, receive, send)
            return
        if scope["method"] not in ("OPTIONS", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
            return
        allowed = allowed_methods(scope)
        if not allowed:
            await self.app(scope, receive, send)  # no such path: the router's 404
            return
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", ", ".join(allowed).encode())]})
        await send({"type": "http.response.body", "body": b""})


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_head
