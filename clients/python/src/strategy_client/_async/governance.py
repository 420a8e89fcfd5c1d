"""Routing of items to governance bodies, and the exception rules behind performance challenges."""

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncArchivable, AsyncCollection
from strategy_client._async._core import AsyncResource, paginate
from strategy_client._encoding import path
from strategy_client._pages import Changed


class AsyncRoutingRules(AsyncArchivable[models.RoutingRuleRead]):
    """`/api/v1/routing-rules`: which items go to which governance body's pack."""

    name = "routing-rules"
    detail = models.RoutingRuleRead

    async def get(self, rule: str | models.RoutingRuleRead) -> models.RoutingRuleRead:
        return await self._get(rule)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]
    ) -> models.PageRoutingRuleRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path(self.name), models.PageRoutingRuleRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> AsyncIterator[models.RoutingRuleRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncRouting(AsyncResource):
    """`/api/v1/routing`: where an item is reported, and what no rule routes."""

    async def resolve(self, item: str) -> models.Resolution:
        """The governance bodies an item is reported to, and by which rules: ``item`` is action:<key>,
        project:<key>, kpi:<code>, focus-area:<key> or exception:<item>."""
        return await self._http.get(path("routing", "resolve"), models.Resolution, {"item": item})

    async def unrouted(self) -> models.PageUnroutedItem:
        return await self._http.get(path("routing", "unrouted"), models.PageUnroutedItem)


class AsyncExceptionRules(AsyncCollection[models.ExceptionRuleRead]):
    """`/api/v1/exception-rules`: the performance-challenge rules (change thresholds; never created or archived)."""

    name = "exception-rules"
    detail = models.ExceptionRuleRead

    async def get(self, rule: str | models.ExceptionRuleRead) -> models.ExceptionRuleRead:
        return await self._get(rule)

    async def list_page(self, **filters: Unpack[Changed]) -> models.PageExceptionRuleRead:
        """Every rule (one page: the API does not page them)."""
        return await self._http.get(path(self.name), models.PageExceptionRuleRead, filters)

    async def list(self, **filters: Unpack[Changed]) -> AsyncIterator[models.ExceptionRuleRead]:
        for rule in (await self.list_page(**filters)).items:
            yield rule


class AsyncPerformanceExceptions(AsyncResource):
    """`/api/v1/performance-exceptions`: what the exception rules raise now (or as of a date)."""

    async def list_page(
        self, *, as_at: date | str | None = None, known_at: datetime | str | None = None
    ) -> models.PageExceptionRead:
        """Exceptions judged as at a date (default today) from the data as known at a moment (default now)."""
        params = {"as_at": as_at, "known_at": known_at}
        return await self._http.get(path("performance-exceptions"), models.PageExceptionRead, params)

    async def list(
        self, *, as_at: date | str | None = None, known_at: datetime | str | None = None
    ) -> AsyncIterator[models.ExceptionRead]:
        for found in (await self.list_page(as_at=as_at, known_at=known_at)).items:
            yield found
