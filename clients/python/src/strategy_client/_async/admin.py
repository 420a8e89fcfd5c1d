"""API keys, the audit trail, the change feed, the data-quality report and health."""

from collections.abc import AsyncIterator, Sequence
from typing import Any, Unpack

from strategy_client import models
from strategy_client._async._core import AsyncResource, key_of, paginate, payload
from strategy_client._encoding import path
from strategy_client._model import Model
from strategy_client._pages import ApiKeyFilters, AuditFilters

KeyRef = str | models.ApiKeyRead | models.ApiKeyCreated


class AsyncApiKeys(AsyncResource):
    """`/api/v1/api-keys` (admin scope, but `current`)."""

    async def create(
        self,
        data: Model | None = None,
        /,
        *,
        name: str | None = None,
        scopes: Sequence[str] | None = None,
        kpis: Sequence[str] | None = None,
        owners: Sequence[str] | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.ApiKeyCreated:
        """Mint a key; the answer's `key` is the bearer token, shown this once (a replayed retry shows it as None).
        ``kpis`` and ``owners`` limit it to those KPI codes and owner codes."""
        named = {"name": name, "scopes": scopes, "kpi_codes": kpis, "owner_codes": owners}
        body = payload(data, {**{k: v for k, v in named.items() if v is not None}, **fields})
        return await self._http.send(
            "POST", path("api-keys"), models.ApiKeyCreated, json=body, idempotency_key=idempotency_key
        )

    async def get(self, key: KeyRef) -> models.ApiKeyRead:
        return await self._http.get(path("api-keys", key_of(key, "id")), models.ApiKeyRead)

    async def current(self) -> models.CurrentKey:
        """The calling key's own scopes and limits."""
        return await self._http.get(path("api-keys", "current"), models.CurrentKey)

    async def revoke(self, key: KeyRef, *, if_match: str | None = None) -> models.ApiKeyRead:
        """Revoke a key at once (its record stays, for the audit trail)."""
        url = path("api-keys", key_of(key, "id"))
        return await self._http.send("DELETE", url, models.ApiKeyRead, if_match=if_match)

    async def list_page(self, **filters: Unpack[ApiKeyFilters]) -> models.PageApiKeyRead:
        """Every key (one page: the API does not page them)."""
        return await self._http.get(path("api-keys"), models.PageApiKeyRead, filters)

    async def list(self, **filters: Unpack[ApiKeyFilters]) -> AsyncIterator[models.ApiKeyRead]:
        for key in (await self.list_page(**filters)).items:
            yield key


class AsyncAudit(AsyncResource):
    """`/api/v1/audit`: every write, newest first, with the fields before and after."""

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[AuditFilters]
    ) -> models.PageAuditEventRead:
        return await self._http.get(path("audit"), models.PageAuditEventRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[AuditFilters]) -> AsyncIterator[models.AuditEventRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class AsyncEvents(AsyncResource):
    """`/api/v1/events`: the change feed, in commit order; keep the last cursor and resume after it."""

    async def get(self, *, after: str | int = 0, limit: int = 100) -> models.ChangeFeed:
        """One batch of changes after the cursor."""
        return await self._http.get(path("events"), models.ChangeFeed, {"after": after, "limit": limit})

    async def list(self, *, after: str | int = 0, batch_size: int = 100) -> AsyncIterator[models.ChangeEvent]:
        """Every change after the cursor up to now, batch after batch."""
        cursor = str(after)
        while True:
            feed = await self.get(after=cursor, limit=batch_size)
            for event in feed.events:
                yield event
            if not feed.has_more:
                return
            cursor = feed.next_cursor


class AsyncDataQuality(AsyncResource):
    """`/api/v1/data-quality`: what the strategy document gets wrong or leaves out."""

    async def get(
        self, *, check: str | None = None, severity: str | None = None, resource: str | None = None
    ) -> models.QualityReport:
        params = {"check": check, "severity": severity, "resource": resource}
        return await self._http.get(path("data-quality"), models.QualityReport, params)


class AsyncHealth(AsyncResource):
    """`/healthz` (the process answers) and `/readyz` (the database answers too); no key needed."""

    async def get(self) -> models.Health:
        return await self._http.get("/healthz", models.Health)

    async def ready(self) -> models.Readiness:
        return await self._http.get("/readyz", models.Readiness)
