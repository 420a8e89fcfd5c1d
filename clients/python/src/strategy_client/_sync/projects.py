# Generated from _async/projects.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Transformation projects, their progress updates and savings."""

from collections.abc import Iterator
from datetime import date
from typing import Any, Unpack

from strategy_client import models
from strategy_client._encoding import path, segment
from strategy_client._encoding import period as period_code
from strategy_client._model import Model
from strategy_client._pages import Changed, ProjectFilters
from strategy_client._sync._collection import Archivable
from strategy_client._sync._core import HTTP, Resource, key_of, paginate, payload
from strategy_client._sync.actions import ProgressUpdates

ProjectRef = str | models.ProjectRead


class Savings(Resource):
    """Savings by financial year: a project's (`/projects/{key}/savings`) and the programme's totals."""

    def list_page(self, project: ProjectRef, **filters: Unpack[Changed]) -> models.PageSavingsRead:
        url = path("projects", key_of(project), "savings")
        return self._http.get(url, models.PageSavingsRead, filters)

    def list(self, project: ProjectRef, **filters: Unpack[Changed]) -> Iterator[models.SavingsRead]:
        for saving in (self.list_page(project, **filters)).items:
            yield saving

    def put(
        self, project: ProjectRef, financial_year: str, data: Model | None = None, /, **fields: Any
    ) -> models.SavingsRead:
        """Set a project's savings for a financial year (e.g. FY2016-17), in pence."""
        item_url = path("projects", key_of(project))
        url = f"{item_url}/savings/{segment(period_code(financial_year))}"
        return self._http.send("PUT", url, models.SavingsRead, json=payload(data, fields), item_url=item_url)

    def revisions(self, project: ProjectRef, financial_year: str) -> models.PageSavingsRevision:
        """Every revision of a project's savings for a financial year, newest first."""
        url = f"{path('projects', key_of(project))}/savings/{segment(period_code(financial_year))}/revisions"
        return self._http.get(url, models.PageSavingsRevision, {})

    def programme(self, *, fy: str | None = None) -> models.ProgrammeSavings:
        """The programme's totals for a financial year and the gap to its target."""
        return self._http.get(path("projects", "savings"), models.ProgrammeSavings, {"fy": fy})


class Projects(Archivable[models.ProjectRead]):
    """`/api/v1/projects`: transformation projects, reported to the Children's Programme Board."""

    name = "projects"
    detail = models.ProjectRead

    def __init__(self, http: HTTP) -> None:
        super().__init__(http)
        self.updates = ProgressUpdates(http, self.name)
        self.savings = Savings(http)

    def revisions(self, project: ProjectRef) -> models.PageProjectPlanRevision:
        """Every revision of the project's plan, newest first, with who recorded it and when."""
        url = path(self.name, key_of(project), "revisions")
        return self._http.get(url, models.PageProjectPlanRevision, {})

    def get(self, project: ProjectRef, *, as_of: date | str | None = None) -> models.ProjectRead:
        return self._get(project, as_of=as_of)

    def list_page(self, *, page: int = 1, limit: int = 50, **filters: Unpack[ProjectFilters]) -> models.PageProjectRead:
        return self._http.get(path(self.name), models.PageProjectRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ProjectFilters]) -> Iterator[models.ProjectRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
