"""Which methods the app serves at a path: named in `Allow` (on a 405 and in answer to OPTIONS).

A literal path segment beats a parameter for every method: /projects/savings is the programme's savings, never a
project keyed "savings", so PATCH /projects/savings is a 405, not a search for that project. (The router alone would
send it to PATCH /projects/{key}, because it tries routes by method before it prefers the literal one.)
"""

from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def remember_literal_paths(app: Any, routes: Iterable[APIRoute]) -> None:
    """Note, once, the paths with no parameter that these routes serve, and their methods."""
    served: dict[str, set[str]] = {}
    for route in routes:
        if "{" not in route.path:
            served.setdefault(route.path, set()).update(route.methods or ())
    app.state.literal_paths = {path: [m for m in METHODS if m in methods] for path, methods in served.items()}


def literal_paths(app: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = getattr(app.state, "literal_paths", {})
    return found


def allowed_methods(scope: Scope) -> list[str]:
    """Every method the app serves at this request's path (HEAD beside GET, and OPTIONS), or [] for no such path."""
    app = scope["app"]
    literal = literal_paths(app).get(scope["path"])
    allowed = (
        list(literal)
        if literal is not None
        else [
            method
            for method in METHODS
            if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in app.router.routes)
        ]
    )
    if "GET" in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return [*allowed, "OPTIONS"] if allowed else []


def shadowed(scope: Scope) -> bool:
    """This method, at a literal path that does not serve it, would fall through to a parameterised route."""
    literal = literal_paths(scope["app"]).get(scope["path"])
    return literal is not None and scope["method"] not in (*literal, "HEAD" if "GET" in literal else "", "OPTIONS")
