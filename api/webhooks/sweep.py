"""The events no request causes: found by the worker's sweep, which compares what the existing services say now
(the snapshot the packs and the performance challenge read, the KPI standings) with what it saw last time, kept in
webhook_watch. Each condition is announced once, under a dedupe key, whichever worker sweeps and however often.

The first sweep of a database takes what it finds as its starting point and announces nothing, so switching
webhooks on does not send every action that has ever been overdue."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api import snapshot as snapshots
from api import tracking
from api.bitemporal import AsAt
from api.db import lock_rows, utcnow
from api.governance import challenge
from api.kpis import service as kpis_service
from api.kpis.status import standings
from api.returns.due import ReturnStatus, london_day
from api.webhooks.events import emit
from api.webhooks.models import WebhookEventType, WebhookWatch

STARTED = "sweep:started"  # its row is also the lock that makes sweeps take turns
RATING = "kpi.rating:"
LATE = (ReturnStatus.late, ReturnStatus.missing)


@dataclass(frozen=True)
class Finding:
    """A condition as the sweep finds it now; ``key`` names it, ``value`` is what changes when it changes."""

    type: WebhookEventType
    key: str
    value: str
    data: dict[str, Any]


def _overdue(snap: snapshots.Snapshot) -> Iterator[Finding]:
    for action in snap.actions:
        if tracking.action_overdue(action, snap.window):
            data = {
                "action": action.key,
                "what": action.what,
                "due_date": action.due_date,
                "status": action.status,
                "owners": [owner.code for owner in action.owners],
            }
            yield Finding(WebhookEventType.action_overdue, f"action.overdue:{action.key}", str(action.due_date), data)


def _late_returns(snap: snapshots.Snapshot) -> Iterator[Finding]:
    for owed in snap.returns:
        if owed.status in LATE:
            data = {
                "kpi": owed.kpi.code,
                "period": owed.period.code,
                "due_date": owed.due_date,
                "status": owed.status,
                "days_late": owed.days_late,
            }
            yield Finding(WebhookEventType.kpi_return_late, f"kpi_return.late:{owed.item}", "late", data)


def _exceptions(snap: snapshots.Snapshot) -> Iterator[Finding]:
    for found in challenge.evaluate(snap):
        data = {
            "rule": found.rule.key,
            "kind": found.rule.kind,
            "item": found.item,
            "title": found.title,
            "reason": found.reason,
        }
        yield Finding(
            WebhookEventType.exception_raised, f"exception.raised:{found.rule.key}:{found.item}", "raised", data
        )


async def _ratings(session: AsyncSession) -> list[Finding]:
    """Each KPI's rating in its latest period, by the rules the scorecard uses (api/kpis/status.py)."""
    found = []
    for standing in await standings(session, await kpis_service.all_kpis(session), None):
        if standing.period is None:
            continue
        status = standing.rating.status
        data = {"kpi": standing.kpi.code, "period": standing.period.code, "rating": status}
        found.append(Finding(WebhookEventType.kpi_rating_changed, f"{RATING}{standing.kpi.code}", str(status), data))
    return found


async def findings(session: AsyncSession, today: date) -> list[Finding]:
    snap = await snapshots.take(session, AsAt(as_at=today))
    return [*_overdue(snap), *_late_returns(snap), *_exceptions(snap), *await _ratings(session)]


async def _started(session: AsyncSession) -> bool:
    """Whether a sweep has run before; takes the sweeps' lock until the transaction ends."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"key": STARTED, "value": "no", "seen_at": utcnow()}
    await session.execute(insert(WebhookWatch).values(values).on_conflict_do_nothing(index_elements=["key"]))
    row = (await session.execute(select(WebhookWatch.id, WebhookWatch.value).where(WebhookWatch.key == STARTED))).one()
    await lock_rows(session, WebhookWatch.__tablename__, [row.id])
    return bool(row.value == "yes")


async def sweep(session: AsyncSession, today: date | None = None) -> int:
    """Announce what has newly become true; returns how many events were written."""
    day = today or london_day(utcnow())
    started = await _started(session)
    seen = {row.key: row for row in (await session.scalars(select(WebhookWatch))).all()}
    current = list({finding.key: finding for finding in await findings(session, day)}.values())  # once each
    written = 0
    for finding in current:
        row = seen.get(finding.key)
        previous = row.value if row is not None else None
        if previous == finding.value:
            continue
        if row is None:
            session.add(WebhookWatch(key=finding.key, value=finding.value, seen_at=utcnow()))
        else:
            row.value, row.seen_at = finding.value, utcnow()
        if not started or (finding.type is WebhookEventType.kpi_rating_changed and previous is None):
            continue  # the starting point (and a KPI's first rating) is not a change
        data = finding.data | (
            {"previous_rating": previous} if finding.type is WebhookEventType.kpi_rating_changed else {}
        )
        dedupe = f"{finding.key}:{previous}:{finding.value}:{day}"[:300]
        written += await emit(session, finding.type, data, dedupe_key=dedupe) is not None
    await _forget_cleared(session, seen, {finding.key for finding in current})
    seen[STARTED].value = "yes"
    await session.flush()
    return written


async def _forget_cleared(session: AsyncSession, seen: dict[str, WebhookWatch], found: set[str]) -> None:
    """A condition that no longer holds is forgotten, so that it is announced again if it recurs (a KPI's rating is
    kept: it is compared with the next)."""
    for key, row in seen.items():
        if key not in found and key != STARTED and not key.startswith(RATING):
            await session.delete(row)
