"""Webhook subscriptions (/webhook-subscriptions) and their delivery log (/webhook-deliveries): a key with
`webhooks:manage` sees and manages its own; an admin key, every one."""

from typing import Annotated

from fastapi import Depends, Query, Response, status

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import sends
from api.pagination import Page, page_of
from api.params import IdPath
from api.routing import domain_router
from api.tags import Tag
from api.versioning import CREATED, VERSIONED, WRITE_PROBLEMS, PreconditionsDep, set_etag
from api.webhooks import log, service
from api.webhooks.models import WebhookDelivery, WebhookSubscription
from api.webhooks.schemas import (
    WebhookDeliveryQuery,
    WebhookDeliveryRead,
    WebhookSecretRotation,
    WebhookSubscriptionCreate,
    WebhookSubscriptionCreated,
    WebhookSubscriptionQuery,
    WebhookSubscriptionRead,
    WebhookSubscriptionUpdate,
)

router = domain_router()
Manager = Annotated[Actor, Depends(require(Scope.webhooks_manage))]
SUBSCRIPTIONS = "/webhook-subscriptions"
ONE = f"{SUBSCRIPTIONS}/{{subscription_id}}"
SENT = sends(201, "Location")  # a delivery has no version


def _read(subscription: WebhookSubscription, response: Response) -> WebhookSubscriptionRead:
    set_etag(response, subscription.version)
    return WebhookSubscriptionRead.model_validate(subscription)


def _with_secret(subscription: WebhookSubscription, response: Response) -> WebhookSubscriptionCreated:
    set_etag(response, subscription.version)
    read = WebhookSubscriptionRead.model_validate(subscription).model_dump()
    return WebhookSubscriptionCreated(**read, secret=subscription.secret)


def _sent(delivery: WebhookDelivery, response: Response) -> WebhookDeliveryRead:
    """A delivery made by the request (a ping, a replay): where to read it, and it."""
    response.headers["Location"] = f"/api/v1/webhook-deliveries/{delivery.id}"
    return WebhookDeliveryRead.model_validate(delivery)


@router.get(
    SUBSCRIPTIONS,
    operation_id="webhook_subscriptions_list",
    tags=[Tag.webhook_subscriptions],
    response_model=Page[WebhookSubscriptionRead],
)
async def list_subscriptions(
    session: SessionDep, actor: Manager, query: Annotated[WebhookSubscriptionQuery, Query()]
) -> Page[WebhookSubscriptionRead]:
    """This key's webhook subscriptions (an admin key: everyone's); `status=paused` finds those paused after failing."""
    rows, total = await service.list_subscriptions(session, query, actor)
    return page_of(rows, total, query, WebhookSubscriptionRead)


@router.post(
    SUBSCRIPTIONS,
    operation_id="webhook_subscription_create",
    tags=[Tag.webhook_subscriptions],
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookSubscriptionCreated,
    responses=CREATED,
)
@idempotent(redact=("secret",))
async def create_subscription(
    session: SessionDep, actor: Manager, data: WebhookSubscriptionCreate, response: Response
) -> WebhookSubscriptionCreated:
    """Subscribe an https URL to events (`webhooks:manage`). The answer holds the signing secret, shown only once."""
    subscription = await service.create(session, data, actor=actor)
    response.headers["Location"] = f"/api/v1{SUBSCRIPTIONS}/{subscription.id}"
    return _with_secret(subscription, response)


@router.get(
    ONE,
    operation_id="webhook_subscription_get",
    tags=[Tag.webhook_subscriptions],
    response_model=WebhookSubscriptionRead,
    responses={**VERSIONED, **problem_responses(404)},
)
async def get_subscription(
    session: SessionDep, actor: Manager, subscription_id: IdPath, response: Response
) -> WebhookSubscriptionRead:
    """One subscription, with its status and why (paused after failures, by its owner); the ETag is its version."""
    return _read(await service.find(session, subscription_id, actor), response)


