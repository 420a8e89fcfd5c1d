"""RFC 9457 problem details: one error family and the handlers that render every error as problem+json."""

import logging
import socket
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api import problems
from api.db import availability
from api.methods import allowed_methods
from api.openapi import HEADERS
from api.problems import ProblemType
from api.settings import get_settings

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ProblemError(BaseModel):
    loc: list[str | int] = Field(description="Where the problem is: body/query/path and the field.")
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem details object. Open to extension members, as the RFC allows; those the service sends
    are declared."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        json_schema_extra={"format": "uri-reference"},
        description="What kind of problem: PROBLEM_TYPE_BASE and a slug; GET it for a page saying what it means "
        "(GET /problems lists them all). Relative to the service's own address unless the base is absolute.",
        examples=["/problems/not-found"],
    )
    title: str = Field(description="The problem type's title, the same for every problem of the type.")
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(description="What went wrong this time, in words.", examples=["No KPI with code 'neet'."])
    instance: str | None = Field(default=None, description="The path requested.", examples=["/api/v1/kpis/neet"])
    errors: list[ProblemError] | None = Field(
        default=None, description="Each field at fault (validation problems, rejected rows)."
    )
    business_improvement_actions: list[str] | None = Field(
        default=None, description="409 on archiving an owner: the keys of the live actions it still owns."
    )
    transformation_projects: list[str] | None = Field(
        default=None, description="409 on archiving an owner: the keys of the live projects it still leads."
    )


def problem_type_uri(slug: str) -> str:
    return get_settings().problem_type_base + slug


class AppError(Exception):
    """Base for every error the service raises on purpose; subclasses name their problem type (api/problems.py)."""

    problem: ClassVar[ProblemType] = problems.BAD_REQUEST

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
    problem = problems.NOT_FOUND

    def __init__(self, resource: str, key: str) -> None:
        super().__init__(f"No {resource} with key '{key}'.")


class Unauthenticated(AppError):
    problem = problems.UNAUTHENTICATED

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class Forbidden(AppError):
    problem = problems.FORBIDDEN


class RateLimited(AppError):
    problem = problems.RATE_LIMITED

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"This key has made more than {limit} requests this minute; retry after {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


class Conflict(AppError):
    problem = problems.CONFLICT


class InvalidInput(AppError):
    problem = problems.INVALID_INPUT


class UnsupportedMediaType(AppError):
    problem = problems.UNSUPPORTED_MEDIA_TYPE


