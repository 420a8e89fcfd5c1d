"""RFC 9457 problem details: one error family and the handlers that render every error as problem+json."""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.strict import allowed_methods

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://cs-strategy.example/problems/"


class ProblemError(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is: body/query/path and the field.")
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[PROBLEM_TYPE_BASE + "not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No KPI with code 'neet-16-19'."])
    instance: str | None = Field(default=None, examples=["/api/v1/kpis/neet-16-19"])
    errors: list[ProblemError] | None = None


class AppError(Exception):
    """Base for every error the service raises on purpose; subclasses fix status and title."""

    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[ProblemError] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = headers
        self.extensions = extensions


class NotFound(AppError):
    status = 404
    title = "Not found"
    slug = "not-found"

    def __init__(self, resource: str, key: str) -> None:
        super().__init__(f"No {resource} with key '{key}'.")


class Unauthenticated(AppError):
    status = 401
    title = "Unauthenticated"
    slug = "unauthenticated"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class RateLimited(AppError):
    status = 429
    title = "Too many requests"
    slug = "rate-limited"

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"This key has made more than {limit} requests this minute; retry after {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


class Conflict(AppError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class InvalidInput(AppError):
    status = 422
    title = "Invalid input"
    slug = "invalid-input"


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str,
    instance: str | None = None,
    errors: Sequence[ProblemError] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_TYPE_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        errors=list(errors) if errors else None,
        **(extensions or {}),
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _slug(phrase: str) -> str:
    return phrase.lower().replace(" ", "-").replace("'", "")


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        exc.status,
        exc.title,
        exc.detail,
        slug=exc.slug,
        instance=request.url.path,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


def _validation_errors(raw: Sequence[Any]) -> list[ProblemError]:
    return [ProblemError(loc=[str(p) if not isinstance(p, int) else p for p in e["loc"]], msg=e["msg"]) for e in raw]


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc.errors())
    fields = ", ".join(".".join(str(p) for p in e.loc) for e in errors)
    return problem_response(
        422,
        "Invalid request",
        f"The request did not validate: {fields}.",
        slug="invalid-request",
        instance=request.url.path,
        errors=errors,
    )


def unreadable_json(error: BaseException) -> str:
    """Why a body could not be read as JSON, in words (the parser's own message names its internals)."""
    if isinstance(error, RecursionError):
        return "The body is not readable JSON: it is nested too deeply."
    if isinstance(error, ValueError) and "digits" in str(error):
        return "The body is not readable JSON: a number in it has too many digits."
    if isinstance(error, UnicodeDecodeError):
        return "The body is not readable JSON: it is not UTF-8 text."
    return f"The body is not readable JSON: {error}."


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    if exc.status_code == 400 and exc.__cause__ is not None:  # FastAPI could not parse the body
        detail = unreadable_json(exc.__cause__)
    if exc.status_code == 404 and detail is None:
        detail = f"Nothing is served at {request.url.path}."
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        allowed = allowed_methods(request.scope)
        detail = f"{request.method} is not allowed on {request.url.path}; it allows {', '.join(allowed)}."
        headers = {"Allow": ", ".join(allowed)}
    return problem_response(
        exc.status_code, phrase, detail or phrase, slug=_slug(phrase), instance=request.url.path, headers=headers
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500,
        "Internal server error",
        "The service failed to handle this request; it has been logged.",
        slug="internal-server-error",
        instance=request.url.path,
    )


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    """Another writer updated the row between our read and our write (optimistic concurrency)."""
    return problem_response(
        412,
        "Precondition failed",
        "The item was changed by someone else while this request ran; read it again and reapply your change.",
        slug="precondition-failed",
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(Exception, _unhandled)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
