# Generated from _async/sign_offs.py by clients/python/scripts/generate.py (make clients): do not edit.
"""The approvers' queue: `/sign-offs` (figures awaiting sign-off, approved or returned)."""

from collections.abc import Iterator
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import SignOffFilters
from strategy_client._sync._core import Resource, paginate


class SignOffs(Resource):
    """The latest revision of each of the council's own figures, by where it stands at sign-off (deciding is
    `kpis.values.sign_off`)."""

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[SignOffFilters]) -> models.PageSignOffItem:
        return self._http.get(path("sign-offs"), models.PageSignOffItem, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[SignOffFilters]) -> Iterator[models.SignOffItem]:
        """Every figure awaiting sign-off (or state="approved" / "returned"), oldest first; owner="AD Schools" ..."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
