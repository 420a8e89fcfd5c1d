"""Writing events to the outbox. `emit` is called in the transaction of the change that caused the event (a pack's
issue, a figure's approval) or by the worker's sweep, so an event exists exactly when its cause was committed."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit.service import _json as plain_json
from api.db import utcnow
from api.webhooks.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookEventType,
    WebhookSubscription,
    WebhookSubscriptionStatus,
)

# Subscriptions whose deliveries are queued: a paused one's wait for it to resume; a disabled one gets nothing.
QUEUED = (WebhookSubscriptionStatus.active, WebhookSubscriptionStatus.paused)


def new_event_id() -> str:
    """The event's id, sent as `webhook-id` with every delivery of it (replays included): receivers dedupe by it."""
    return f"msg_{uuid.uuid4().hex}"


async def emit(
    session: AsyncSession,
    type: WebhookEventType,
    data: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    occurred_at: datetime | None = None,
    subscription_id: int | None = None,
) -> WebhookEvent | None:
    """Write an event and a delivery to each subscription that wants it (``subscription_id``: to that one only).
    With ``dedupe_key``, an event already written under that key is not written again: None is returned."""
    values = {
        "event_id": new_event_id(),
        "type": type,
        "occurred_at": occurred_at or utcnow(),
        "data": plain_json(data),
        "dedupe_key": dedupe_key,
    }
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(WebhookEvent).values(values)
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=[WebhookEvent.dedupe_key])
    event: WebhookEvent | None = await session.scalar(statement.returning(WebhookEvent))  # as written: no re-read
    if event is None:
        return None
    await _queue(session, event.id, type, subscription_id)
    return event


async def _queue(session: AsyncSession, event_pk: int, type: WebhookEventType, subscription_id: int | None) -> None:
    statement = select(WebhookSubscription.id, WebhookSubscription.event_types).where(
        WebhookSubscription.status.in_(QUEUED)
    )
    if subscription_id is not None:
        statement = statement.where(WebhookSubscription.id == subscription_id)
    wanted = [
        row.id for row in await session.execute(statement) if subscription_id is not None or type in row.event_types
    ]
    if wanted:
        now = utcnow()
        rows = [delivery_row(event_pk, subscription, now) for subscription in wanted]
        await session.execute(insert(WebhookDelivery), rows)


def delivery_row(event_pk: int, subscription_id: int, now: datetime, replay_of: int | None = None) -> dict[str, Any]:
    return {
        "event_id": event_pk,
        "subscription_id": subscription_id,
        "status": WebhookDeliveryStatus.pending,
        "attempt_count": 0,
        "next_attempt_at": now,
        "replay_of": replay_of,
        "created_at": now,
        "updated_at": now,
    }
