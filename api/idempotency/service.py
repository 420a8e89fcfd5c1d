"""Idempotency-Key for POST: the same key and body replays the first response; another body is refused.

The key is claimed (a row inserted) before the work starts, in the request's own transaction. A concurrent twin
blocks on that row's unique index until the first commits, then replays its response. If the first fails, its
transaction rolls back, the claim goes with it and the key can be used again.
"""

import hashlib
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Actor
from api.db import utcnow
from api.errors import PROBLEM_MEDIA_TYPE, AppError
from api.idempotency.models import IdempotencyRecord

RETENTION = timedelta(hours=24)
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IN_PROGRESS = 0


class IdempotencyKeyReused(AppError):
    status = 422
    title = "Idempotency key reused"
    slug = "idempotency-key-reused"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"The Idempotency-Key '{key}' was already used with a different request; use a new key for new data."
        )


class InvalidIdempotencyKey(AppError):
    status = 400
    title = "Invalid idempotency key"
    slug = "invalid-idempotency-key"


def fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (
        request.method,
        request.url.path,
        str(sorted(request.query_params.multi_items())),
        request.headers.get("content-type", ""),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _owner(actor: Actor) -> str:
    return f"key:{actor.principal.key_id}" if actor.principal.key_id else actor.principal.name


def _replay(record: IdempotencyRecord) -> JSONResponse:
    media_type = PROBLEM_MEDIA_TYPE if record.status_code >= 400 else "application/json"
    return JSONResponse(
        record.response_body,
        status_code=record.status_code,
        media_type=media_type,
        headers={REPLAYED_HEADER: "true"},
    )


async def _find(session: AsyncSession, owner: str, key: str) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key, IdempotencyRecord.expires_at > utcnow()
        )
    )


async def claim(
    session: AsyncSession, actor: Actor, key: str, print_: str
) -> tuple[IdempotencyRecord | None, JSONResponse | None]:
    """Claim ``key`` for this request: (record, None) to go ahead, or (None, response) to replay the first."""
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise InvalidIdempotencyKey("The Idempotency-Key header must be 1 to 200 printable characters.")
    owner = _owner(actor)
    if (found := await _find(session, owner, key)) is not None:
        return None, _verified_replay(found, key, print_)
    await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow()))
    now = utcnow()
    record = IdempotencyRecord(
        owner=owner,
        api_key_id=actor.principal.api_key_pk,
        key=key,
        fingerprint=print_,
        status_code=IN_PROGRESS,
        response_body={},
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


async def complete(session: AsyncSession, record: IdempotencyRecord, status_code: int, body: dict[str, Any]) -> None:
    record.status_code = status_code
    record.response_body = body
    await session.flush()
