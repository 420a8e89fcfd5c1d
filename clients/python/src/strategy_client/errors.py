"""Exceptions: every failure the client raises is a StrategyError.

An answer the API refuses becomes an ApiError of the status's class, carrying the problem details (RFC 9457) and the
request id, the one to quote when asking about a failed call; a request that never got an answer (after retries)
becomes a TransportError.
"""

from http import HTTPStatus

import httpx
from pydantic import ValidationError

from strategy_client.models import Problem


class StrategyError(Exception):
    """Anything the client raises."""


class TransportError(StrategyError):
    """No answer: the connection was refused, dropped or timed out, on every try."""

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(f"{message} (request id {request_id})" if request_id else message)
        self.request_id = request_id


class ApiError(StrategyError):
    """The API answered with an error status."""

    def __init__(self, response: httpx.Response, problem: Problem, request_id: str | None) -> None:
        self.response = response
        self.status: int = response.status_code
        self.problem = problem
        self.request_id = request_id
        super().__init__(str(self))

    @property
    def detail(self) -> str:
        return self.problem.detail

    def __str__(self) -> str:
        title = self.problem.title or _phrase(self.status)
        text = f"{self.status} {title}: {self.problem.detail}"
        for error in self.problem.errors or []:
            text += f"\n  {'.'.join(str(part) for part in error.loc)}: {error.msg}"
        return f"{text} (request id {self.request_id})" if self.request_id else text


class BadRequest(ApiError):
    """400"""


class Unauthorized(ApiError):
    """401: no key, or a key that is unknown, revoked or expired."""


class Forbidden(ApiError):
    """403: the key lacks the scope, or the KPI or owner grant."""


class NotFound(ApiError):
    """404"""


class Conflict(ApiError):
    """409"""


class PreconditionFailed(ApiError):
    """412: the item changed since the ETag sent was read; read it again and reapply the change."""


class PayloadTooLarge(ApiError):
    """413"""


class UnprocessableEntity(ApiError):
    """422: the request did not validate; `problem.errors` names each field."""


class PreconditionRequired(ApiError):
    """428: a write without If-Match."""


class RateLimited(ApiError):
    """429, after the retries: `retry_after` says how long the server asked to wait."""

    @property
    def retry_after(self) -> str | None:
        value: str | None = self.response.headers.get("retry-after")
        return value


class ServerError(ApiError):
    """5xx"""


class ServiceUnavailable(ServerError):
    """503, after the retries (the database unavailable or overloaded)."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    422: UnprocessableEntity,
    428: PreconditionRequired,
    429: RateLimited,
    503: ServiceUnavailable,
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _problem(response: httpx.Response) -> Problem:
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        # Not problem+json (a proxy's page, say): keep what there is to show.
        detail = response.text.strip()[:500] or _phrase(response.status_code)
        title = _phrase(response.status_code)
        return Problem(type="about:blank", title=title, status=response.status_code, detail=detail)


def error_for(response: httpx.Response, request_id: str | None = None) -> ApiError:
    """The exception for an error answer, of the class its status maps to."""
    status = response.status_code
    kind = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return kind(response, _problem(response), response.headers.get("x-request-id") or request_id)
