# Generated from _async/kpis.py by clients/python/scripts/generate.py (make clients): do not edit.
"""KPIs: definitions, targets, values, status and benchmark; the scorecard; national indicators."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Unpack

from strategy_client import models
from strategy_client._encoding import idempotency_key as new_idempotency_key
from strategy_client._encoding import path, segment
from strategy_client._encoding import period as period_code
from strategy_client._model import Model
from strategy_client._pages import Changed, KpiFilters, NationalIndicatorFilters, ValueFilters
from strategy_client._sync._collection import Archivable
from strategy_client._sync._core import HTTP, Resource, key_of, paginate, parse, payload

KpiRef = str | models.KpiRead | models.KpiDetail
Number = int | float | Decimal | str


class Targets(Resource):
    """`/kpis/{code}/targets/{period}`: a target per period; each change moves the KPI's version on, so each needs
    the KPI's ETag (carried from the KPI read, or read first)."""

    def put(
        self, kpi: KpiRef, period: str, data: Model | None = None, /, *, if_match: str | None = None, **fields: Any
    ) -> models.KpiDetail:
        item_url = path("kpis", key_of(kpi, "code"))
        etag = self._http.if_match(item_url, kpi, if_match)
        url = f"{item_url}/targets/{segment(period_code(period))}"
        return self._http.send(
            "PUT", url, models.KpiDetail, json=payload(data, fields), if_match=etag, item_url=item_url
        )

    def delete(self, kpi: KpiRef, period: str, *, if_match: str | None = None) -> models.KpiDetail:
        item_url = path("kpis", key_of(kpi, "code"))
        etag = self._http.if_match(item_url, kpi, if_match)
        url = f"{item_url}/targets/{segment(period_code(period))}"
        return self._http.send("DELETE", url, models.KpiDetail, if_match=etag, item_url=item_url)


class Values(Resource):
    """`/kpis/{code}/values`: figures by period and scope, every correction kept as a revision."""

    def list_page(
        self, kpi: KpiRef, *, page: int = 1, limit: int = 50, **filters: Unpack[ValueFilters]
    ) -> models.PageKpiValueSigned:
        url = path("kpis", key_of(kpi, "code"), "values")
        return self._http.get(url, models.PageKpiValueSigned, {**filters, "page": page, "limit": limit})

    def list(
        self, kpi: KpiRef, *, page_size: int = 100, **filters: Unpack[ValueFilters]
    ) -> Iterator[models.KpiValueSigned]:
        return paginate(lambda page, limit: self.list_page(kpi, page=page, limit=limit, **filters), page_size)

    def get(self, kpi: KpiRef, period: str, *, scope: str | None = None) -> models.KpiValueSigned:
        """The latest revision for the period and scope (the borough by default), with where it stands at sign-off;
        its ETag is the revision."""
        url = path("kpis", key_of(kpi, "code"), "values", period_code(period))
        return self._http.get(url, models.KpiValueSigned, {"scope": scope})

    def sign_off(
        self,
        kpi: KpiRef,
        period: str,
        revision: int,
        *,
        approve: bool = True,
        reasons: str | None = None,
        scope: str | None = None,
        idempotency_key: str | None = None,
    ) -> models.KpiValueSigned:
        """Approve revision ``revision`` of a figure, or (``approve=False``) return it with ``reasons``: needs the
        `approve` scope. Refused (409) if the figure has been corrected since that revision."""
        body = {"decision": "approved" if approve else "returned", "revision": revision, "reasons": reasons}
        url = path("kpis", key_of(kpi, "code"), "values", period_code(period), "sign-offs")
        return self._http.send(
            "POST",
            url,
            models.KpiValueSigned,
            json={name: value for name, value in body.items() if value is not None},
            params={"scope": scope},
            idempotency_key=idempotency_key or new_idempotency_key(),
        )

    def put(
        self,
        kpi: KpiRef,
        period: str,
        *,
        value: Number | None = None,
        scope: str | None = None,
        numerator: Number | None = None,
        denominator: Number | None = None,
        note: str | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.KpiValueWritten:
        """Set one figure (upsert: the same figure changes nothing, a different one adds a revision). Unconditional
        unless ``if_match`` (the ETag of `values.get`) or ``if_none_match="*"`` is given; a conditional PUT also
        carries an Idempotency-Key, so a retry after a lost answer is replayed rather than refused (412)."""
        named = {"numerator": numerator, "denominator": denominator, "note": note}
        body = payload({"value": value, **{k: v for k, v in named.items() if v is not None}}, fields)
        headers = {name: tag for name, tag in (("If-Match", if_match), ("If-None-Match", if_none_match)) if tag}
        if headers and idempotency_key is None:
            idempotency_key = new_idempotency_key()
        url = path("kpis", key_of(kpi, "code"), "values", period_code(period))
        response = self._http.request(
            "PUT", url, params={"scope": scope}, json=body, headers=headers, idempotency_key=idempotency_key
        )
        return parse(response, models.KpiValueWritten)


class TargetProfiles(Resource):
    """`/kpis/{code}/target-profiles/{year}`: a year's trajectory toward the KPI's target, a point a month or
    quarter, set whole; its ETag covers every point."""

    def url(self, kpi: KpiRef, year: str | None = None) -> str:
        base = path("kpis", key_of(kpi, "code"), "target-profiles")
        return base if year is None else f"{base}/{segment(period_code(year))}"

    def list_page(
        self, kpi: KpiRef, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]
    ) -> models.PageTargetProfileRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(self.url(kpi), models.PageTargetProfileRead, params)

    def list(
        self, kpi: KpiRef, *, page_size: int = 100, **filters: Unpack[Changed]
    ) -> Iterator[models.TargetProfileRead]:
        return paginate(lambda page, limit: self.list_page(kpi, page=page, limit=limit, **filters), page_size)

    def get(self, kpi: KpiRef, year: str) -> models.TargetProfileRead:
        return self._http.get(self.url(kpi, year), models.TargetProfileRead)

    def put(
        self,
        kpi: KpiRef,
        year: str,
        *,
        basis: str,
        points: Sequence[tuple[str, Number]],
        if_match: str | None = None,
    ) -> models.TargetProfileRead:
        """Set the year's whole profile: the first with If-None-Match: * (no ``if_match``), a replacement with the
        profile's ETag (``if_match="*"`` replaces whatever is there)."""
        url = self.url(kpi, year)
        body = {"basis": basis, "points": [{"period": period, "value": str(value)} for period, value in points]}
        headers = {"If-Match": if_match} if if_match else {"If-None-Match": "*"}
        response = self._http.request("PUT", url, json=body, headers=headers, item_url=url)
        return parse(response, models.TargetProfileRead)

    def delete(self, kpi: KpiRef, year: str, *, if_match: str | None = None) -> None:
        url = self.url(kpi, year)
        etag = self._http.if_match(url, None, if_match)
        self._http.request("DELETE", url, headers={"If-Match": etag})


