# Generated from _async/returns.py by clients/python/scripts/generate.py (make clients): do not edit.
"""The KPI returns calendar: `/returns` (due, received, late or missing) and `/kpis/{code}/return-schedule`."""

from collections.abc import Iterator
from typing import Any, Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._model import Model
from strategy_client._pages import ReturnFilters
from strategy_client._sync._core import Resource, key_of, paginate
from strategy_client._sync.kpis import KpiRef


class Returns(Resource):
    """The returns owed and each KPI's return schedule (writing a schedule needs `governance:write`)."""

    def schedule_url(self, kpi: KpiRef) -> str:
        return path("kpis", key_of(kpi, "code"), "return-schedule")

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[ReturnFilters]) -> models.PageReturnRead:
        return self._http.get(path("returns"), models.PageReturnRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ReturnFilters]) -> Iterator[models.ReturnRead]:
        """Every return owed matching the filters (status="late,missing", owner="AD SLAC", as_at=...), by due date."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    def get_schedule(self, kpi: KpiRef) -> models.ReturnScheduleRead:
        """A KPI's return schedule; the model carries its ETag."""
        return self._http.get(self.schedule_url(kpi), models.ReturnScheduleRead)

    def put_schedule(
        self, kpi: KpiRef, schedule: models.ReturnScheduleWrite | dict[str, Any], *, if_match: str | None = None
    ) -> models.ReturnScheduleRead:
        """Create a KPI's schedule, or replace it (then ``if_match``: the ETag of get_schedule)."""
        body = schedule.model_dump(mode="json", exclude_unset=True) if isinstance(schedule, Model) else schedule
        url = self.schedule_url(kpi)
        return self._http.send("PUT", url, models.ReturnScheduleRead, json=body, if_match=if_match)

    def withdraw_schedule(self, kpi: KpiRef, *, if_match: str | None = None) -> models.ReturnScheduleRead:
        """Withdraw a KPI's schedule: no returns are owed from now. If-Match: ``if_match``, else it is read first."""
        url = self.schedule_url(kpi)
        etag = self._http.if_match(url, None, if_match)
        return self._http.send("DELETE", url, models.ReturnScheduleRead, if_match=etag)
