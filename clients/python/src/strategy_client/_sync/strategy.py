# Generated from _async/strategy.py by clients/python/scripts/generate.py (make clients): do not edit.
"""The strategy as data: organisations, strategies, focus areas, and the scopes figures are about."""

from collections.abc import Iterator
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import Changed, FocusAreaFilters, ScopeFilters
from strategy_client._sync._core import Resource, key_of, paginate


class Organisations(Resource):
    """`/api/v1/organisations`"""

    def get(self, organisation: str | models.OrganisationRead) -> models.OrganisationRead:
        return self._http.get(path("organisations", key_of(organisation)), models.OrganisationRead)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]) -> models.PageOrganisationRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("organisations"), models.PageOrganisationRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> Iterator[models.OrganisationRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class Strategies(Resource):
    """`/api/v1/strategies`: vision, key outcome, objectives, principles and focus areas."""

    def get(self, strategy: str | models.StrategySummary) -> models.StrategyRead:
        return self._http.get(path("strategies", key_of(strategy)), models.StrategyRead)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]) -> models.PageStrategySummary:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("strategies"), models.PageStrategySummary, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> Iterator[models.StrategySummary]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class FocusAreas(Resource):
    """`/api/v1/focus-areas`: priorities, story, agenda, and the actions, projects and KPIs of each."""

    def get(self, focus_area: str | models.FocusAreaSummary) -> models.FocusAreaDetail:
        return self._http.get(path("focus-areas", key_of(focus_area)), models.FocusAreaDetail)

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[FocusAreaFilters]
    ) -> models.PageFocusAreaSummary:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("focus-areas"), models.PageFocusAreaSummary, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[FocusAreaFilters]) -> Iterator[models.FocusAreaSummary]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class Scopes(Resource):
    """`/api/v1/scopes`: the borough, teams, localities, England, regions and local authorities."""

    def get(self, scope: str | models.ScopeRead) -> models.ScopeRead:
        """A scope by key, GSS code, LA number or name."""
        return self._http.get(path("scopes", key_of(scope)), models.ScopeRead)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[ScopeFilters]) -> models.PageScopeRead:
        return self._http.get(path("scopes"), models.PageScopeRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ScopeFilters]) -> Iterator[models.ScopeRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
