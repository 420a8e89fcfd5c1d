# Generated from _async/assurance.py by clients/python/scripts/generate.py (make clients): do not edit.
"""The assurance programme: audits, observations, team reviews, multi-agency audits, thematic reviews and members'
visits, and its reports (gradings, recurring themes, actions arising)."""

from collections.abc import Iterator, Mapping
from typing import Any, Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import ActionReportFilters, AssuranceFilters, GradingFilters, ThemeFilters
from strategy_client._sync._core import Resource, paginate, payload

ActivityRef = int | models.AssuranceRead


def _id(activity: ActivityRef) -> int:
    return activity if isinstance(activity, int) else activity.id


class Assurance(Resource):
    """`/api/v1/assurance-activities` and `/api/v1/assurance-reports/...`. Writing needs `assurance:write` (a key
    limited to owners: only its owners' services' teams). Free text that looks like a child's identifier is refused
    with a 422 (InvalidRequest) naming the field."""

    def url(self, activity: ActivityRef) -> str:
        return path("assurance-activities", _id(activity))

    def get(self, activity: ActivityRef) -> models.AssuranceRead:
        """One activity (archived ones too); the model carries its ETag."""
        return self._http.get(self.url(activity), models.AssuranceRead)

    def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[AssuranceFilters]
    ) -> models.PageAssuranceRead:
        params = {**_dated(filters), "page": page, "limit": limit}
        return self._http.get(path("assurance-activities"), models.PageAssuranceRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[AssuranceFilters]) -> Iterator[models.AssuranceRead]:
        """Activities, the latest first (filters: kind, team, from_, to, grading, theme, action, updated_since ...)."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    def create(
        self,
        activity: models.AssuranceCreate | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.AssuranceRead:
        """Record an activity: a model, a mapping or keyword fields (kind, team, carried_out_on, carried_out_by_role,
        grading, themes, findings, learning, actions ...)."""
        body = payload(activity, fields)
        url = path("assurance-activities")
        return self._http.send("POST", url, models.AssuranceRead, json=body, idempotency_key=idempotency_key)

    def update(
        self,
        activity: ActivityRef,
        changes: models.AssuranceUpdate | Mapping[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **fields: Any,
    ) -> models.AssuranceRead:
        """Change an activity (themes and actions, when given, replace the lists). If-Match: ``if_match``, else the
        ETag ``activity`` was read with, else the last one this client saw, else it is read first."""
        url = self.url(activity)
        etag = self._http.if_match(url, activity, if_match)
        return self._http.send("PATCH", url, models.AssuranceRead, json=payload(changes, fields), if_match=etag)

    def archive(self, activity: ActivityRef, *, if_match: str | None = None) -> models.AssuranceRead:
        """Archive it: lists, reports and packs leave it out; it stays readable. If-Match as for update."""
        url = self.url(activity)
        etag = self._http.if_match(url, activity, if_match)
        return self._http.send("DELETE", url, models.AssuranceRead, if_match=etag)

    def gradings(self, **filters: Unpack[GradingFilters]) -> models.GradingReport:
        """Gradings by team and financial quarter, zeroes included, with totals."""
        return self._http.get(path("assurance-reports", "gradings"), models.GradingReport, _dated(filters))

    def themes(self, **filters: Unpack[ThemeFilters]) -> models.ThemeReport:
        """Themes found by at least ``min_count`` activities (default 2)."""
        return self._http.get(path("assurance-reports", "themes"), models.ThemeReport, _dated(filters))

    def actions(self, **filters: Unpack[ActionReportFilters]) -> models.ActionsReport:
        """The actions assurance raised or evidenced, with where their delivery stands."""
        return self._http.get(path("assurance-reports", "actions"), models.ActionsReport, _dated(filters))


def _dated(filters: Mapping[str, object]) -> dict[str, object]:
    """``from_`` is sent as ``from`` (a Python keyword)."""
    return {("from" if name == "from_" else name): value for name, value in filters.items()}
