# Generated from _async/admin.py by clients/python/scripts/generate.py (make clients): do not edit.
"""API keys, the audit trail, the change feed, the data-quality report and health."""

from collections.abc import Iterator, Sequence
from typing import Any, Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._model import Model
from strategy_client._pages import ApiKeyFilters, AuditFilters
from strategy_client._sync._core import Resource, key_of, paginate, payload

KeyRef = str | models.ApiKeyRead | models.ApiKeyCreated


class ApiKeys(Resource):
    """`/api/v1/api-keys` (admin scope, but `current`)."""

    def create(
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
        return self._http.send(
            "POST", path("api-keys"), models.ApiKeyCreated, json=body, idempotency_key=idempotency_key
        )

    def get(self, key: KeyRef) -> models.ApiKeyRead:
        return self._http.get(path("api-keys", key_of(key, "id")), models.ApiKeyRead)

    def current(self) -> models.CurrentKey:
        """The calling key's own scopes and limits."""
        return self._http.get(path("api-keys", "current"), models.CurrentKey)

    def revoke(self, key: KeyRef, *, if_match: str | None = None) -> models.ApiKeyRead:
        """Revoke a key at once (its record stays, for the audit trail)."""
        url = path("api-keys", key_of(key, "id"))
        return self._http.send("DELETE", url, models.ApiKeyRead, if_match=if_match)

    def list_page(self, **filters: Unpack[ApiKeyFilters]) -> models.PageApiKeyRead:
        """Every key (one page: the API does not page them)."""
        return self._http.get(path("api-keys"), models.PageApiKeyRead, filters)

    def list(self, **filters: Unpack[ApiKeyFilters]) -> Iterator[models.ApiKeyRead]:
        for key in (self.list_page(**filters)).items:
            yield key


class Audit(Resource):
    """`/api/v1/audit`: every write, newest first, with the fields before and after."""

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[AuditFilters]
    ) -> models.PageAuditEventRead:
        return self._http.get(path("audit"), models.PageAuditEventRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[AuditFilters]) -> Iterator[models.AuditEventRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)


class Events(Resource):
    """`/api/v1/events`: the change feed, in commit order; keep the last cursor and resume after it."""

    def get(self, *, after: str | int = 0, limit: int = 100) -> models.ChangeFeed:
        """One batch of changes after the cursor."""
        return self._http.get(path("events"), models.ChangeFeed, {"after": after, "limit": limit})

    def list(self, *, after: str | int = 0, batch_size: int = 100) -> Iterator[models.ChangeEvent]:
        """Every change after the cursor up to now, batch after batch."""
        cursor = str(after)
        while True:
            feed = self.get(after=cursor, limit=batch_size)
            for event in feed.events:
                yield event
            if not feed.has_more:
                return
            cursor = feed.next_cursor


class DataQuality(Resource):
    """`/api/v1/data-quality`: what the strategy document gets wrong or leaves out."""

    def get(
        self, *, check: str | None = None, severity: str | None = None, resource: str | None = None
    ) -> models.QualityReport:
        params = {"check": check, "severity": severity, "resource": resource}
        return self._http.get(path("data-quality"), models.QualityReport, params)


class Health(Resource):
    """`/healthz` (the process answers) and `/readyz` (the database answers too); no key needed."""

    def get(self) -> models.Health:
        return self._http.get("/healthz", models.Health)

    def ready(self) -> models.Readiness:
        return self._http.get("/readyz", models.Readiness)
