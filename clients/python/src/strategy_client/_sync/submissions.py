# Generated from _async/submissions.py by clients/python/scripts/generate.py (make clients): do not edit.
"""KPI submissions: batches of figures as JSON rows or CSV."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Literal, Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import Changed
from strategy_client._sync._core import Resource, paginate, parse

Mode = Literal["all_or_nothing", "partial"]


class KpiSubmissions(Resource):
    """`/api/v1/kpi-submissions`"""

    def create(
        self,
        rows: Sequence[Mapping[str, object]] | None = None,
        *,
        csv: str | bytes | None = None,
        dry_run: bool = False,
        mode: Mode | str = "all_or_nothing",
        source: str | None = None,
        idempotency_key: str | None = None,
    ) -> models.SubmissionSummary:
        """Submit up to 10,000 figures as ``rows`` (mappings: kpi, period, scope, value ...) or as ``csv`` text.

        The summary counts created, updated, unchanged and rejected rows. In all_or_nothing mode one bad row refuses
        the batch: UnprocessableEntity, whose `problem.errors` name each row and field. The call is retried under one
        Idempotency-Key, so a retry never lands the batch twice."""
        if (rows is None) == (csv is None):
            raise ValueError("Give either rows or csv.")
        params = {"dry_run": dry_run, "mode": mode, "source": source}
        if csv is not None:
            content = csv.encode() if isinstance(csv, str) else csv
            response = self._http.request(
                "POST",
                path("kpi-submissions"),
                params=params,
                content=content,
                headers={"Content-Type": "text/csv; charset=utf-8"},
                idempotency_key=idempotency_key,
            )
        else:
            response = self._http.request(
                "POST",
                path("kpi-submissions"),
                params=params,
                json={"rows": [dict(row) for row in rows or []]},
                idempotency_key=idempotency_key,
            )
        return parse(response, models.SubmissionSummary)

    def get(self, submission_id: int) -> models.SubmissionRecord:
        return self._http.get(path("kpi-submissions", submission_id), models.SubmissionRecord)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[Changed]) -> models.PageSubmissionRecord:
        params = {**filters, "page": page, "limit": limit}
        return self._http.get(path("kpi-submissions"), models.PageSubmissionRecord, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[Changed]) -> Iterator[models.SubmissionRecord]:
        """Past submissions, newest first."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
