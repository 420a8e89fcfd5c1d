# Generated from _async/governance.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Routing of items to governance bodies, and the exception rules behind performance challenges."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import Changed
from strategy_client._sync._collection import Archivable, Collection
from strategy_client._sync._core import Resource, paginate


class RoutingRules(Archivable[models.RoutingRuleRead]):
    """`/api/v1/routing-rules`: which items go to which governance body's pack."""

    name = "routing-rules"
    detail = models.RoutingRuleRead

    def get(self, rule: str | models.RoutingRuleRead) -> models.RoutingRuleRead:
        return self._get(rule)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]) -> models.PageRoutingRuleRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path(self.name), models.PageRoutingRuleRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> Iterator[models.RoutingRuleRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class Routing(Resource):
    """`/api/v1/routing`: where an item is reported, and what no rule routes."""

    def resolve(self, item: str) -> models.Resolution:
        """The governance bodies an item is reported to, and by which rules: ``item`` is action:<key>,
        project:<key>, kpi:<code>, focus-area:<key> or exception:<item>."""
        return self._http.get(path("routing", "resolve"), models.Resolution, {"item": item})

    def unrouted(self) -> models.PageUnroutedItem:
        return self._http.get(path("routing", "unrouted"), models.PageUnroutedItem)


class ExceptionRules(Collection[models.ExceptionRuleRead]):
    """`/api/v1/exception-rules`: the performance-challenge rules (change thresholds; never created or archived)."""

    name = "exception-rules"
    detail = models.ExceptionRuleRead

    def get(self, rule: str | models.ExceptionRuleRead) -> models.ExceptionRuleRead:
        return self._get(rule)

    def list_page(self, **filters: Unpack[Changed]) -> models.PageExceptionRuleRead:
        """Every rule (one page: the API does not page them)."""
        return self._http.get(path(self.name), models.PageExceptionRuleRead, filters)

    def list(self, **filters: Unpack[Changed]) -> Iterator[models.ExceptionRuleRead]:
        for rule in (self.list_page(**filters)).items:
            yield rule


class PerformanceExceptions(Resource):
    """`/api/v1/performance-exceptions`: what the exception rules raise now (or as of a date)."""

    def list_page(
        self, *, as_at: date | str | None = None, known_at: datetime | str | None = None
    ) -> models.PageExceptionRead:
        """Exceptions judged as at a date (default today) from the data as known at a moment (default now)."""
        params = {"as_at": as_at, "known_at": known_at}
        return self._http.get(path("performance-exceptions"), models.PageExceptionRead, params)

    def list(
        self, *, as_at: date | str | None = None, known_at: datetime | str | None = None
    ) -> Iterator[models.ExceptionRead]:
        for found in (self.list_page(as_at=as_at, known_at=known_at)).items:
            yield found
