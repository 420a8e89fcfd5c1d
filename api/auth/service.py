"""API keys: minting (the secret is shown once, only its hash is kept), verifying, revoking, rate limiting."""

import hashlib
import hmac
import re
import secrets
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.audit import service as audit
from api.auth import rate_limit as rate_limit_service
from api.auth.checks import key_checks
from api.auth.models import ApiKey
from api.auth.principal import ANONYMOUS, Actor, Principal
from api.auth.schemas import ApiKeyCreate, ApiKeyRead
from api.db import get_engine, utcnow
from api.errors import InvalidInput, NotFound, ProblemError, Unauthenticated
from api.kpis.models import Kpi
from api.owners.lookup import owners_named
from api.owners.models import Owner
from api.schemas import Moment, QueryModel

TOKEN_PREFIX = "csk"
RATE_WINDOW_SECONDS = 60
# last_used_at is a hint for administrators, so it is written at most once a minute per key, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyQuery(QueryModel):
    active: bool | None = Field(None, description="Only keys that are (or are not) usable now.")
    updated_since: Moment | None = Field(None, description="Only keys minted or revoked at or after this time.")


def secret_digest(token: str) -> str:
    """What is stored of a secret (an API key's token, a share link's): its SHA-256, never the secret itself."""
    return hashlib.sha256(token.encode()).hexdigest()


KEY_ID = re.compile(r"k[0-9a-f]{10}")  # what new_token makes: any other id is refused without a query


def new_token() -> tuple[str, str]:
    """A fresh (key_id, token); the key id is the public part, the rest is the secret."""
    key_id = "k" + secrets.token_hex(5)
    return key_id, f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


async def _check_kpi_codes(session: AsyncSession, codes: list[str] | None) -> None:
    if not codes:
        return
    known = set(await session.scalars(select(Kpi.code).where(Kpi.code.in_(codes))))
    errors = [
        ProblemError(loc=["body", "kpi_codes", i], msg=f"unknown KPI code '{code}'")
        for i, code in enumerate(codes)
        if code not in known
    ]
    if errors:
        raise InvalidInput("Some KPI codes the key would be limited to do not exist.", errors=errors)


async def _owner_ids(session: AsyncSession, names: list[str] | None) -> list[int] | None:
    """The owners a key is limited to, by id: their codes may be edited later, their identity may not."""
    if names is None:
        return None
    return sorted(owner.id for owner in await owners_named(session, names, field="owner_codes"))


async def owner_codes(session: AsyncSession, owner_ids: Collection[int] | None) -> list[str] | None:
    """The current codes of the owners a key is limited to."""
    if owner_ids is None:
        return None
    return sorted(await session.scalars(select(Owner.code).where(Owner.id.in_(owner_ids))))


async def describe(session: AsyncSession, key: ApiKey) -> ApiKeyRead:
    """A key as administrators see it, its owners named by their codes as they are now."""
    return ApiKeyRead.model_validate(key).model_copy(update={"owner_codes": await owner_codes(session, key.owner_ids)})


async def create_key(session: AsyncSession, data: ApiKeyCreate, *, actor: Actor) -> tuple[ApiKey, str]:
    await _check_kpi_codes(session, data.kpi_codes)
    owner_ids = await _owner_ids(session, data.owner_codes)
    key_id, token = new_token()
    key = ApiKey(
        key_id=key_id,
        secret_hash=secret_digest(token),
        name=data.name,
        scopes=sorted(scope.value for scope in data.scopes),
        kpi_codes=sorted(data.kpi_codes) if data.kpi_codes is not None else None,
        owner_ids=owner_ids,
        note=data.note,
        expires_at=data.expires_at,
        created_by=actor.name,
    )
    session.add(key)
    await session.flush()
    after = {
        "name": key.name,
        "scopes": key.scopes,
        "kpi_codes": key.kpi_codes,
        "owner_codes": await owner_codes(session, owner_ids),
        "owner_ids": owner_ids,
        "expires_at": key.expires_at,
    }
    await audit.record(session, actor, resource="api_key", key=key_id, action="create", after=after)
    return key, token


async def list_keys(session: AsyncSession, query: ApiKeyQuery) -> Sequence[ApiKey]:
    statement = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if query.updated_since is not None:
        since = query.updated_since
        statement = statement.where(or_(ApiKey.created_at >= since, ApiKey.revoked_at >= since))
    keys = (await session.scalars(statement)).all()
    if query.active is None:
        return keys
    return [key for key in keys if is_active(key) is query.active]


