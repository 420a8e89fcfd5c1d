"""Governance bodies' meetings: their agendas (the packs issued for the date, other items) and decisions logs; and
procedure changes, which meetings' decisions test and approve along the route the routing rules give."""

from collections.abc import AsyncIterator, Mapping
from typing import Any, Unpack

from strategy_client import models
from strategy_client._async._core import AsyncResource, paginate, payload
from strategy_client._encoding import path
from strategy_client._pages import DecisionFilters, MeetingFilters, ProcedureChangeFilters

MeetingRef = int | models.MeetingRead | models.MeetingDetail
ProcedureChangeRef = str | models.ProcedureChangeRead


def _id(meeting: MeetingRef) -> int:
    return meeting if isinstance(meeting, int) else meeting.id


def _sent(filters: Mapping[str, object]) -> dict[str, object]:
    """``from_`` is sent as ``from`` (a Python keyword)."""
    return {("from" if name == "from_" else name): value for name, value in filters.items()}


class AsyncMeetings(AsyncResource):
    """`/api/v1/meetings` and `/api/v1/decisions`. Writing needs `governance:write` (a key limited to owners: only
    its owners' bodies, and actions arising only for its owners)."""

    def url(self, meeting: MeetingRef) -> str:
        return path("meetings", _id(meeting))

    async def get(self, meeting: MeetingRef) -> models.MeetingDetail:
        """A meeting with its agenda (issued packs with their links, other items) and its decisions log."""
        return await self._http.get(self.url(meeting), models.MeetingDetail)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[MeetingFilters]
    ) -> models.PageMeetingRead:
        params = {**_sent(filters), "page": page, "limit": limit}
        return await self._http.get(path("meetings"), models.PageMeetingRead, params)

    def list(self, *, page_size: int = 100, **filters: Unpack[MeetingFilters]) -> AsyncIterator[models.MeetingRead]:
        """Meetings, latest first (filters: body, from_, to, status, updated_since)."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    async def create(
        self,
        meeting: models.MeetingCreate | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.MeetingDetail:
        """Schedule a meeting: body, meeting_date, title, location, notes, status, agenda_items."""
        url, body = path("meetings"), payload(meeting, fields)
        return await self._http.send("POST", url, models.MeetingDetail, json=body, idempotency_key=idempotency_key)

    async def update(
        self,
        meeting: MeetingRef,
        changes: models.MeetingUpdate | Mapping[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **fields: Any,
    ) -> models.MeetingDetail:
        """Change a meeting (date, title, location, notes, status, agenda_items). If-Match: ``if_match``, else the
        ETag ``meeting`` was read with, else the last one this client saw, else it is read first."""
        url = self.url(meeting)
        etag = await self._http.if_match(url, meeting, if_match)
        return await self._http.send("PATCH", url, models.MeetingDetail, json=payload(changes, fields), if_match=etag)

    async def decide(
        self,
        meeting: MeetingRef,
        decision: models.DecisionCreate | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.DecisionRead:
        """Record a decision: text, reasons, concerns, procedure_outcome, actions_arising (``{"action": key}`` or
        ``{"new": {...}}`` with who and when)."""
        url, body = f"{self.url(meeting)}/decisions", payload(decision, fields)
        return await self._http.send("POST", url, models.DecisionRead, json=body, idempotency_key=idempotency_key)

    async def decision(self, meeting: MeetingRef, number: int) -> models.DecisionRead:
        return await self._http.get(f"{self.url(meeting)}/decisions/{number}", models.DecisionRead)

    async def correct(
        self,
        meeting: MeetingRef,
        number: int,
        changes: models.DecisionUpdate | Mapping[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **fields: Any,
    ) -> models.DecisionRead:
        """Correct a recorded decision (text, reasons, concerns, actions_arising). If-Match as for update."""
        url = f"{self.url(meeting)}/decisions/{number}"
        etag = await self._http.if_match(url, None, if_match)
        return await self._http.send("PATCH", url, models.DecisionRead, json=payload(changes, fields), if_match=etag)

    async def decisions_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[DecisionFilters]
    ) -> models.PageDecisionRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("decisions"), models.PageDecisionRead, params)

    def decisions(
        self, *, page_size: int = 100, **filters: Unpack[DecisionFilters]
    ) -> AsyncIterator[models.DecisionRead]:
        """Decisions across meetings, latest first (filters: item, action, body, updated_since)."""
        return paginate(lambda page, limit: self.decisions_page(page=page, limit=limit, **filters), page_size)


class AsyncProcedureChanges(AsyncResource):
    """`/api/v1/procedure-changes`: proposed and edited with `governance:write` (a key not limited to owners); the
    status moves only by meetings' decisions."""

    def url(self, change: ProcedureChangeRef) -> str:
        return path("procedure-changes", change if isinstance(change, str) else change.key)

    async def get(self, change: ProcedureChangeRef) -> models.ProcedureChangeRead:
        return await self._http.get(self.url(change), models.ProcedureChangeRead)

    async def list_page(
        self, *, page: int = 1, limit: int = 50, **filters: Unpack[ProcedureChangeFilters]
    ) -> models.PageProcedureChangeRead:
        params = {**filters, "page": page, "limit": limit}
        return await self._http.get(path("procedure-changes"), models.PageProcedureChangeRead, params)

    def list(
        self, *, page_size: int = 100, **filters: Unpack[ProcedureChangeFilters]
    ) -> AsyncIterator[models.ProcedureChangeRead]:
        """Procedure changes by key (filters: status, focus_area, updated_since)."""
        return paginate(lambda page, limit: self.list_page(page=page, limit=limit, **filters), page_size)

    async def create(
        self,
        change: models.ProcedureChangeCreate | Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> models.ProcedureChangeRead:
        """Propose a procedure change: key, title, description, focus_area."""
        url, body = path("procedure-changes"), payload(change, fields)
        return await self._http.send(
            "POST", url, models.ProcedureChangeRead, json=body, idempotency_key=idempotency_key
        )

    async def update(
        self,
        change: ProcedureChangeRef,
        changes: models.ProcedureChangeUpdate | Mapping[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **fields: Any,
    ) -> models.ProcedureChangeRead:
        """Change its title, description or focus area. If-Match as for meetings."""
        url = self.url(change)
        etag = await self._http.if_match(url, change, if_match)
        body = payload(changes, fields)
        return await self._http.send("PATCH", url, models.ProcedureChangeRead, json=body, if_match=etag)
