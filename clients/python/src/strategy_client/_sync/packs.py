# Generated from _async/packs.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Governance packs: the report for a body's meeting, live or as issued."""

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any, Literal, overload

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._model import Model
from strategy_client._sync._core import Resource, key_of, parse, payload

BodyRef = str | models.GovernanceBodyRead
Format = Literal["json", "csv", "html", "pdf", "xlsx"]
MEDIA_TYPES: dict[Format, str] = {
    "json": "application/json",
    "csv": "text/csv",
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Packs(Resource):
    """`/governance-bodies/{key}/pack` (live), `/governance-bodies/{key}/packs` (issued) and `/packs/{id}`."""

    @overload
    def get(
        self,
        body: BodyRef,
        *,
        period: str | None = ...,
        as_at: date | str | None = ...,
        known_at: datetime | str | None = ...,
        format: Literal["json"] = ...,
    ) -> models.Pack: ...
    @overload
    def get(
        self,
        body: BodyRef,
        *,
        period: str | None = ...,
        as_at: date | str | None = ...,
        known_at: datetime | str | None = ...,
        format: Literal["csv", "html"],
    ) -> str: ...
    @overload
    def get(
        self,
        body: BodyRef,
        *,
        period: str | None = ...,
        as_at: date | str | None = ...,
        known_at: datetime | str | None = ...,
        format: Literal["pdf", "xlsx"],
    ) -> bytes: ...
    def get(
        self,
        body: BodyRef,
        *,
        period: str | None = None,
        as_at: date | str | None = None,
        known_at: datetime | str | None = None,
        format: Format = "json",
    ) -> models.Pack | str | bytes:
        """The pack as at a date (default: the period's end, or today if earlier), from the data as known at a
        moment (default: now): a model for json, the text for csv and html (printable), the file's bytes for pdf
        (A4) and xlsx (an Excel workbook)."""
        params = {"period": period, "as_at": as_at, "known_at": known_at, "format": format}
        return self._fetch(path("governance-bodies", key_of(body), "pack"), params, format)

    def issue(
        self, body: BodyRef, data: Model | None = None, /, *, idempotency_key: str | None = None, **fields: Any
    ) -> models.IssuedPackRead:
        """Issue the pack for a meeting (``meeting_date``, ``period``, ``as_at``, ``known_at``): stored as shown,
        never changed."""
        url = path("governance-bodies", key_of(body), "packs")
        return self._http.send(
            "POST", url, models.IssuedPackRead, json=payload(data, fields), idempotency_key=idempotency_key
        )

    def list_issued_page(self, body: BodyRef, *, updated_since: str | None = None) -> models.PageIssuedPackRead:
        url = path("governance-bodies", key_of(body), "packs")
        return self._http.get(url, models.PageIssuedPackRead, {"updated_since": updated_since})

    def list_issued(self, body: BodyRef, *, updated_since: str | None = None) -> Iterator[models.IssuedPackRead]:
        """The packs issued for a body (one page: the API does not page them)."""
        for issued in (self.list_issued_page(body, updated_since=updated_since)).items:
            yield issued

    @overload
    def get_issued(self, pack_id: int, *, format: Literal["json"] = "json") -> models.Pack: ...
    @overload
    def get_issued(self, pack_id: int, *, format: Literal["csv", "html"]) -> str: ...
    @overload
    def get_issued(self, pack_id: int, *, format: Literal["pdf", "xlsx"]) -> bytes: ...
    def get_issued(self, pack_id: int, *, format: Format = "json") -> models.Pack | str | bytes:
        """An issued pack exactly as issued (a pack issued before PDF and xlsx were offered has neither: NotFound)."""
        return self._fetch(path("packs", pack_id), {"format": format}, format)

    def _fetch(self, url: str, params: Mapping[str, object], format: Format) -> models.Pack | str | bytes:
        response = self._http.request("GET", url, params=params, headers={"Accept": MEDIA_TYPES[format]})
        if format == "json":
            return parse(response, models.Pack)
        return response.content if format in ("pdf", "xlsx") else response.text
