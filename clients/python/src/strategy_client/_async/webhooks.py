"""Webhook subscriptions and their delivery log: `/webhook-subscriptions` and `/webhook-deliveries` (needs
`webhooks:manage`; a key sees its own). To check a delivery's signature, see `strategy_client.webhooks.verify`."""

from collections.abc import AsyncIterator
from typing import Any, Unpack

from strategy_client import models
from strategy_client._async._core import AsyncResource, paginate, payload
from strategy_client._encoding import path
from strategy_client._pages import DeliveryFilters, SubscriptionFilters

SubscriptionRef = int | models.WebhookSubscriptionRead | models.WebhookSubscriptionCreated
DeliveryRef = int | models.WebhookDeliveryRead


def _id(item: object) -> str:
    """A subscription's or delivery's id, from the id itself or from a model read from the API."""
    return str(item) if isinstance(item, int | str) else str(getattr(item, "id"))  # noqa: B009


class AsyncWebhooks(AsyncResource):
    """Subscribe a URL to events, change, pause and resume it, rotate its secret, read its deliveries, replay one."""

    def url(self, subscription: SubscriptionRef) -> str:
        return path("webhook-subscriptions", _id(subscription))

    async def create(
        self, url: str, event_types: list[str], *, description: str | None = None, **fields: Any
    ) -> models.WebhookSubscriptionCreated:
        """A new subscription; its `secret` is in this answer only: keep it to verify deliveries."""
        body = {"url": url, "event_types": event_types, **({"description": description} if description else {})}
        return await self._http.send(
            "POST", path("webhook-subscriptions"), models.WebhookSubscriptionCreated, json=body | fields
        )

    async def get(self, subscription: SubscriptionRef) -> models.WebhookSubscriptionRead:
        return await self._http.get(self.url(subscription), models.WebhookSubscriptionRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[SubscriptionFilters]
    ) -> models.PageWebhookSubscriptionRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("webhook-subscriptions"), models.PageWebhookSubscriptionRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[SubscriptionFilters]
    ) -> AsyncIterator[models.WebhookSubscriptionRead]:
        """This key's subscriptions (status="paused": those paused after failing, with the reason)."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    async def update(
        self,
        subscription: SubscriptionRef,
        changes: models.WebhookSubscriptionUpdate | dict[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **fields: Any,
    ) -> models.WebhookSubscriptionRead:
        """Change it (status="active" resumes a paused one); If-Match from the subscription as read, or read now."""
        url = self.url(subscription)
        etag = await self._http.if_match(url, subscription, if_match)
        return await self._http.send(
            "PATCH", url, models.WebhookSubscriptionRead, json=payload(changes, fields), if_match=etag
        )

    async def rotate_secret(
        self, subscription: SubscriptionRef, *, previous_valid_for: int = 86400, if_match: str | None = None
    ) -> models.WebhookSubscriptionCreated:
        """A new secret (in this answer only); the old one signs beside it for ``previous_valid_for`` seconds."""
        url = self.url(subscription)
        etag = await self._http.if_match(url, subscription, if_match)
        body = {"previous_valid_for": previous_valid_for}
        return await self._http.send(
            "POST", f"{url}/secret-rotations", models.WebhookSubscriptionCreated, json=body, if_match=etag
        )

    async def ping(self, subscription: SubscriptionRef) -> models.WebhookDeliveryRead:
        """Send a `webhook.ping` event to this subscription alone."""
        return await self._http.send("POST", f"{self.url(subscription)}/pings", models.WebhookDeliveryRead)

    async def deliveries_page(
        self, subscription: SubscriptionRef, *, page: int = 1, limit: int = 50, **filters: Unpack[DeliveryFilters]
    ) -> models.PageWebhookDeliveryRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(f"{self.url(subscription)}/deliveries", models.PageWebhookDeliveryRead, params)

    def deliveries(
        self, subscription: SubscriptionRef, *, page_size: int = 100, **filters: Unpack[DeliveryFilters]
    ) -> AsyncIterator[models.WebhookDeliveryRead]:
        """A subscription's deliveries, newest first, each with its event and attempts."""
        return paginate(
            lambda page, limit: self.deliveries_page(subscription, page=page, limit=limit, **filters), page_size
        )

    async def delivery(self, delivery: DeliveryRef) -> models.WebhookDeliveryRead:
        return await self._http.get(path("webhook-deliveries", _id(delivery)), models.WebhookDeliveryRead)

    async def replay(self, delivery: DeliveryRef) -> models.WebhookDeliveryRead:
        """Send a delivery's event again (same webhook-id) as a new delivery."""
        url = path("webhook-deliveries", _id(delivery), "replays")
        return await self._http.send("POST", url, models.WebhookDeliveryRead)