def is_active(key: ApiKey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


async def get_key(session: AsyncSession, key_id: str) -> ApiKey:
    key = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    if key is None:
        raise NotFound("API key", key_id)
    return key


async def revoke_key(session: AsyncSession, key_id: str, *, actor: Actor) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing. The record is kept for the audit trail."""
    key = await get_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await audit.record(
            session,
            actor,
            resource="api_key",
            key=key_id,
            action="revoke",
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
        )
    return key


@dataclass(frozen=True)
class Identity:
    """Who is calling, and the data's version as the call began (the change feed's last number)."""

    principal: Principal
    data_version: int


async def authenticate_token(token: str, *, rate_limit: int) -> Identity:
    """Check a bearer token and count the request against its key's limit.

    The key's row and the data's version are read by a check shared with the requests waiting at the same time
    (api/auth/checks.py). The limit is spent from a lease (see rate_limit.py) and last_used_at written at most once a
    minute, on a connection of their own, outside the request's transaction: the count must stand whatever the
    request does.
    """
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise Unauthenticated("The API key is malformed; keys look like csk_<id>_<secret>.")
    if not KEY_ID.fullmatch(parts[1]):  # nor is it sent to the shared check (a flood of long ids, one statement)
        raise Unauthenticated("The API key is not recognised.")
    checked = await key_checks().check(parts[1])
    row = checked.keys.get(parts[1])
    if row is None or not hmac.compare_digest(row.secret_hash, secret_digest(token)):
        raise Unauthenticated("The API key is not recognised.")
    now = utcnow()
    if row.revoked_at is not None:
        raise Unauthenticated(f"The API key {row.key_id} was revoked.")
    if row.expires_at is not None and _aware(row.expires_at) <= now:
        raise Unauthenticated(f"The API key {row.key_id} expired.")
    if _used_long_ago(row, now):
        async with _autocommit() as connection:
            await connection.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))
    await _spend(f"key:{row.key_id}", rate_limit)
    principal = Principal(
        name=row.name,
        scopes=frozenset(row.scopes),
        key_id=row.key_id,
        api_key_pk=row.id,
        kpi_codes=frozenset(row.kpi_codes) if row.kpi_codes is not None else None,
        owner_ids=frozenset(row.owner_ids) if row.owner_ids is not None else None,
    )
    return Identity(principal, checked.version)


_last_used_written: dict[str, datetime] = {}  # this worker's last write of each key's last_used_at


def _used_long_ago(row: Any, now: datetime) -> bool:
    """Whether last_used_at is due a write (and, if so, this worker's claim to write it): the requests of one check
    share the row they read, so only the first of them writes."""
    seen = [_aware(row.last_used_at)] if row.last_used_at is not None else []
    if (written := _last_used_written.get(row.key_id)) is not None:
        seen.append(written)
    if seen and max(seen) >= now - LAST_USED_RESOLUTION:
        return False
    if len(_last_used_written) > 10_000:
        _last_used_written.clear()
    _last_used_written[row.key_id] = now
    return True


async def _spend(subject: str, limit: int) -> None:
    """Count a request against a limit: from this worker's lease, or on a connection of its own to take another."""
    if rate_limit_service.spend_leased(subject, limit):
        return
    async with _autocommit() as connection:  # spend looks at the lease again: another request may have taken one
        await rate_limit_service.spend(connection, subject, limit)


async def anonymous(subject: str, limit: int) -> Identity:
    """An anonymous reader (when allowed), counted against its address's limit."""
    await _spend(subject, limit)
    return Identity(ANONYMOUS, (await key_checks().check(None)).version)


async def count_anonymous(subject: str, limit: int) -> None:
    """A request that needs no key at all (a shared pack's link), counted against its address's limit as anonymous
    reads are, on a connection of its own so that the count stands whatever the request does."""
    await _spend(subject, limit)


def _aware(moment: datetime) -> datetime:
    """Core rows skip the ORM type's UTC restoration on SQLite."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


@asynccontextmanager
async def _autocommit() -> AsyncIterator[AsyncConnection]:
    async with get_engine().connect() as connection:
        yield await connection.execution_options(isolation_level="AUTOCOMMIT")
