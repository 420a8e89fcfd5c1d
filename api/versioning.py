"""ETags and If-Match: a write states which version it read, and loses cleanly if someone wrote first."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Header, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import AppError, problem_responses

WILDCARD = "*"


class PreconditionRequired(AppError):
    status = 428
    title = "Precondition required"
    slug = "precondition-required"

    def __init__(self) -> None:
        super().__init__("Send If-Match with the ETag you last read, so as not to overwrite someone else's change.")


class PreconditionFailed(AppError):
    status = 412
    title = "Precondition failed"
    slug = "precondition-failed"

    def __init__(self, current: int | None = None) -> None:
        now = f" (it is now at {etag(current)})" if current is not None else ""
        super().__init__(f"The item has changed since you read it{now}; read it again and reapply your change.")


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int) -> None:
    """428 without If-Match; 412 unless one of its ETags (or *) is the current version."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired()
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if WILDCARD not in tags and etag(version) not in tags:
        raise PreconditionFailed(version)


class Versioned(Protocol):
    key: str
    version: int
    updated_at: datetime


ItemT = TypeVar("ItemT", bound=Versioned)


async def save_change(
    session: AsyncSession,
    reload: Callable[[], Awaitable[ItemT]],
    snapshot: Callable[[ItemT], dict[str, Any]],
    *,
    actor: Actor,
    resource: str,
    verb: str,
    before: dict[str, Any],
    version: int,
) -> ItemT:
    """Write an edited item (the version check makes a concurrent writer with the same ETag fail) and audit what
    changed. Nothing changed: nothing written, nothing audited."""
    await session.flush()
    item = await reload()
    was, now = audit.changes(before, snapshot(item))
    if not now:
        return item
    if item.version == version:
        item.updated_at = utcnow()  # only child rows changed: update the row itself so the version moves on
        await session.flush()
    await audit.record(
        session, actor, resource=resource, key=item.key, action=verb, before=was, after=now, version=item.version
    )
    return item


IfMatch = Annotated[str | None, Header(description="The ETag you read: required to change or archive.")]
# What a write to an existing record can answer besides success.
WRITE_PROBLEMS = problem_responses(404, 409, 412, 428)
