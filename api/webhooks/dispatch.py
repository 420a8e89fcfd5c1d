"""Sending deliveries: claimed with a lease (so a worker that dies lets them fall due again), POSTed signed, every
attempt logged, a failure retried by the schedule, and a subscription that keeps failing paused and told why."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import system_actor
from api.db import lock_rows, utcnow
from api.settings import Settings
from api.webhooks import service as subscriptions
from api.webhooks.addresses import AddressRefused, check_resolved
from api.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookSubscription,
    WebhookSubscriptionStatus,
)
from api.webhooks.signing import headers

WORKER = system_actor("webhook worker")
USER_AGENT = "cs-strategy-webhooks/1"
ERROR_LENGTH = 500


@dataclass(frozen=True)
class Job:
    """One delivery to send, with everything the POST needs (read in the claiming transaction)."""

    delivery_id: int
    url: str
    secrets: tuple[str, ...]
    message_id: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    attempted_at: datetime
    duration_ms: int
    status_code: int | None
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _secrets(subscription: WebhookSubscription, now: datetime) -> tuple[str, ...]:
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > now:
        return subscription.secret, subscription.previous_secret
    return (subscription.secret,)


async def claim(session: AsyncSession, worker_id: str, settings: Settings) -> list[Job]:
    """Take the lease of up to WEBHOOK_BATCH due deliveries of active subscriptions (rows other workers are taking
    are skipped on PostgreSQL; SQLite runs one worker)."""
    now = utcnow()
    due = (
        select(WebhookDelivery.id)
        .join(WebhookSubscription)
        .where(
            WebhookDelivery.status == WebhookDeliveryStatus.pending,
            WebhookDelivery.next_attempt_at <= now,
            (WebhookDelivery.lease_expires_at.is_(None)) | (WebhookDelivery.lease_expires_at < now),
            WebhookSubscription.status == WebhookSubscriptionStatus.active,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(settings.webhook_batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(of=WebhookDelivery, skip_locked=True)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    lease = now + timedelta(seconds=settings.webhook_lease_seconds)
    await session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).values(lease_expires_at=lease, leased_by=worker_id)
    )
    rows = await session.execute(
        select(WebhookDelivery.id, WebhookEvent, WebhookSubscription)
        .join(WebhookEvent, WebhookDelivery.event_id == WebhookEvent.id)
        .join(WebhookSubscription, WebhookDelivery.subscription_id == WebhookSubscription.id)
        .where(WebhookDelivery.id.in_(ids))
        .order_by(WebhookDelivery.id)
    )
    return [Job(pk, sub.url, _secrets(sub, now), event.event_id, event.body) for pk, event, sub in rows]


async def send(client: httpx.AsyncClient, job: Job) -> Outcome:
    """POST the delivery, signed now; never raises."""
    attempted_at, started = utcnow(), time.monotonic()
    status_code: int | None = None
    error: str | None = None
    try:
        await check_resolved(job.url)
        signed = headers(job.secrets, job.message_id, int(time.time()), job.body)
        request_headers = {"content-type": "application/json", "user-agent": USER_AGENT, **signed}
        response = await client.post(job.url, content=job.body, headers=request_headers)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"answered {status_code}"
    except AddressRefused as refused:
        error = f"refused: {refused}"
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}" if str(failure) else type(failure).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    return Outcome(attempted_at, duration_ms, status_code, error[:ERROR_LENGTH] if error else None)


async def record(session: AsyncSession, job: Job, outcome: Outcome, worker_id: str, settings: Settings) -> None:
    """Log the attempt; then, if this worker still holds the lease, settle the delivery or schedule its retry."""
    session.add(
        WebhookAttempt(
            delivery_id=job.delivery_id,
            attempted_at=outcome.attempted_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
        )
    )
    await lock_rows(session, WebhookDelivery.__tablename__, [job.delivery_id])
    delivery = await session.get_one(WebhookDelivery, job.delivery_id, populate_existing=True)
    if delivery.leased_by != worker_id or delivery.status is not WebhookDeliveryStatus.pending:
        return  # the lease ran out and another worker has it: only the attempt is ours to log
    delivery.attempt_count += 1
    delivery.lease_expires_at, delivery.leased_by = None, None
    now = utcnow()
    if outcome.succeeded:
        delivery.status, delivery.delivered_at = WebhookDeliveryStatus.succeeded, now
        await session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == delivery.subscription_id, WebhookSubscription.consecutive_failures > 0)
            .values(consecutive_failures=0)
        )
        return
    schedule = settings.webhook_retry_schedule
    if delivery.attempt_count <= len(schedule):
        delivery.next_attempt_at = now + timedelta(seconds=schedule[delivery.attempt_count - 1])
    else:
        delivery.status = WebhookDeliveryStatus.failed
    await _count_failure(session, delivery.subscription_id, outcome, settings)


async def _count_failure(session: AsyncSession, subscription_id: int, outcome: Outcome, settings: Settings) -> None:
    """One more failure in a row (outside the subscription's version: it is the worker's count); at the limit, an
    active subscription is paused, with the reason its owner reads."""
    failures = await session.scalar(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription_id)
        .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
        .returning(WebhookSubscription.consecutive_failures)
    )
    if failures is None or failures < settings.webhook_pause_after_failures:
        return
    await lock_rows(session, WebhookSubscription.__tablename__, [subscription_id])
    subscription = await session.get_one(WebhookSubscription, subscription_id, populate_existing=True)
    if subscription.status is not WebhookSubscriptionStatus.active:
        return
    before = subscriptions.snapshot(subscription)
    reason = f"paused after {failures} failed attempts in a row; the last: {outcome.error}"
    subscriptions.set_status(subscription, WebhookSubscriptionStatus.paused, reason[:ERROR_LENGTH])
    await session.flush()
    was, now = audit.changes(before, subscriptions.snapshot(subscription))
    await audit.record(
        session,
        WORKER,
        resource=subscriptions.RESOURCE,
        key=str(subscription_id),
        action="pause",
        before=was,
        after=now,
        version=subscription.version,
    )
