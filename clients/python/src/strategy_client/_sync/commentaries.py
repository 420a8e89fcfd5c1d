# Generated from _async/commentaries.py by clients/python/scripts/generate.py (make clients): do not edit.
"""Commentary on a KPI's figure for a period or on a progress update: written, listed, edited, withdrawn, traced."""

from collections.abc import Iterator
from typing import Unpack

from strategy_client import models
from strategy_client._encoding import path
from strategy_client._pages import Changed, CommentaryFilters, KpiCommentaryFilters
from strategy_client._sync._core import Resource, key_of, paginate
from strategy_client._sync.actions import ActionRef
from strategy_client._sync.kpis import KpiRef
from strategy_client._sync.projects import ProjectRef

CommentaryRef = int | models.CommentaryRead
UpdateRef = int | models.ProgressRead


def _id(item: int | models.CommentaryRead | models.ProgressRead) -> int:
    return item if isinstance(item, int) else item.id


class Commentaries(Resource):
    """`/kpis/{code}/commentaries`, `/actions/{key}/updates/{update_id}/commentaries` (and projects') and
    `/commentaries/{id}`. Writing needs what writing about the subject needs: `kpi:submit` for a KPI's figure, the
    action's or project's write scope (and owner) for its progress update."""

    def url(self, commentary: CommentaryRef) -> str:
        return path("commentaries", _id(commentary))

    def get(self, commentary: CommentaryRef) -> models.CommentaryRead:
        """One commentary as it now stands (withdrawn ones too); the model carries its ETag."""
        return self._http.get(self.url(commentary), models.CommentaryRead)

    def create_on_kpi(
        self, kpi: KpiRef, period: str, text: str, *, idempotency_key: str | None = None
    ) -> models.CommentaryRead:
        """Commentary on the borough's figure of a KPI for a period (FY2016-17, or 2016/17 as the KPI's kind of
        year)."""
        url = path("kpis", key_of(kpi, "code"), "commentaries")
        body = {"period": period, "text": text}
        return self._http.send("POST", url, models.CommentaryRead, json=body, idempotency_key=idempotency_key)

    def create_on_action_update(
        self, action: ActionRef, update: UpdateRef, text: str, *, idempotency_key: str | None = None
    ) -> models.CommentaryRead:
        """Commentary on one of an action's progress updates."""
        return self._create_on_update("actions", key_of(action), update, text, idempotency_key)

    def create_on_project_update(
        self, project: ProjectRef, update: UpdateRef, text: str, *, idempotency_key: str | None = None
    ) -> models.CommentaryRead:
        """Commentary on one of a project's progress updates."""
        return self._create_on_update("projects", key_of(project), update, text, idempotency_key)

    def _create_on_update(
        self, collection: str, key: str, update: UpdateRef, text: str, idempotency_key: str | None
    ) -> models.CommentaryRead:
        url = path(collection, key, "updates", _id(update), "commentaries")
        return self._http.send("POST", url, models.CommentaryRead, json={"text": text}, idempotency_key=idempotency_key)

    def update(self, commentary: CommentaryRef, text: str, *, if_match: str | None = None) -> models.CommentaryRead:
        """New text, as a new revision. If-Match: ``if_match``, else the ETag ``commentary`` was read with, else the
        last one this client saw, else it is read first."""
        url = self.url(commentary)
        etag = self._http.if_match(url, commentary, if_match)
        return self._http.send("PUT", url, models.CommentaryRead, json={"text": text}, if_match=etag)

    def withdraw(self, commentary: CommentaryRef, *, if_match: str | None = None) -> models.CommentaryRead:
        """Withdraw it: packs stop showing it; it stays readable with its revisions. If-Match as for update."""
        url = self.url(commentary)
        etag = self._http.if_match(url, commentary, if_match)
        return self._http.send("DELETE", url, models.CommentaryRead, if_match=etag)

    def revisions(self, commentary: CommentaryRef, **filters: Unpack[Changed]) -> list[models.CommentaryRevisionRead]:
        """Every revision (or those recorded since ``updated_since``), the first first, with who recorded it and
        when."""
        url = f"{self.url(commentary)}/revisions"
        return (self._http.get(url, models.PageCommentaryRevisionRead, filters)).items

    def list_on_kpi_page(
        self, kpi: KpiRef, *, page: int = 1, limit: int = 50, **filters: Unpack[KpiCommentaryFilters]
    ) -> models.PageCommentaryRead:
        url = path("kpis", key_of(kpi, "code"), "commentaries")
        return self._http.get(url, models.PageCommentaryRead, {**filters, "page": page, "limit": limit})

    def list_on_kpi(
        self, kpi: KpiRef, *, page_size: int = 100, **filters: Unpack[KpiCommentaryFilters]
    ) -> Iterator[models.CommentaryRead]:
        """A KPI's commentary, newest period first, then in the order written, page after page."""
        return paginate(lambda page, limit: self.list_on_kpi_page(kpi, page=page, limit=limit, **filters), page_size)

    def list_on_action_update(
        self, action: ActionRef, update: UpdateRef, *, page_size: int = 100, **filters: Unpack[CommentaryFilters]
    ) -> Iterator[models.CommentaryRead]:
        """Commentary on one of an action's progress updates, in the order written."""
        return self._list_on_update("actions", key_of(action), update, page_size, filters)

    def list_on_project_update(
        self, project: ProjectRef, update: UpdateRef, *, page_size: int = 100, **filters: Unpack[CommentaryFilters]
    ) -> Iterator[models.CommentaryRead]:
        """Commentary on one of a project's progress updates, in the order written."""
        return self._list_on_update("projects", key_of(project), update, page_size, filters)

    def _list_on_update(
        self, collection: str, key: str, update: UpdateRef, page_size: int, filters: CommentaryFilters
    ) -> Iterator[models.CommentaryRead]:
        url = path(collection, key, "updates", _id(update), "commentaries")

        def fetch(page: int, limit: int) -> models.PageCommentaryRead:
            return self._http.get(url, models.PageCommentaryRead, {**filters, "page": page, "limit": limit})

        return paginate(fetch, page_size)
