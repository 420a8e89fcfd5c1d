# Generated from _async/owners.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Owners (assistant directors, teams, partnerships), teams and localities, and governance bodies."""

from collections.abc import Iterator
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import GovernanceBodyFilters, OwnerFilters, TeamFilters
from strategy_client._sync._collection import Archivable, Creatable
from strategy_client._sync._core import Resource, key_of, paginate


class Owners(Archivable[models.OwnerDetail]):
    """`/api/v1/owners`"""

    name = "owners"
    detail = models.OwnerDetail

    def get(self, owner: str | models.OwnerRead | models.OwnerDetail) -> models.OwnerDetail:
        return self._get(owner)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[OwnerFilters]) -> models.PageOwnerRead:
        return self._http.get(path(self.name), models.PageOwnerRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[OwnerFilters]) -> Iterator[models.OwnerRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class Teams(Creatable[models.TeamRead]):
    """`/api/v1/teams`: teams and localities, whose keys are scopes that figures are filed under."""

    name = "teams"
    detail = models.TeamRead

    def get(self, team: str | models.TeamRead) -> models.TeamRead:
        return self._get(team)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[TeamFilters]) -> models.PageTeamRead:
        return self._http.get(path(self.name), models.PageTeamRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[TeamFilters]) -> Iterator[models.TeamRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class GovernanceBodies(Resource):
    """`/api/v1/governance-bodies` (CSMT, the Children's Programme Board ...); written by the seed."""

    def get(self, body: str | models.GovernanceBodyRead) -> models.GovernanceBodyRead:
        return self._http.get(path("governance-bodies", key_of(body)), models.GovernanceBodyRead)

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[GovernanceBodyFilters]
    ) -> models.PageGovernanceBodyRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("governance-bodies"), models.PageGovernanceBodyRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[GovernanceBodyFilters]
    ) -> Iterator[models.GovernanceBodyRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
