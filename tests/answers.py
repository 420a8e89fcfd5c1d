"""The read cache in tests: on, as in production, so that every test of a read also tests what the cache answers.

The cache trusts the change feed: a write through the service moves the data version and the next read is
computed afresh. Rows a test arranges straight in the database (the factories, fixtures, a test's own session) do
not move it, as data changed by hand in psql would not, so the shared app's cached answers are forgotten whenever a
transaction commits outside a request, and before each test (the database is emptied after each, and the version
starts again from the same number). Writes made while a request is served are left to the data version, as in
production; tests/test_read_cache.py checks that on an app of its own, which nothing here clears.
"""

from contextvars import ContextVar

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from starlette.types import ASGIApp, Receive, Scope, Send

from api.auth.middleware import AccessMiddleware

_SERVING: ContextVar[bool] = ContextVar("serving", default=False)
_watched: list[FastAPI] = []


class _MarkServing:
    """Outermost: everything the app does for a request (its commits included) runs with _SERVING set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _SERVING.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            _SERVING.reset(token)


def watch(app: FastAPI) -> FastAPI:
    """Forget this app's cached answers whenever rows are arranged outside a request (call before it serves)."""
    app.add_middleware(_MarkServing)
    _watched.append(app)
    return app


def forget() -> None:
    """Empty the read cache of every watched app (nothing to do before an app's first request builds its stack)."""
    for app in _watched:
        layer = app.middleware_stack
        while layer is not None:
            if isinstance(layer, AccessMiddleware) and layer.cache is not None:
                layer.cache.clear()
            layer = getattr(layer, "app", None)


@event.listens_for(Engine, "commit")
def _arranged(_connection: Connection) -> None:
    if not _SERVING.get():
        forget()
