# Generated from _async/benchmarks.py by clients/python/scripts/generate.py (make clients): do not edit.
"""National benchmarking: DfE statistics imports, their mappings, and comparator groups."""

import json
from collections.abc import Iterator, Mapping
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import ComparatorGroupFilters
from strategy_client._sync._collection import Creatable
from strategy_client._sync._core import HTTP, Resource, key_of, paginate, parse

GroupRef = str | models.ComparatorGroupRead | models.ComparatorGroupDetail


class Imports(Resource):
    """`POST /api/v1/benchmarks/imports`: a DfE Explore Education Statistics file as one KPI's values."""

    def create(
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
            response = self._http.request(
                "POST",
                url,
                params=params,
                content=data,
                headers={"Content-Type": "text/csv"},
                idempotency_key=idempotency_key,
            )
        else:
            form = {} if isinstance(mapping, str) else {"mapping": json.dumps(dict(mapping))}
            response = self._http.request(
                "POST",
                url,
                params=params,
                files={"file": (filename or "statistics.csv", data, "text/csv")},
                data=form,
                idempotency_key=idempotency_key,
            )
        return parse(response, models.ImportResult)


class Mappings(Resource):
    """`/api/v1/benchmarks/mappings`: how each shipped DfE file becomes a KPI's values."""

    def get(self, name: str | models.MappingRead) -> models.MappingRead:
        return self._http.get(path("benchmarks", "mappings", key_of(name, "name")), models.MappingRead)

    def list_page(self, *, page: int = 1, limit: int = 50) -> models.PageMappingRead:
        params = {"page": page, "limit": limit}
        return self._http.get(path("benchmarks", "mappings"), models.PageMappingRead, params)

    def list(self, *, page_size: int = 100) -> Iterator[models.MappingRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit), page_size)


class Benchmarks:
    """National benchmarking: `imports` and `mappings` (a KPI's benchmark is `kpis.benchmark`)."""

    def __init__(self, http: HTTP) -> None:
        self.imports = Imports(http)
        self.mappings = Mappings(http)


class ComparatorGroups(Creatable[models.ComparatorGroupDetail]):
    """`/api/v1/comparator-groups`: built-in groups (England, region, statistical neighbours) and the council's own."""

    name = "comparator-groups"
    detail = models.ComparatorGroupDetail

    def get(self, group: GroupRef, *, scope: str | None = None) -> models.ComparatorGroupDetail:
        """A group's members, worked out for the borough or the local authority ``scope`` names."""
        return self._get(group, scope=scope)

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ComparatorGroupFilters]
    ) -> models.PageComparatorGroupRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path(self.name), models.PageComparatorGroupRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[ComparatorGroupFilters]
    ) -> Iterator[models.ComparatorGroupRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    def delete(self, group: GroupRef, *, if_match: str | None = None) -> None:
        """Delete one of the council's own groups (a built-in one: Conflict)."""
        url = self.url(group)
        etag = self._http.if_match(url, group, if_match)
        self._http.request("DELETE", url, headers={"If-Match": etag})
