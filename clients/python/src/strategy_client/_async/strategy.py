"""The strategy as data: organisations, strategies, focus areas, and the scopes figures are about."""

from collections.abc import AsyncIterator
from typing import Unpack

from strategy_client import models
from strategy_client._async._core import AsyncResource, key_of, paginate
from strategy_client._encoding import path
from strategy_client._pages import Changed, FocusAreaFilters, ScopeFilters


class AsyncOrganisations(AsyncResource):
    """`/api/v1/organisations`"""

    async def get(self, organisation: str | models.OrganisationRead) -> models.OrganisationRead:
        return await self._http.get(path("organisations", key_of(organisation)), models.OrganisationRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]
    ) -> models.PageOrganisationRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("organisations"), models.PageOrganisationRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> AsyncIterator[models.OrganisationRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncStrategies(AsyncResource):
    """`/api/v1/strategies`: vision, key outcome, objectives, principles and focus areas."""

    async def get(self, strategy: str | models.StrategySummary) -> models.StrategyRead:
        return await self._http.get(path("strategies", key_of(strategy)), models.StrategyRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]
    ) -> models.PageStrategySummary:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("strategies"), models.PageStrategySummary, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> AsyncIterator[models.StrategySummary]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncFocusAreas(AsyncResource):
    """`/api/v1/focus-areas`: priorities, story, agenda, and the actions, projects and KPIs of each."""

    async def get(self, focus_area: str | models.FocusAreaSummary) -> models.FocusAreaDetail:
        return await self._http.get(path("focus-areas", key_of(focus_area)), models.FocusAreaDetail)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[FocusAreaFilters]
    ) -> models.PageFocusAreaSummary:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("focus-areas"), models.PageFocusAreaSummary, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[FocusAreaFilters]
    ) -> AsyncIterator[models.FocusAreaSummary]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncScopes(AsyncResource):
    """`/api/v1/scopes`: the borough, teams, localities, England, regions and local authorities."""

    async def get(self, scope: str | models.ScopeRead) -> models.ScopeRead:
        """A scope by key, GSS code, LA number or name."""
        return await self._http.get(path("scopes", key_of(scope)), models.ScopeRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ScopeFilters]
    ) -> models.PageScopeRead:
        return await self._http.get(path("scopes"), models.PageScopeRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ScopeFilters]) -> AsyncIterator[models.ScopeRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