class Kpis(Archivable[models.KpiDetail]):
    """`/api/v1/kpis`: KPI definitions with their targets, values, status and benchmark."""

    name = "kpis"
    detail = models.KpiDetail
    key_field = "code"

    def __init__(self, http: HTTP) -> None:
        super().__init__(http)
        self.targets = Targets(http)
        self.values = Values(http)
        self.target_profiles = TargetProfiles(http)

    def get(self, kpi: KpiRef) -> models.KpiDetail:
        """A KPI with its targets and its latest value for each scope; the model carries its ETag."""
        return self._get(kpi)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[KpiFilters]) -> models.PageKpiRead:
        return self._http.get(path(self.name), models.PageKpiRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[KpiFilters]) -> Iterator[models.KpiRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    def status(self, kpi: KpiRef, *, period: str | None = None, scope: str | None = None) -> models.KpiStatusRead:
        """Figure, target, rating, direction of travel and comparators for a period (default: the latest)."""
        params = {"period": period, "scope": scope}
        return self._http.get(path(self.name, key_of(kpi, "code"), "status"), models.KpiStatusRead, params)

    def benchmark(
        self, kpi: KpiRef, *, period: str | None = None, scope: str | None = None, group: str | None = None
    ) -> models.BenchmarkRead:
        """The figure against England's and every comparator group's: gap, rank, quartile and the series."""
        params = {"period": period, "scope": scope, "group": group}
        return self._http.get(path(self.name, key_of(kpi, "code"), "benchmark"), models.BenchmarkRead, params)

    def in_year(
        self,
        kpi: KpiRef,
        *,
        year: str | None = None,
        scope: str | None = None,
        as_at: str | None = None,
        known_at: str | None = None,
    ) -> models.InYearRead:
        """Each month and quarter of a year: its figure, the year to date, the rolling twelve months and the rating
        of the year to date against the year's target profile (default: the latest year with a month's figure)."""
        params = {"year": year, "scope": scope, "as_at": as_at, "known_at": known_at}
        return self._http.get(path(self.name, key_of(kpi, "code"), "in-year"), models.InYearRead, params)

    def teams(self, kpi: KpiRef, period: str) -> models.TeamsRollUpRead:
        """Each team's figure for the period, combined, beside the borough's own."""
        url = path(self.name, key_of(kpi, "code"), "teams")
        return self._http.get(url, models.TeamsRollUpRead, {"period": period})


class Scorecard(Resource):
    """`/api/v1/scorecard`: every KPI's status in one call."""

    def get(
        self,
        *,
        period: str | None = None,
        scope: str | None = None,
        tier: str | None = None,
        focus_area: str | None = None,
    ) -> models.Scorecard:
        params = {"period": period, "scope": scope, "tier": tier, "focus_area": focus_area}
        return self._http.get(path("scorecard"), models.Scorecard, params)


class NationalIndicators(Resource):
    """`/api/v1/national-indicators`: DfE's LAIT indicator definitions, to adopt as KPIs."""

    def get(self, indicator: str | models.NationalIndicatorRead) -> models.NationalIndicatorRead:
        return self._http.get(path("national-indicators", key_of(indicator)), models.NationalIndicatorRead)

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[NationalIndicatorFilters]
    ) -> models.PageNationalIndicatorRead:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("national-indicators"), models.PageNationalIndicatorRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[NationalIndicatorFilters]
    ) -> Iterator[models.NationalIndicatorRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    def adopt(
        self,
        indicator: str | models.NationalIndicatorRead,
        data: Model | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.KpiDetail:
        """Adopt the indicator as one of the council's KPIs."""
        url = path("national-indicators", key_of(indicator), "adoptions")
        return self._http.send(
            "POST", url, models.KpiDetail, json=payload(data, fields), idempotency_key=idempotency_key
        )