@router.patch(
    ONE,
    operation_id="webhook_subscription_update",
    tags=[Tag.webhook_subscriptions],
    response_model=WebhookSubscriptionRead,
    responses={**VERSIONED, **WRITE_PROBLEMS},
)
async def update_subscription(
    session: SessionDep,
    actor: Manager,
    subscription_id: IdPath,
    data: WebhookSubscriptionUpdate,
    response: Response,
    conditions: PreconditionsDep,
) -> WebhookSubscriptionRead:
    """Change the URL, events, description or status (needs If-Match). `status: active` resumes a paused
    subscription and sends what waited for it."""
    subscription = await service.update_subscription(session, subscription_id, data, actor=actor, conditions=conditions)
    return _read(subscription, response)


@router.post(
    f"{ONE}/secret-rotations",
    operation_id="webhook_secret_rotation_create",
    tags=[Tag.webhook_subscriptions],
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookSubscriptionCreated,
    responses={**CREATED, **WRITE_PROBLEMS},
)
@idempotent(redact=("secret",))
async def rotate_secret(
    session: SessionDep,
    actor: Manager,
    subscription_id: IdPath,
    data: WebhookSecretRotation,
    response: Response,
    conditions: PreconditionsDep,
) -> WebhookSubscriptionCreated:
    """A new signing secret, shown once (needs If-Match); the old one signs beside it for `previous_valid_for`
    seconds so receivers can switch without missing a delivery."""
    subscription = await service.rotate_secret(session, subscription_id, data, actor=actor, conditions=conditions)
    response.headers["Location"] = f"/api/v1{SUBSCRIPTIONS}/{subscription.id}"
    return _with_secret(subscription, response)


@router.post(
    f"{ONE}/pings",
    operation_id="webhook_ping_create",
    tags=[Tag.webhook_deliveries],
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookDeliveryRead,
    responses={**SENT, **problem_responses(404, 409)},
)
@idempotent()
async def ping(session: SessionDep, actor: Manager, subscription_id: IdPath, response: Response) -> WebhookDeliveryRead:
    """Send a `webhook.ping` event to this subscription alone, to try the receiver and its signature check."""
    return _sent(await log.ping(session, subscription_id, actor=actor), response)


@router.get(
    f"{ONE}/deliveries",
    operation_id="webhook_deliveries_list",
    tags=[Tag.webhook_deliveries],
    response_model=Page[WebhookDeliveryRead],
    responses=problem_responses(404),
)
async def list_deliveries(
    session: SessionDep, actor: Manager, subscription_id: IdPath, query: Annotated[WebhookDeliveryQuery, Query()]
) -> Page[WebhookDeliveryRead]:
    """A subscription's deliveries, newest first, each with its event and every attempt (status, time, error)."""
    rows, total = await log.list_deliveries(session, subscription_id, query, actor)
    return page_of(rows, total, query, WebhookDeliveryRead)


@router.get(
    "/webhook-deliveries/{delivery_id}",
    operation_id="webhook_delivery_get",
    tags=[Tag.webhook_deliveries],
    response_model=WebhookDeliveryRead,
    responses=problem_responses(404),
)
async def get_delivery(session: SessionDep, actor: Manager, delivery_id: IdPath) -> WebhookDeliveryRead:
    """One delivery, with its event and attempts."""
    return WebhookDeliveryRead.model_validate(await log.get_delivery(session, delivery_id, actor))


@router.post(
    "/webhook-deliveries/{delivery_id}/replays",
    operation_id="webhook_replay_create",
    tags=[Tag.webhook_deliveries],
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookDeliveryRead,
    responses={**SENT, **problem_responses(404, 409)},
)
@idempotent()
async def replay(session: SessionDep, actor: Manager, delivery_id: IdPath, response: Response) -> WebhookDeliveryRead:
    """Send a delivery's event again, as a new delivery with the same `webhook-id` (receivers dedupe by it)."""
    return _sent(await log.replay(session, delivery_id, actor=actor), response)
