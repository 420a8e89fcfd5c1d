"""Owners (assistant directors, teams, partnerships) and governance bodies."""

from collections.abc import AsyncIterator
from typing import Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncArchivable
from strategy_client._async._core import AsyncResource, key_of, paginate
from strategy_client._encoding import path
from strategy_client._pages import GovernanceBodyFilters, OwnerFilters


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
