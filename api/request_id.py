"""Every request gets an id: the caller's X-Request-ID when it is sane, else a new one. Audit events carry it, the
log carries it, and every response carries it back, a 500 included: an unforeseen failure is logged here (once, with
its traceback and the id) and answered with a problem that quotes the id."""

import logging
import os
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import header
from api.errors import internal_error

HEADER = "x-request-id"
_HEADER = HEADER.encode()
_SANE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (header(scope, _HEADER) or b"").decode("latin-1")
        request_id = given if _SANE.match(given) else os.urandom(16).hex()  # as random as a uuid4, cheaper
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", []).append((_HEADER, request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error on %s %s [request %s]", scope["method"], scope["path"], request_id)
            if started:  # too late for another answer: the server closes the connection
                raise
            await internal_error(scope["path"], request_id)(scope, receive, send_with_id)
