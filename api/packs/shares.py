"""Share links: councillors open an issued pack from the meeting papers without an API key.

A link shows one issued pack, that version, whatever is issued for the meeting afterwards. Its token (256 bits from
`secrets`) is shown once, when the link is made; only its SHA-256 is stored, as for API keys, and the link is found by
that hash, so no comparison of secrets takes place. An unknown, expired and revoked link get the same 404, so a guess
learns nothing. Each opening is counted by the database in the statement that finds the link (views = views + 1), so
views through every worker at once are all counted.
"""

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.auth.principal import Actor
from api.auth.service import secret_digest
from api.db import utcnow
from api.errors import AppError, NotFound
from api.governance.models import IssuedPack, PackShare
from api.packs import issued as issued_service
from api.packs.schemas import SHARE_LIFETIME, PackShareCreate, PackShareRead

PUBLIC_PATH = "/shared-packs"
TOKEN_BYTES = 32  # 256 bits; token_urlsafe writes them as 43 characters
# What every answer at a link carries: no cache keeps it, a link followed from the page does not pass the token on
# as the referrer, and no search engine indexes it.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


class SharedPackNotFound(AppError):
    """The same answer whether the token is unknown, expired or revoked."""

    problem = problems.NOT_FOUND

    def __init__(self) -> None:
        super().__init__(
            "No pack is shared at this address: the link is wrong, has expired or was withdrawn. Ask whoever sent "
            "it for a new one.",
            headers=PRIVATE,
        )


def public_path(token: str) -> str:
    return f"{PUBLIC_PATH}/{token}"


def is_active(share: PackShare, now: datetime | None = None) -> bool:
    return share.revoked_at is None and share.expires_at > (now or utcnow())


def read(share: PackShare) -> PackShareRead:
    return PackShareRead(
        id=share.id,
        pack_id=share.pack_id,
        created_at=share.created_at,
        created_by=share.created_by,
        expires_at=share.expires_at,
        revoked_at=share.revoked_at,
        active=is_active(share),
        views=share.views,
        last_viewed_at=share.last_viewed_at,
    )


async def create(
    session: AsyncSession, issued: IssuedPack, data: PackShareCreate, *, actor: Actor
) -> tuple[PackShare, str]:
    """A new link to this issued pack, and its token (which is not kept)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share = PackShare(
        pack_id=issued.id,
        token_hash=secret_digest(token),
        created_by=actor.name,
        expires_at=data.expires_at or utcnow() + SHARE_LIFETIME,
        views=0,
    )
    session.add(share)
    await session.flush()
    after = {"pack_id": issued.id, "expires_at": share.expires_at}
    await audit.record(session, actor, resource="pack_share", key=str(share.id), action="create", after=after)
    return share, token


async def list_shares(
    session: AsyncSession, issued: IssuedPack, changed_since: datetime | None = None
) -> Sequence[PackShare]:
    """The links to an issued pack, newest first; changed_since: made, revoked or opened since."""
    statement = (
        select(PackShare)
        .where(PackShare.pack_id == issued.id)
        .order_by(PackShare.created_at.desc(), PackShare.id.desc())
    )
    if changed_since is not None:
        statement = statement.where(
            or_(
                PackShare.created_at >= changed_since,
                PackShare.revoked_at >= changed_since,
                PackShare.last_viewed_at >= changed_since,
            )
        )
    return (await session.scalars(statement)).all()


async def get_share(session: AsyncSession, issued: IssuedPack, share_id: int) -> PackShare:
    share = await session.get(PackShare, share_id)
    if share is None or share.pack_id != issued.id:
        raise NotFound(f"share link to pack {issued.id}", str(share_id))
    return share


async def revoke(session: AsyncSession, share: PackShare, *, actor: Actor) -> None:
    """Withdraw a link at once; revoking twice changes nothing. The record stays, with its views."""
    if share.revoked_at is not None:
        return
    share.revoked_at = utcnow()
    await audit.record(
        session,
        actor,
        resource="pack_share",
        key=str(share.id),
        action="revoke",
        before={"revoked_at": None},
        after={"revoked_at": share.revoked_at},
    )


async def open_shared(session: AsyncSession, token: str) -> IssuedPack:
    """The issued pack a live link shows, counting this opening in the statement that finds the link."""
    now = utcnow()
    counted = (
        update(PackShare)
        .where(PackShare.token_hash == secret_digest(token), PackShare.revoked_at.is_(None), PackShare.expires_at > now)
        .values(views=PackShare.views + 1, last_viewed_at=now)
        .returning(PackShare.pack_id)
        .execution_options(synchronize_session=False)
    )
    pack_id = await session.scalar(counted)
    if pack_id is None:
        raise SharedPackNotFound()
    return await issued_service.get_issued(session, pack_id)