def problem_response(
    kind: ProblemType,
    detail: str,
    *,
    instance: str | None = None,
    errors: Sequence[ProblemError] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=problem_type_uri(kind.slug),
        title=kind.title,
        status=kind.status,
        detail=detail,
        instance=instance,
        errors=list(errors) if errors else None,
        **(extensions or {}),
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=kind.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _app_problem(exc: AppError, path: str) -> JSONResponse:
    return problem_response(
        exc.problem,
        exc.detail,
        instance=path,
        errors=exc.errors,
        headers=exc.headers,
        extensions=exc.extensions,
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return _app_problem(exc, request.url.path)


def _validation_errors(raw: Sequence[Any]) -> list[ProblemError]:
    # pydantic prefixes our own validators' messages with "Value error, "; the field and the reason say enough.
    return [
        ProblemError(
            loc=[p if isinstance(p, int) else str(p) for p in e["loc"]], msg=e["msg"].removeprefix("Value error, ")
        )
        for e in raw
    ]


async def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc.errors())
    fields = ", ".join(".".join(str(p) for p in e.loc) for e in errors)
    return problem_response(
        problems.INVALID_REQUEST,
        f"The request did not validate: {fields}.",
        instance=request.url.path,
        errors=errors,
    )


def not_allowed(scope: Scope) -> JSONResponse:
    """405, naming every method the path allows."""
    allowed = allowed_methods(scope)
    return problem_response(
        problems.METHOD_NOT_ALLOWED,
        f"{scope['method']} is not allowed on {scope['path']}; it allows {', '.join(allowed)}.",
        instance=scope["path"],
        headers={"Allow": ", ".join(allowed)},
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
        return not_allowed(request.scope)
    kind = problems.BY_STATUS.get(exc.status_code)
    if kind is None:  # a status no code of ours gives: RFC 9457's type for "nothing more than the status says"
        body = {"type": "about:blank", "title": phrase, "status": exc.status_code, "detail": detail or phrase}
        body["instance"] = request.url.path
        return JSONResponse(body, exc.status_code, headers=headers, media_type=PROBLEM_MEDIA_TYPE)
    return problem_response(kind, detail or kind.title, instance=request.url.path, headers=headers)


def internal_error(path: str, request_id: str | None) -> JSONResponse:
    """The 500 for a failure nobody foresaw; the details go to the log, under the request id, never to the client."""
    quote = f" Quote request id {request_id} when you report it." if request_id else ""
    return problem_response(
        problems.INTERNAL_SERVER_ERROR,
        f"The service failed to handle this request; it has been logged.{quote}",
        instance=path,
    )


RETRY_AFTER_SECONDS = 5
# What a database that is down, hung or overloaded raises: the driver's connection errors and timeouts, the pool's
# timeout, and what SQLAlchemy wraps them in.
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    SQLAlchemyTimeoutError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


def _unavailable(exc: Exception, path: str) -> JSONResponse:
    availability.down(exc)
    return problem_response(
        problems.SERVICE_UNAVAILABLE,
        f"The database is not answering; nothing was changed. Retry in {RETRY_AFTER_SECONDS} seconds.",
        instance=path,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return _unavailable(exc, request.url.path)


# SQLSTATEs that mean "the database cannot serve this now", not "this request is wrong": a statement or lock wait
# cancelled by a timeout, too many connections, a shutdown or restart under way, a deadlock or serialisation loser.
BUSY_STATES = {"57014", "55P03", "53300", "57P01", "57P02", "57P03", "40001", "40P01"}


def _sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or getattr(exc.orig, "pgcode", "") or "")


def violated(exc: DBAPIError) -> str:
    """Which kind of constraint a write broke: PostgreSQL's SQLSTATE, or SQLite's message."""
    code = _sqlstate(exc)
    text = str(exc.orig).lower()
    if code == "23505" or "unique constraint" in text:
        return "unique"
    if code == "23503" or "foreign key" in text:
        return "reference"
    return "rule"


async def _database_refused(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a write the checks above it let through: a race (two requests creating the same key)
    or a bound no check knew of. Never a 500: the transaction is rolled back and the client told why."""
    assert isinstance(exc, DBAPIError)
    return _refused(exc, request.url.path)


def _refused(exc: DBAPIError, path: str) -> JSONResponse:
    if exc.connection_invalidated or _sqlstate(exc) in BUSY_STATES:
        return _unavailable(exc, path)
    if isinstance(exc, IntegrityError) and violated(exc) in ("unique", "reference"):
        detail = (
            "This conflicts with a record written at the same time (the same key, or a reference it names changed); "
            "nothing was changed: read the item again and retry."
        )
        return problem_response(problems.CONFLICT, detail, instance=path)
    logger.warning("database refused a request the checks let through (%s): %s", type(exc).__name__, exc.orig)
    return problem_response(
        problems.INVALID_INPUT,
        "A value does not fit what the database can store (too long, out of range or not allowed); nothing was "
        "changed.",
        instance=path,
    )


def problem_for(exc: Exception, path: str) -> JSONResponse | None:
    """The problem an error raised outside the routes (in a middleware) is answered with, as the handlers would."""
    if isinstance(exc, AppError):
        return _app_problem(exc, path)
    if isinstance(exc, UNAVAILABLE):
        return _unavailable(exc, path)
    if isinstance(exc, DBAPIError):
        return _refused(exc, path)
    return None


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    """Another writer updated the row between our read and our write (optimistic concurrency)."""
    return problem_response(
        problems.PRECONDITION_FAILED,
        "The item was changed by someone else while this request ran; read it again and reapply your change.",
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Errors raised on purpose, by validation, by routing and by the database. Anything else is a 500 rendered by
    the request-id middleware (api/request_id.py), so that it too carries X-Request-ID."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_refused)


# The headers a problem of these statuses always carries (api/auth, api/auth/rate_limit.py, _unavailable above).
PROBLEM_HEADERS = {401: ["WWW-Authenticate"], 429: ["Retry-After"], 503: ["Retry-After"]}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give (api/openapi.py keeps problem+json alone)."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            "headers": {name: HEADERS[name] for name in PROBLEM_HEADERS.get(status, [])},
        }
        for status in statuses
    }
