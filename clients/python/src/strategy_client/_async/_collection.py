"""Versioned items (actions, projects, owners, KPIs, routing rules ...): read, create, change and archive, with the
ETag carried from the read to the write."""

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from strategy_client._async._core import AsyncResource, key_of, payload
from strategy_client._encoding import path
from strategy_client._model import Model

DetailT = TypeVar("DetailT", bound=Model)
Changes = Model | Mapping[str, Any] | None


class AsyncCollection(AsyncResource, Generic[DetailT]):
    """`/api/v1/<name>` and `/api/v1/<name>/{key}`: subclasses name the collection and the item's model."""

    name: ClassVar[str]
    detail: type[DetailT]
    key_field: ClassVar[str] = "key"

    def url(self, item: str | Model) -> str:
        return path(self.name, key_of(item, self.key_field))

    async def _get(self, item: str | Model, **params: object) -> DetailT:
        return await self._http.get(self.url(item), self.detail, params)

    async def update(
        self, item: str | Model, changes: Changes = None, /, *, if_match: str | None = None, **fields: Any
    ) -> DetailT:
        """Change the fields given. If-Match: ``if_match``, else the ETag ``item`` was read with, else the last one
        this client saw, else the item is read first."""
        url = self.url(item)
        etag = await self._http.if_match(url, item, if_match)
        return await self._http.send("PATCH", url, self.detail, json=payload(changes, fields), if_match=etag)


class AsyncCreatable(AsyncCollection[DetailT]):
    """A collection the API adds to with POST."""

    async def create(self, data: Changes = None, /, *, idempotency_key: str | None = None, **fields: Any) -> DetailT:
        """Create an item from a model, a mapping or keyword fields; retried safely under one Idempotency-Key."""
        return await self._http.send(
            "POST", path(self.name), self.detail, json=payload(data, fields), idempotency_key=idempotency_key
        )


class AsyncArchivable(AsyncCreatable[DetailT]):
    """A collection whose items are archived, never deleted (DELETE archives)."""

    async def archive(self, item: str | Model, *, if_match: str | None = None) -> DetailT:
        """Archive the item (it stays readable and in the audit trail); If-Match as for update."""
        url = self.url(item)
        etag = await self._http.if_match(url, item, if_match)
        return await self._http.send("DELETE", url, self.detail, if_match=etag)
