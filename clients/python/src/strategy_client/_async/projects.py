"""Transformation projects, their progress updates and savings."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any, Unpack

from strategy_client import models
from strategy_client._async._collection import AsyncArchivable
from strategy_client._async._core import AsyncHTTP, AsyncResource, key_of, paginate, payload
from strategy_client._async.actions import AsyncProgressUpdates
from strategy_client._encoding import path, segment
from strategy_client._encoding import period as period_code
from strategy_client._model import Model
from strategy_client._pages import Changed, ProjectFilters

ProjectRef = str | models.ProjectRead


class AsyncSavings(AsyncResource):
    """Savings by financial year: a project's (`/projects/{key}/savings`) and the programme's totals."""

    async def list_page(self, project: ProjectRef, **filters: Unpack[Changed]) -> models.PageSavingsRead:
        url = path("projects", key_of(project), "savings")
        return await self._http.get(url, models.PageSavingsRead, filters)

    async def list(self, project: ProjectRef, **filters: Unpack[Changed]) -> AsyncIterator[models.SavingsRead]:
        for saving in (await self.list_page(project, **filters)).items:
            yield saving

    async def put(
        self, project: ProjectRef, financial_year: str, data: Model | None = None, /, **fields: Any
    ) -> models.SavingsRead:
        """Set a project's savings for a financial year (e.g. FY2016-17), in pence."""
        item_url = path("projects", key_of(project))
        url = f"{item_url}/savings/{segment(period_code(financial_year))}"
        return await self._http.send("PUT", url, models.SavingsRead, json=payload(data, fields), item_url=item_url)

    async def revisions(self, project: ProjectRef, financial_year: str) -> models.PageSavingsRevision:
        """Every revision of a project's savings for a financial year, newest first."""
        url = f"{path('projects', key_of(project))}/savings/{segment(period_code(financial_year))}/revisions"
        return await self._http.get(url, models.PageSavingsRevision, {})

    async def programme(self, *, fy: str | None = None) -> models.ProgrammeSavings:
        """The programme's totals for a financial year and the gap to its target."""
        return await self._http.get(path("projects", "savings"), models.ProgrammeSavings, {"fy": fy})


class AsyncProjects(AsyncArchivable[models.ProjectRead]):
    """`/api/v1/projects`: transformation projects, reported to the Children's Programme Board."""

    name = "projects"
    detail = models.ProjectRead

    def __init__(self, http: AsyncHTTP) -> None:
        super().__init__(http)
        self.updates = AsyncProgressUpdates(http, self.name)
        self.savings = AsyncSavings(http)

    async def revisions(self, project: ProjectRef) -> models.PageProjectPlanRevision:
        """Every revision of the project's plan, newest first, with who recorded it and when."""
        url = path(self.name, key_of(project), "revisions")
        return await self._http.get(url, models.PageProjectPlanRevision, {})

    async def get(self, project: ProjectRef, *, as_of: date | str | None = None) -> models.ProjectRead:
        return await self._get(project, as_of=as_of)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ProjectFilters]
    ) -> models.PageProjectRead:
        return await self._http.get(path(self.name), models.PageProjectRead, {**filters, "page": page, "limit": limit})

    def list(self, *, page_size: int = 100, **filters: Unpack[ProjectFilters]) -> AsyncIterator[models.ProjectRead]:
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)
