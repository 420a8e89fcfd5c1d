"""Webhook subscriptions: a key sees and manages only its own (an admin key, every one), with ETags and the audit
trail. The signing secret is answered once, when it is made."""

from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import utcnow
from api.errors import NotFound
from api.pagination import fetch_page
from api.versioning import Preconditions, claim
from api.webhooks.models import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription, WebhookSubscriptionStatus
from api.webhooks.schemas import (
    WebhookSecretRotation,
    WebhookSubscriptionCreate,
    WebhookSubscriptionQuery,
    WebhookSubscriptionUpdate,
)
from api.webhooks.signing import new_secret

RESOURCE = "webhook_subscription"
PATH = "/api/v1/webhook-subscriptions"


def snapshot(subscription: WebhookSubscription) -> dict[str, Any]:
    """What the audit trail keeps of a subscription (never its secret)."""
    return {
        "url": subscription.url,
        "event_types": list(subscription.event_types),
        "description": subscription.description,
        "status": subscription.status,
        "status_reason": subscription.status_reason,
    }


def visible(statement: Select[Any], actor: Actor) -> Select[Any]:
    """Only the key's own subscriptions, unless it is an admin key."""
    if actor.principal.has(Scope.admin):
        return statement
    return statement.where(WebhookSubscription.api_key_id == actor.principal.api_key_pk)


async def list_subscriptions(
    session: AsyncSession, query: WebhookSubscriptionQuery, actor: Actor
) -> tuple[list[WebhookSubscription], int]:
    statement = visible(select(WebhookSubscription), actor)
    if query.status is not None:
        statement = statement.where(WebhookSubscription.status == query.status)
    if query.updated_since is not None:
        statement = statement.where(WebhookSubscription.updated_at >= query.updated_since)
    rows, total = await fetch_page(session, statement.order_by(WebhookSubscription.id), query)
    return list(rows), total


async def find(
    session: AsyncSession, subscription_id: int, actor: Actor, *, populate_existing: bool = False
) -> WebhookSubscription:
    """The subscription, if this key may see it (404 otherwise, so ids of others' subscriptions reveal nothing)."""
    statement = visible(select(WebhookSubscription).where(WebhookSubscription.id == subscription_id), actor)
    found: WebhookSubscription | None = await session.scalar(
        statement.execution_options(populate_existing=populate_existing)
    )
    if found is None:
        raise NotFound("webhook subscription", str(subscription_id))
    return found


async def create(session: AsyncSession, data: WebhookSubscriptionCreate, *, actor: Actor) -> WebhookSubscription:
    subscription = WebhookSubscription(
        api_key_id=actor.principal.api_key_pk,
        created_by=actor.name,
        url=data.url,
        event_types=[str(event_type) for event_type in data.event_types],
        description=data.description,
        status=WebhookSubscriptionStatus.active,
        secret=new_secret(),
        consecutive_failures=0,
    )
    session.add(subscription)
    await session.flush()
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=str(subscription.id),
        action="create",
        after=snapshot(subscription),
        version=subscription.version,
    )
    return subscription


async def _claim(
    session: AsyncSession, subscription_id: int, actor: Actor, conditions: Preconditions
) -> WebhookSubscription:
    return await claim(
        session,
        await find(session, subscription_id, actor),
        conditions,
        source=f"{PATH}/{subscription_id}",
        reload=lambda: find(session, subscription_id, actor, populate_existing=True),
    )


def set_status(subscription: WebhookSubscription, status: WebhookSubscriptionStatus, reason: str | None) -> None:
    subscription.status = status
    subscription.status_reason = reason
    subscription.status_changed_at = utcnow()


async def requeue(session: AsyncSession, subscription_id: int) -> None:
    """What waited while a subscription was paused is due now."""
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.status == WebhookDeliveryStatus.pending
        )
        .values(next_attempt_at=utcnow(), lease_expires_at=None, leased_by=None)
    )


async def _apply_status(
    session: AsyncSession, subscription: WebhookSubscription, status: WebhookSubscriptionStatus
) -> None:
    if status == subscription.status:
        return
    if status is WebhookSubscriptionStatus.active:
        set_status(subscription, status, None)
        subscription.consecutive_failures = 0
        await requeue(session, subscription.id)
    else:
        set_status(subscription, status, f"{status.value} by its owner")


async def update_subscription(
    session: AsyncSession,
    subscription_id: int,
    data: WebhookSubscriptionUpdate,
    *,
    actor: Actor,
    conditions: Preconditions,
) -> WebhookSubscription:
    subscription = await _claim(session, subscription_id, actor, conditions)
    before = snapshot(subscription)
    changes = data.model_dump(exclude_unset=True)
    if "url" in changes:
        subscription.url = changes["url"]
    if "event_types" in changes:
        subscription.event_types = [str(event_type) for event_type in changes["event_types"]]
    if "description" in changes:
        subscription.description = changes["description"]
    if data.status is not None:
        await _apply_status(session, subscription, data.status)
    await session.flush()
    subscription = await find(session, subscription_id, actor, populate_existing=True)
    was, now = audit.changes(before, snapshot(subscription))
    if now:
        await audit.record(
            session,
            actor,
            resource=RESOURCE,
            key=str(subscription_id),
            action="update",
            before=was,
            after=now,
            version=subscription.version,
        )
    return subscription


async def rotate_secret(
    session: AsyncSession, subscription_id: int, data: WebhookSecretRotation, *, actor: Actor, conditions: Preconditions
) -> WebhookSubscription:
    """A new secret; the old one goes on signing beside it for ``data.previous_valid_for`` seconds."""
    subscription = await _claim(session, subscription_id, actor, conditions)
    subscription.previous_secret = subscription.secret if data.previous_valid_for else None
    until = utcnow() + timedelta(seconds=data.previous_valid_for)
    subscription.previous_secret_until = until if data.previous_valid_for else None
    subscription.secret = new_secret()
    await session.flush()
    after = {"secret_rotated": True, "previous_secret_until": subscription.previous_secret_until}
    await audit.record(
        session,
        actor,
        resource=RESOURCE,
        key=str(subscription_id),
        action="rotate_secret",
        after=after,
        version=subscription.version,
    )
    return subscription
