"""Issued packs: what a meeting was given, kept exactly as presented whatever happens to the data afterwards."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from api import problems
from api.audit import service as audit
from api.auth.principal import Actor
from api.db import lock_rows
from api.errors import AppError, NotFound
from api.governance.models import GovernanceBody, IssuedPack
from api.packs import render, service
from api.packs.render import Meeting
from api.packs.schemas import IssuedPackRead, Pack, PackIssue
from api.webhooks import events as webhook_events
from api.webhooks.models import WebhookEventType

# The formats a pack has been issued in since it was first issued as JSON, HTML and CSV, by name.
LATER_FORMATS = {"pdf": "a PDF", "xlsx": "an Excel workbook (xlsx)"}


class NotIssuedInFormat(AppError):
    """404: the pack was issued before packs were issued in this format, so it was never presented in it."""

    problem = problems.NOT_FOUND


def _formats(pack: Pack, meeting: Meeting) -> dict[str, Any]:
    """Every format a pack is issued in. Drawn in a worker thread (see issue)."""
    return {
        "html": render.render_html(pack, meeting),
        "csv": render.render_csv(pack),
        "pdf": render.render_document(pack, "pdf", meeting),
        "xlsx": render.render_document(pack, "xlsx", meeting),
    }


async def issue(session: AsyncSession, body: GovernanceBody, data: PackIssue, *, actor: Actor) -> IssuedPack:
    pack = await service.build_pack(session, body, data.period, data.as_at, data.known_at)
    await lock_rows(session, "governance_body", [body.id])  # two issuers for one meeting get versions 1 and 2
    last = await session.scalar(
        select(func.max(IssuedPack.version)).where(
            IssuedPack.body_id == body.id, IssuedPack.meeting_date == data.meeting_date
        )
    )
    version = (last or 0) + 1
    meeting = Meeting(data.meeting_date, version)
    issued = IssuedPack(
        body_id=body.id,
        meeting_date=data.meeting_date,
        version=version,
        period=data.period,
        as_at=pack.as_at,
        known_at=pack.known_at,
        issued_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
        content=pack.model_dump(mode="json"),
        **await run_in_threadpool(_formats, pack, meeting),
    )
    session.add(issued)
    await session.flush()
    after = {
        "meeting_date": data.meeting_date,
        "version": issued.version,
        "as_at": pack.as_at,
        "known_at": pack.known_at,
        "period": data.period,
    }
    await audit.record(session, actor, resource="issued_pack", key=str(issued.id), action="issue", after=after)
    announced = {"pack_id": issued.id, "governance_body": body.key, "url": f"/api/v1/packs/{issued.id}", **after}
    await webhook_events.emit(session, WebhookEventType.pack_issued, announced)
    return issued


async def get_issued(session: AsyncSession, pack_id: int) -> IssuedPack:
    """An issued pack with every format it was issued in."""
    issued = await session.get(IssuedPack, pack_id, options=[undefer(IssuedPack.pdf), undefer(IssuedPack.xlsx)])
    if issued is None:
        raise NotFound("issued pack", str(pack_id))
    return issued


async def list_issued(
    session: AsyncSession, body: GovernanceBody, issued_since: datetime | None = None
) -> Sequence[IssuedPack]:
    statement = (
        select(IssuedPack)
        .where(IssuedPack.body_id == body.id)
        .order_by(IssuedPack.meeting_date.desc(), IssuedPack.version.desc())
    )
    if issued_since is not None:
        statement = statement.where(IssuedPack.issued_at >= issued_since)
    return (await session.scalars(statement)).all()


def read(issued: IssuedPack, body_key: str) -> IssuedPackRead:
    return IssuedPackRead(
        id=issued.id,
        body=body_key,
        meeting_date=issued.meeting_date,
        version=issued.version,
        period=issued.period,
        as_at=issued.as_at,
        known_at=issued.known_at,
        issued_at=issued.issued_at,
        issued_by=issued.issued_by,
    )


def stored_document(issued: IssuedPack, format: str) -> bytes:
    """The PDF or workbook exactly as issued. A pack issued before it had one has none, and none is made for it now:
    it would be a new document claiming to be what the meeting was given."""
    document = {"pdf": issued.pdf, "xlsx": issued.xlsx}[format]
    if document is None:
        raise NotIssuedInFormat(
            f"Issued pack {issued.id} was issued before packs were issued as {LATER_FORMATS[format]}, so it has "
            "none: ask for format=json, csv or html, or issue the pack again."
        )
    return document
