"""National benchmarking: DfE statistics imports, their mappings, and comparator groups."""

import json
from collections.abc import AsyncIterator, Mapping
from typing import Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncCreatable
from strategy_client._async._core import AsyncHTTP, AsyncResource, key_of, paginate, parse
from strategy_client._encoding import path
from strategy_client._pages import ComparatorGroupFilters

GroupRef = str | models.ComparatorGroupRead | models.ComparatorGroupDetail


class AsyncImports(AsyncResource):
    """`POST /api/v1/benchmarks/imports`: a DfE Explore Education Statistics file as one KPI's values."""

    async def create(
        self,
        content: bytes | str,
        *,
        mapping: str | Mapping[str, object],
        dry_run: bool = False,
        overwrite_local: bool = False,
        filename: str | None = None,
        idempotency_key: str | None = None,
    ) -> models.ImportResult:
        """Import the file through a shipped mapping (its name) or an inline one (a mapping of the same shape as
        `mappings.get`, without `name`). Sent as text/csv, or as a form upload when a filename or an inline mapping
        is given."""
        data = content.encode() if isinstance(content, str) else content
        params: dict[str, object] = {"dry_run": dry_run, "overwrite_local": overwrite_local}
        url = path("benchmarks", "imports")
        if isinstance(mapping, str):
            params["mapping"] = mapping
        if isinstance(mapping, str) and filename is None:
            response = await self._http.request(
                "POST",
                url,
                params=params,
                content=data,
                headers={"Content-Type": "text/csv"},
                idempotency_key=idempotency_key,
            )
        else:
            form = {} if isinstance(mapping, str) else {"mapping": json.dumps(dict(mapping))}
            response = await self._http.request(
                "POST",
                url,
                params=params,
                files={"file": (filename or "statistics.csv", data, "text/csv")},
                data=form,
                idempotency_key=idempotency_key,
            )
        return parse(response, models.ImportResult)


class AsyncMappings(AsyncResource):
    """`/api/v1/benchmarks/mappings`: how each shipped DfE file becomes a KPI's values."""

    async def get(self, name: str | models.MappingRead) -> models.MappingRead:
        return await self._http.get(path("benchmarks", "mappings", key_of(name, "name")), models.MappingRead)

    async def list_page(self, *, page: int = 1, limit: int = 50) -> models.PageMappingRead:
        params = {"page": page, "limit": limit}
        return await self._http.get(path("benchmarks", "mappings"), models.PageMappingRead, params)

    def list(self, *, page_size: int = 100) -> AsyncIterator[models.MappingRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit), page_size)


class AsyncBenchmarks:
    """National benchmarking: `imports` and `mappings` (a KPI's benchmark is `kpis.benchmark`)."""

    def __init__(self, http: AsyncHTTP) -> None:
        self.imports = AsyncImports(http)
        self.mappings = AsyncMappings(http)


class AsyncComparatorGroups(AsyncCreatable[models.ComparatorGroupDetail]):
    """`/api/v1/comparator-groups`: built-in groups (England, region, statistical neighbours) and the council's own."""

    name = "comparator-groups"
    detail = models.ComparatorGroupDetail

    async def get(self, group: GroupRef, *, scope: str | None = None) -> models.ComparatorGroupDetail:
        """A group's members, worked out for the borough or the local authority ``scope`` names."""
        return await self._get(group, scope=scope)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ComparatorGroupFilters]
    ) -> models.PageComparatorGroupRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path(self.name), models.PageComparatorGroupRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[ComparatorGroupFilters]
    ) -> AsyncIterator[models.ComparatorGroupRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    async def delete(self, group: GroupRef, *, if_match: str | None = None) -> None:
        """Delete one of the council's own groups (a built-in one: Conflict)."""
        url = self.url(group)
        etag = await self._http.if_match(url, group, if_match)
        await self._http.request("DELETE", url, headers={"If-Match": etag})
