from typing import Annotated

from fastapi import Query
from sqlalchemy import Select, select

from api.audit.models import AuditEvent
from api.audit.schemas import AuditEventRead, AuditQuery, ChangeEvent, ChangeFeed, FeedQuery
from api.auth.deps import AuthenticatedPrincipal
from api.auth.models import Scope
from api.auth.principal import Principal
from api.db import SessionDep
from api.pagination import Page, fetch_page
from api.routing import domain_router
from api.tags import Tag

router = domain_router()
# Minting and revoking keys, and where webhooks go, are the administrators' business: other keys never see the key
# inventory or another integration's receivers.
ADMIN_ONLY_RESOURCES = ("api_key", "webhook_subscription", "webhook_delivery")


def _visible(statement: Select[AuditEvent], principal: Principal) -> Select[AuditEvent]:
    if principal.has(Scope.admin):
        return statement
    return statement.where(AuditEvent.resource.not_in(ADMIN_ONLY_RESOURCES))


@router.get("/audit", operation_id="audit_events_list", tags=[Tag.audit], response_model=Page[AuditEventRead])
async def list_audit_events(
    session: SessionDep, principal: AuthenticatedPrincipal, query: Annotated[AuditQuery, Query()]
) -> Page[AuditEventRead]:
    """Every write, newest first: who, when, what, and each field it changed (API keys: admin only)."""
    statement = _visible(select(AuditEvent).order_by(AuditEvent.seq.desc()), principal)
    for column, wanted in (
        (AuditEvent.resource, query.resource),
        (AuditEvent.resource_key, query.id),
        (AuditEvent.actor, query.actor),
    ):
        if wanted is not None:
            statement = statement.where(column == wanted)
    if query.since is not None:
        statement = statement.where(AuditEvent.occurred_at >= query.since)
    rows, total = await fetch_page(session, statement, query)
    items = [AuditEventRead.of(row) for row in rows]
    return Page[AuditEventRead](items=items, page=query.page, limit=query.limit, total=total)


@router.get("/events", operation_id="change_events_list", tags=[Tag.change_feed], response_model=ChangeFeed)
async def list_change_events(
    session: SessionDep, principal: AuthenticatedPrincipal, query: Annotated[FeedQuery, Query()]
) -> ChangeFeed:
    """Changes in commit order, gap-free: keep the last cursor and resume after it, missing and repeating nothing.

    Changes to API keys appear only to admin keys; other keys see the cursor step over them."""
    after = int(query.after)
    statement = select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(query.limit + 1)
    rows = (await session.scalars(_visible(statement, principal))).all()
    events = [
        ChangeEvent(
            cursor=str(row.seq),
            resource=row.resource,
            id=row.resource_key,
            kind=row.action,
            version=row.version,
            occurred_at=row.occurred_at,
        )
        for row in rows[: query.limit]
    ]
    return ChangeFeed(
        events=events, next_cursor=events[-1].cursor if events else str(after), has_more=len(rows) > query.limit
    )
