"""Webhooks: subscriptions per API key, the outbox of events, their deliveries and every attempt, and what the
worker's sweep has already seen."""

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow


class WebhookEventType(StrEnum):
    kpi_value_approved = "kpi_value.approved"
    kpi_value_published = "kpi_value.published"
    kpi_rating_changed = "kpi.rating_changed"
    action_overdue = "action.overdue"
    exception_raised = "exception.raised"
    pack_issued = "pack.issued"
    kpi_return_late = "kpi_return.late"
    ping = "webhook.ping"  # sent only to the subscription that asked for it


class WebhookSubscriptionStatus(StrEnum):
    active = "active"  # deliveries are sent
    paused = "paused"  # deliveries wait (paused by its owner, or by the service after repeated failure)
    disabled = "disabled"  # nothing is delivered or queued


class WebhookDeliveryStatus(StrEnum):
    pending = "pending"  # due at next_attempt_at (unless a worker holds its lease)
    succeeded = "succeeded"  # the receiver answered 2xx
    failed = "failed"  # every retry of the schedule failed


def _enum(enum: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum,
        native_enum=False,
        length=40,
        create_constraint=True,
        name=name,
        values_callable=lambda members: [member.value for member in members],
    )


class WebhookSubscription(VersionedMixin, TimestampMixin, Base):
    """Where one API key wants events sent, and the shared secret they are signed with."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[WebhookSubscriptionStatus] = mapped_column(
        _enum(WebhookSubscriptionStatus, "webhook_subscription_status"), default=WebhookSubscriptionStatus.active
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A shared secret, not a password: the worker needs it to sign. The one it replaced still signs for a while, so
    # a receiver can switch over without missing a delivery.
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class WebhookEvent(Base):
    """The outbox: an event written in the same transaction as the change that caused it."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(40), unique=True)  # msg_..., the webhook-id receivers dedupe by
    type: Mapped[WebhookEventType] = mapped_column(_enum(WebhookEventType, "webhook_event_type"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What makes a derived event the same event (the sweep's `action.overdue:<key>`): at most one row each.
    dedupe_key: Mapped[str | None] = mapped_column(String(300), unique=True)

    @property
    def body(self) -> bytes:
        """The JSON every delivery of it carries: its type, when it happened, and its data."""
        payload = {"type": self.type.value, "timestamp": self.occurred_at.isoformat(), "data": self.data}
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()

    @property
    def body_text(self) -> str:
        return self.body.decode()


class WebhookDelivery(Base):
    """One event to one subscription; a replay is another delivery of the same event (same webhook-id)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"), index=True)
    status: Mapped[WebhookDeliveryStatus] = mapped_column(
        _enum(WebhookDeliveryStatus, "webhook_delivery_status"), default=WebhookDeliveryStatus.pending
    )
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(64))
    replay_of: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[WebhookEvent] = relationship(lazy="raise")
    attempts: Mapped[list["WebhookAttempt"]] = relationship(lazy="raise", order_by="WebhookAttempt.id")


class WebhookAttempt(Base):
    """One POST to a receiver: when, how long, and what came back."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))


class WebhookWatch(Base):
    """What the worker's sweep found last time (a KPI's rating; a condition already announced), so each derived
    event is emitted once whichever worker sweeps and however often it restarts."""

    __tablename__ = "webhook_watch"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    value: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
