"""Refuse request bodies over the configured size with a 413 problem, declared or streamed."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from api.asgi import header
from api.errors import AppError, problem_response


class PayloadTooLarge(AppError):
    problem = problems.CONTENT_TOO_LARGE

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than the {limit:,} bytes this service accepts.")


BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})  # bodies on these are ignored: nothing to count


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODILESS:
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            error = PayloadTooLarge(self.limit)
            response = problem_response(error.problem, error.detail, instance=scope["path"])
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Raised while FastAPI reads the body: it passes HTTPException on (and only that) to the
                    # problem handler, which renders it like any other 413.
                    raise HTTPException(413, PayloadTooLarge(self.limit).detail)
            return message

        await self.app(scope, counting_receive, send)
