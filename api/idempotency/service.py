"""Idempotency-Key: the same key and body replay the first response; the same key with another body is refused.

Any route that creates something is made retry-safe by one decorator, `@idempotent`. The key is claimed (a row
inserted) before the work starts, in the request's own transaction, and the response is stored in that transaction
too. A concurrent twin blocks on that row's unique index until the first commits, then replays its response. If the
first fails, its transaction rolls back, the claim goes with it and the key can be used again.
"""

import functools
import hashlib
import inspect
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Annotated, Any, ParamSpec

from fastapi import Header, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.auth.principal import Principal
from api.db import SessionDep, utcnow
from api.errors import PROBLEM_MEDIA_TYPE, AppError
from api.idempotency.models import IdempotencyRecord
from api.schemas import SafeStr

RETENTION = timedelta(hours=24)
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("location", "etag")
IN_PROGRESS = 0
KEY_PATTERN = r"^[\x20-\x7e]{1,200}$"  # printable ASCII, as an HTTP header carries it
P = ParamSpec("P")


class IdempotencyKeyReused(AppError):
    problem = problems.IDEMPOTENCY_KEY_REUSED

    def __init__(self, key: str) -> None:
        super().__init__(
            f"The Idempotency-Key '{key}' was already used with a different request; use a new key for new data."
        )


class InvalidIdempotencyKey(AppError):
    problem = problems.INVALID_IDEMPOTENCY_KEY


def fingerprint(request: Request, body: bytes) -> str:
    content_type, body = _without_boundary(request.headers.get("content-type", ""), body)
    digest = hashlib.sha256()
    for part in (
        request.method,
        request.url.path,
        str(sorted(request.query_params.multi_items())),
        content_type,
        request.headers.get("if-match", ""),
        request.headers.get("if-none-match", ""),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


BOUNDARY = re.compile(r'boundary=("?)([^";]+)\1', re.IGNORECASE)


def _without_boundary(content_type: str, body: bytes) -> tuple[str, bytes]:
    """A form's boundary is drawn afresh each time a client sends it (curl and browsers do): a form sent again is the
    same request, so the boundary is left out of the fingerprint."""
    match = BOUNDARY.search(content_type)
    if match is None:
        return content_type, body
    delimiter = b"--" + match[2].encode("latin-1", "replace")
    return content_type.replace(match[0], "boundary"), body.replace(delimiter, b"--boundary")


def _owner(principal: Principal) -> str:
    return f"key:{principal.key_id}" if principal.key_id else principal.name


def _replay(record: IdempotencyRecord) -> JSONResponse:
    media_type = PROBLEM_MEDIA_TYPE if record.status_code >= 400 else "application/json"
    return JSONResponse(
        record.response_body,
        status_code=record.status_code,
        media_type=media_type,
        headers={**(record.response_headers or {}), REPLAYED_HEADER: "true"},
    )


async def _find(session: AsyncSession, owner: str, key: str) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key, IdempotencyRecord.expires_at > utcnow()
        )
    )


async def claim(
    session: AsyncSession, principal: Principal, key: str, print_: str
) -> tuple[IdempotencyRecord | None, JSONResponse | None]:
    """Claim ``key`` for this request: (record, None) to go ahead, or (None, response) to replay the first."""
    if not re.fullmatch(KEY_PATTERN, key):
        raise InvalidIdempotencyKey("The Idempotency-Key header must be 1 to 200 printable ASCII characters.")
    owner = _owner(principal)
    if (found := await _find(session, owner, key)) is not None:
        return None, _verified_replay(found, key, print_)
    await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow()))
    now = utcnow()
    record = IdempotencyRecord(
        owner=owner,
        api_key_id=principal.api_key_pk,
        key=key,
        fingerprint=print_,
        status_code=IN_PROGRESS,
        response_body={},
        response_headers={},
        created_at=now,
        expires_at=now + RETENTION,
    )
    try:
        async with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # A twin with the same key committed while we waited on the unique index: answer as it did.
        twin = await _find(session, owner, key)
        if twin is None:
            raise
        return None, _verified_replay(twin, key, print_)
    return record, None


def _verified_replay(record: IdempotencyRecord, key: str, print_: str) -> JSONResponse:
    if record.fingerprint != print_:
        raise IdempotencyKeyReused(key)
    return _replay(record)


def _captured(request: Request, result: Any, response: Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The status, JSON body and headers a route's result becomes, as FastAPI would send them."""
    if isinstance(result, Response):
        status, body, headers = result.status_code, json.loads(bytes(result.body)), result.headers
    else:
        route = request.scope.get("route")
        status = response.status_code or getattr(route, "status_code", None) or 200
        body, headers = jsonable_encoder(result), response.headers
    return status, body, {name: value for name, value in headers.items() if name in KEPT_HEADERS}


def idempotent(*, redact: Sequence[str] = ()) -> Callable[[Callable[P, Awaitable[Any]]], Callable[P, Awaitable[Any]]]:
    """Make a route safe to retry: with an `Idempotency-Key` header, the same key and body replay the first
    response (with `Idempotent-Replayed: true`) instead of doing the work again. ``redact``: top-level fields that are
    answered once only (a minted secret) and are replayed as null, so no secret is kept."""

    def decorate(endpoint: Callable[P, Awaitable[Any]]) -> Callable[P, Awaitable[Any]]:
        signature = inspect.signature(endpoint)
        # FastAPI hands the Request and the Response to one parameter each: share the endpoint's, if it has them.
        own = {parameter.annotation: name for name, parameter in signature.parameters.items()}
        added = [p for p in _PARAMETERS if p.annotation not in own]
        names = {p.annotation: own.get(p.annotation, p.name) for p in _PARAMETERS}
        theirs = set(signature.parameters)

        @functools.wraps(endpoint)
        async def route(*args: P.args, **kwargs: P.kwargs) -> Any:
            ours: dict[str, Any] = {
                name: (kwargs[name] if name in theirs else kwargs.pop(name)) for name in names.values()
            }
            request: Request = ours[names[Request]]
            response: Response = ours[names[Response]]
            session: AsyncSession = ours[names[SessionDep]]
            key: str | None = ours[names[_KEY]]
            if key is None:
                return await endpoint(*args, **kwargs)
            print_ = fingerprint(request, await request.body())
            record, replay = await claim(session, request.state.principal, key, print_)
            if replay is not None:
                return replay
            assert record is not None
            status, body, headers = _captured(request, await endpoint(*args, **kwargs), response)
            record.status_code, record.response_headers = status, headers
            record.response_body = {k: (None if k in redact else v) for k, v in body.items()}
            await session.flush()
            return JSONResponse(body, status_code=status, headers=headers)

        route.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), *added]
        )
        return route

    return decorate


_KEY = Annotated[
    SafeStr | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=200,
        pattern=KEY_PATTERN,
        description="Makes the request safe to retry: the same key and body within 24 hours replay the first "
        "response instead of doing the work again; the same key with another body is refused (422).",
    ),
]
_PARAMETERS = [
    inspect.Parameter("idempotency_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
    inspect.Parameter("idempotency_response", inspect.Parameter.KEYWORD_ONLY, annotation=Response),
    inspect.Parameter("idempotency_session", inspect.Parameter.KEYWORD_ONLY, annotation=SessionDep),
    inspect.Parameter("idempotency_key", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_KEY),
]
