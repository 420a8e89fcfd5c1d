"""Owners (assistant directors, teams, partnerships), teams and localities, and governance bodies."""

from collections.abc import AsyncIterator
from typing import Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncArchivable, AsyncCreatable
from strategy_client._async._core import AsyncResource, key_of, paginate
from strategy_client._encoding import path
from strategy_client._pages import GovernanceBodyFilters, OwnerFilters, TeamFilters


class AsyncOwners(AsyncArchivable[models.OwnerDetail]):
    """`/api/v1/owners`"""

    name = "owners"
    detail = models.OwnerDetail

    async def get(self, owner: str | models.OwnerRead | models.OwnerDetail) -> models.OwnerDetail:
        return await self._get(owner)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[OwnerFilters]
    ) -> models.PageOwnerRead:
        return await self._http.get(path(self.name), models.PageOwnerRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[OwnerFilters]) -> AsyncIterator[models.OwnerRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncTeams(AsyncCreatable[models.TeamRead]):
    """`/api/v1/teams`: teams and localities, whose keys are scopes that figures are filed under."""

    name = "teams"
    detail = models.TeamRead

    async def get(self, team: str | models.TeamRead) -> models.TeamRead:
        return await self._get(team)

    async def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[TeamFilters]) -> models.PageTeamRead:
        return await self._http.get(path(self.name), models.PageTeamRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[TeamFilters]) -> AsyncIterator[models.TeamRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncGovernanceBodies(AsyncResource):
    """`/api/v1/governance-bodies` (CSMT, the Children's Programme Board ...); written by the seed."""

    async def get(self, body: str | models.GovernanceBodyRead) -> models.GovernanceBodyRead:
        return await self._http.get(path("governance-bodies", key_of(body)), models.GovernanceBodyRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[GovernanceBodyFilters]
    ) -> models.PageGovernanceBodyRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("governance-bodies"), models.PageGovernanceBodyRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[GovernanceBodyFilters]
    ) -> AsyncIterator[models.GovernanceBodyRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
