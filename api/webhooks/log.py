"""The delivery log a subscription's owner reads (every delivery, with its attempts), replays and test pings."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import Conflict, NotFound
from api.pagination import fetch_page
from api.webhooks import events
from api.webhooks import service as subscriptions
from api.webhooks.models import WebhookDelivery, WebhookEventType, WebhookSubscription, WebhookSubscriptionStatus
from api.webhooks.schemas import WebhookDeliveryQuery

RESOURCE = "webhook_delivery"


def _loaded() -> Select[Any]:
    return select(WebhookDelivery).options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.attempts))


async def list_deliveries(
    session: AsyncSession, subscription_id: int, query: WebhookDeliveryQuery, actor: Actor
) -> tuple[list[WebhookDelivery], int]:
    """A subscription's deliveries, newest first."""
    await subscriptions.find(session, subscription_id, actor)
    statement = _loaded().where(WebhookDelivery.subscription_id == subscription_id)
    if query.status is not None:
        statement = statement.where(WebhookDelivery.status == query.status)
    if query.updated_since is not None:
        statement = statement.where(WebhookDelivery.updated_at >= query.updated_since)
    rows, total = await fetch_page(session, statement.order_by(WebhookDelivery.id.desc()), query)
    return list(rows), total


async def get_delivery(session: AsyncSession, delivery_id: int, actor: Actor) -> WebhookDelivery:
    """A delivery of one of this key's subscriptions (404 otherwise)."""
    statement = subscriptions.visible(
        _loaded().join(WebhookSubscription).where(WebhookDelivery.id == delivery_id), actor
    )
    found: WebhookDelivery | None = await session.scalar(statement.execution_options(populate_existing=True))
    if found is None:
        raise NotFound("webhook delivery", str(delivery_id))
    return found


def _sendable(subscription: WebhookSubscription) -> None:
    if subscription.status is WebhookSubscriptionStatus.disabled:
        raise Conflict(f"Webhook subscription {subscription.id} is disabled: set its status to active first.")


async def replay(session: AsyncSession, delivery_id: int, *, actor: Actor) -> WebhookDelivery:
    """A new delivery of the same event to the same subscription: the receiver sees the same webhook-id."""
    original = await get_delivery(session, delivery_id, actor)
    _sendable(await subscriptions.find(session, original.subscription_id, actor))
    row = events.delivery_row(original.event_id, original.subscription_id, utcnow(), replay_of=original.id)
    replayed = WebhookDelivery(**row)
    session.add(replayed)
    await session.flush()
    after = {"event_id": original.event.event_id, "replay_of": original.id}
    await audit.record(session, actor, resource=RESOURCE, key=str(replayed.id), action="replay", after=after)
    return await get_delivery(session, replayed.id, actor)


async def ping(session: AsyncSession, subscription_id: int, *, actor: Actor) -> WebhookDelivery:
    """A `webhook.ping` event sent to this subscription alone, to try the receiver and its signature check."""
    subscription = await subscriptions.find(session, subscription_id, actor)
    _sendable(subscription)
    data = {"subscription_id": subscription.id, "requested_by": actor.name}
    event = await events.emit(session, WebhookEventType.ping, data, subscription_id=subscription.id)
    assert event is not None  # no dedupe key: always written
    delivery_id = await session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.event_id == event.id))
    assert delivery_id is not None
    after = {"event_id": event.event_id}
    await audit.record(session, actor, resource=RESOURCE, key=str(delivery_id), action="ping", after=after)
    return await get_delivery(session, delivery_id, actor)
