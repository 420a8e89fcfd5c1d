from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from api.pagination import ChangedQuery
from api.schemas import NotNull, ReadModel, WriteModel, refuse_null
from api.webhooks.addresses import check_url
from api.webhooks.models import WebhookDeliveryStatus, WebhookEventType, WebhookSubscriptionStatus

TargetUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(check_url),
    Field(
        description="Where deliveries are POSTed: https to a public address (no user name or password in it).",
        examples=["https://integrations.example.org/hooks/strategy"],
    ),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
PREVIOUS_SECRET_LIMIT = 7 * 24 * 3600


def _subscribable(types: list[WebhookEventType]) -> list[WebhookEventType]:
    if WebhookEventType.ping in types:
        raise ValueError("webhook.ping is sent on request (POST .../pings), not subscribed to")
    if len(set(types)) != len(types):
        raise ValueError("lists an event type twice")
    return types


EventTypes = Annotated[
    list[WebhookEventType],
    Field(
        min_length=1, max_length=len(WebhookEventType), description="The events to send.", examples=[["pack.issued"]]
    ),
    AfterValidator(_subscribable),
]


class WebhookSubscriptionRead(ReadModel):
    id: int
    url: str
    event_types: list[WebhookEventType]
    description: str | None
    status: WebhookSubscriptionStatus
    status_reason: str | None = Field(description="Why it is paused or disabled (by its owner, or after failures).")
    status_changed_at: datetime | None
    consecutive_failures: int = Field(description="Failed attempts in a row; reaching the limit pauses it.")
    created_by: str
    version: int = Field(description="Also the ETag: send it back in If-Match to change the subscription.")
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str | None = Field(
        description="The signing secret (`whsec_...`), shown only in this answer: keep it to verify signatures. "
        "A replay of the request (same Idempotency-Key) answers null."
    )


class WebhookSubscriptionCreate(WriteModel):
    url: TargetUrl
    event_types: EventTypes
    description: Description | None = None


class WebhookSubscriptionUpdate(WriteModel):
    """Fields to change. Setting `status` to `active` resumes a paused subscription and sends what waited."""

    url: TargetUrl | NotNull = None
    event_types: EventTypes | NotNull = None
    description: Description | None = None
    status: WebhookSubscriptionStatus | NotNull = None

    _not_emptied = refuse_null("url", "event_types", "status")


class WebhookSecretRotation(WriteModel):
    previous_valid_for: int = Field(
        default=86400,
        ge=0,
        le=PREVIOUS_SECRET_LIMIT,
        description="Seconds the old secret keeps signing beside the new one (deliveries carry both signatures).",
    )


class WebhookSubscriptionQuery(ChangedQuery):
    status: WebhookSubscriptionStatus | None = Field(
        None, description="Only subscriptions in this state (e.g. paused)."
    )


class WebhookDeliveryQuery(ChangedQuery):
    status: WebhookDeliveryStatus | None = Field(None, description="Only deliveries in this state.")


class WebhookAttemptRead(ReadModel):
    attempted_at: datetime
    duration_ms: int
    status_code: int | None = Field(description="What the receiver answered; null when it did not answer.")
    error: str | None


class WebhookEventRead(ReadModel):
    id: str = Field(validation_alias="event_id", description="Sent as `webhook-id`: the same for every delivery.")
    type: WebhookEventType
    occurred_at: datetime
    body: str = Field(
        validation_alias="body_text",
        description="The JSON body every delivery of the event carries, as sent: `{type, timestamp, data}`.",
    )


class WebhookDeliveryRead(ReadModel):
    id: int
    subscription_id: int
    event: WebhookEventRead
    status: WebhookDeliveryStatus
    attempt_count: int
    next_attempt_at: datetime | None = Field(description="When it is next tried, while pending.")
    delivered_at: datetime | None
    replay_of: int | None = Field(description="The delivery this one replays.")
    created_at: datetime
    updated_at: datetime
    attempts: list[WebhookAttemptRead]
