"""Business improvement actions and their progress updates."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any, Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncArchivable
from strategy_client._async._core import AsyncHTTP, AsyncResource, key_of, paginate, payload
from strategy_client._encoding import path
from strategy_client._model import Model
from strategy_client._pages import ActionFilters, Changed

ActionRef = str | models.ActionRead | models.ActionDetail


class AsyncProgressUpdates(AsyncResource):
    """`/{collection}/{key}/updates`: progress reports (status, RAG, percent complete, commentary), append-only."""

    def __init__(self, http: AsyncHTTP, collection: str) -> None:
        super().__init__(http)
        self._collection = collection

    async def create(
        self, item: str | Model, data: Model | None = None, /, *, idempotency_key: str | None = None, **fields: Any
    ) -> models.ProgressRead:
        """Report progress (``status`` and ``as_of`` are required; ``as_of`` defaults to today)."""
        body = payload(data, fields)
        body.setdefault("as_of", date.today().isoformat())
        item_url = path(self._collection, key_of(item))
        return await self._http.send(
            "POST",
            f"{item_url}/updates",
            models.ProgressRead,
            json=body,
            idempotency_key=idempotency_key,
            item_url=item_url,
        )

    async def list_page(self, item: str | Model, **filters: Unpack[Changed]) -> models.PageProgressRead:
        """Every progress update, newest first (one page: the API does not page them)."""
        url = path(self._collection, key_of(item), "updates")
        return await self._http.get(url, models.PageProgressRead, filters)

    async def list(self, item: str | Model, **filters: Unpack[Changed]) -> AsyncIterator[models.ProgressRead]:
        for update in (await self.list_page(item, **filters)).items:
            yield update


class AsyncActions(AsyncArchivable[models.ActionDetail]):
    """`/api/v1/actions`: business improvement actions, reported to CSMT."""

    name = "actions"
    detail = models.ActionDetail

    def __init__(self, http: AsyncHTTP) -> None:
        super().__init__(http)
        self.updates = AsyncProgressUpdates(http, self.name)

    async def get(self, action: ActionRef, *, as_of: date | str | None = None) -> models.ActionDetail:
        """One action with its milestones; the model carries its ETag."""
        return await self._get(action, as_of=as_of)

    async def revisions(self, action: ActionRef) -> models.PageActionPlanRevision:
        """Every revision of the action's plan, newest first, with who recorded it and when."""
        url = path(self.name, key_of(action), "revisions")
        return await self._http.get(url, models.PageActionPlanRevision, {})

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ActionFilters]
    ) -> models.PageActionRead:
        return await self._http.get(path(self.name), models.PageActionRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ActionFilters]) -> AsyncIterator[models.ActionRead]:
        """Every action matching the filters, page after page."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
