"""ETags and preconditions: a write states which version it read, and loses cleanly if someone wrote first.

Every change to a versioned item goes through `claim`: it refuses a write without a precondition (428, saying
where the ETag comes from), then locks the item's row and only then compares the ETag with the version as it now
stands. So the check happens before any row, child rows included, is written, and of N writers holding one ETag
exactly one gets through; the others wait for the lock and then get 412 (never a merged list or a constraint error).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Header, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.auth.principal import Actor
from api.db import lock_rows, utcnow
from api.errors import AppError, problem_responses
from api.openapi import sends
from api.schemas import SafeStr

WILDCARD = "*"


class PreconditionRequired(AppError):
    problem = problems.PRECONDITION_REQUIRED

    def __init__(self, source: str, *, may_create: bool = False) -> None:
        create = " or If-None-Match: * to create it only if it does not exist yet" if may_create else ""
        super().__init__(
            f'Send If-Match with the ETag header of GET {source} (the item\'s version, e.g. If-Match: "3"){create}, '
            "so as not to overwrite a change someone else made since you read it."
        )


class PreconditionFailed(AppError):
    problem = problems.PRECONDITION_FAILED


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


@dataclass(frozen=True)
class Preconditions:
    """If-Match and If-None-Match as sent (RFC 9110 section 13.1)."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def given(self) -> bool:
        return bool((self.if_match or "").strip() or (self.if_none_match or "").strip())

    def require(self, source: str, *, may_create: bool = False) -> None:
        """428 unless a precondition was sent (``may_create``: If-None-Match: * also counts, and is suggested)."""
        if not (self.if_match or "").strip() and not (may_create and (self.if_none_match or "").strip()):
            raise PreconditionRequired(source, may_create=may_create)

    def check(self, current: int | None) -> None:
        """412 unless the item's current version (None: it does not exist) meets both headers."""
        if self.if_match is not None and self.if_match.strip():
            tags = _tags(self.if_match)
            if current is None:
                raise PreconditionFailed("It does not exist yet, so If-Match cannot match; send If-None-Match: *.")
            if WILDCARD not in tags and etag(current) not in tags:
                raise PreconditionFailed(
                    f"It has changed since you read it (it is now at {etag(current)}); "
                    "read it again and reapply your change."
                )
        if self.if_none_match is not None and self.if_none_match.strip() and current is not None:
            tags = _tags(self.if_none_match)
            if WILDCARD in tags:
                raise PreconditionFailed(f"It already exists (at {etag(current)}); send If-Match to change it.")
            if etag(current) in tags:
                raise PreconditionFailed(f"It is still at {etag(current)}, which If-None-Match excludes.")


TAG_LIST_LENGTH = 1000  # If-Match and If-None-Match: a list of ETags


IfMatchHeader = Annotated[
    SafeStr | None,
    Header(
        max_length=TAG_LIST_LENGTH,
        description="The ETag you last read: the write happens only if it is still current.",
    ),
]


async def preconditions(
    if_match: IfMatchHeader = None,
    if_none_match: Annotated[
        SafeStr | None,
        Header(max_length=TAG_LIST_LENGTH, description="`*`: the write happens only if there is nothing there yet."),
    ] = None,
) -> Preconditions:
    return Preconditions(if_match, if_none_match)


async def if_match_only(if_match: IfMatchHeader = None) -> Preconditions:
    return Preconditions(if_match)


PreconditionsDep = Annotated[Preconditions, Depends(preconditions)]
# A write to an item that exists already (a PUT that replaces, never creates): If-Match alone.
IfMatchDep = Annotated[Preconditions, Depends(if_match_only)]
# What a write to an existing record can answer besides success.
WRITE_PROBLEMS = problem_responses(404, 409, 412, 428)
# A versioned item read or written: the answer carries its ETag.
VERSIONED = sends(200, "ETag")
# A versioned item created: where to read it, and its ETag.
CREATED = sends(201, "Location", "ETag")


class Lockable(Protocol):
    id: int
    version: int


class Versioned(Lockable, Protocol):
    key: str
    updated_at: datetime


LockableT = TypeVar("LockableT", bound=Lockable)
LoadedT = TypeVar("LoadedT", covariant=True)
ItemT = TypeVar("ItemT", bound=Versioned)
RowT = TypeVar("RowT")


async def lock(session: AsyncSession, item: Any, reload: Callable[[], Awaitable[RowT]]) -> RowT:
    """Lock an item's row until the transaction ends, then read it again as it now stands."""
    await lock_rows(session, item.__tablename__, [item.id])
    return await reload()


async def claim(
    session: AsyncSession,
    item: LockableT,
    conditions: Preconditions,
    *,
    source: str,
    reload: Callable[[], Awaitable[LockableT]],
) -> LockableT:
    """The item, locked and re-read, once its current version meets the preconditions (428 / 412 otherwise)."""
    conditions.require(source)
    current = await lock(session, item, reload)
    conditions.check(current.version)
    return current


class Loader(Protocol[LoadedT]):
    """A domain's finder: the item with this key (404 if none), re-read from the database on request."""

    def __call__(
        self, session: AsyncSession, key: str, /, *, populate_existing: bool = False
    ) -> Awaitable[LoadedT]: ...


async def claim_by_key(
    session: AsyncSession, load: Loader[LockableT], key: str, conditions: Preconditions, *, source: str
) -> LockableT:
    """The item with this key (404), locked and re-read once the preconditions hold (428, 412)."""
    return await claim(
        session,
        await load(session, key),
        conditions,
        source=source,
        reload=lambda: load(session, key, populate_existing=True),
    )


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
    """Write a claimed, edited item and audit what changed. Nothing changed: nothing written, nothing audited."""
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
