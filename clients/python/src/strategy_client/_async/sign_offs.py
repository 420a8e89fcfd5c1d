"""The approvers' queue: `/sign-offs` (figures awaiting sign-off, approved or returned)."""

from collections.abc import AsyncIterator
from typing import Unpack

from strategy_client import models
from strategy_client._async._core import AsyncResource, paginate
from strategy_client._encoding import path
from strategy_client._pages import SignOffFilters


class AsyncSignOffs(AsyncResource):
    """The latest revision of each of the council's own figures, by where it stands at sign-off (deciding is
    `kpis.values.sign_off`)."""

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[SignOffFilters]
    ) -> models.PageSignOffItem:
        return await self._http.get(
            path("sign-offs"), models.PageSignOffItem, {**filters, "page": page, "limit": limit}
        )

    def list(self, *, page_size: int = 100, **filters: Unpack[SignOffFilters]) -> AsyncIterator[models.SignOffItem]:
        """Every figure awaiting sign-off (or state="approved" / "returned"), oldest first; owner="AD Schools" ..."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
