"""Small helpers for the service's own ASGI middlewares (api/request_id.py, api/body_limit.py, api/auth)."""

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> bytes | None:
    """A request header's first value (``name`` in lower case, as ASGI gives it), without building a dict of them
    all: the middlewares each need one header, on every request."""
    return next((value for key, value in scope["headers"] if key == name), None)
