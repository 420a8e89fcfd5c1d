"""Progress updates: append-only reports on actions and projects; the latest (by as-of date) is the current state."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from api.actions.models import BusinessImprovementAction
from api.audit import service as audit
from api.auth.principal import Actor
from api.bitemporal import AsAt
from api.db import lock_rows
from api.delivery import DeliveryStatus, Rag
from api.errors import Conflict, InvalidInput, ProblemError
from api.progress.models import ProgressUpdate
from api.progress.schemas import ProgressIn
from api.projects.models import TransformationProject
from api.tracking import State

Item = BusinessImprovementAction | TransformationProject


def _resource(item: Item) -> str:
    return "action" if isinstance(item, BusinessImprovementAction) else "project"


async def add_update(session: AsyncSession, item: Item, data: ProgressIn, *, actor: Actor) -> ProgressUpdate:
    if data.as_of > date.today():
        raise InvalidInput(
            "An update cannot be dated in the future.",
            errors=[ProblemError(loc=["body", "as_of"], msg="in the future")],
        )
    # Updates carry no If-Match (they only append), so concurrent reporters queue on the item instead of failing.
    await lock_rows(session, item.__tablename__, [item.id])
    await session.refresh(item, ["version", "status", "rag", "percent_complete", "last_update_on", "archived_at"])
    if item.archived_at is not None:
        raise Conflict(f"{_resource(item).capitalize()} '{item.key}' is archived; it takes no more updates.")
    update = ProgressUpdate(
        status=data.status,
        rag=data.rag,
        percent_complete=data.percent_complete,
        commentary=data.commentary,
        as_of_date=data.as_of,
        created_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
        **({"action_id": item.id} if isinstance(item, BusinessImprovementAction) else {"project_id": item.id}),
    )
    session.add(update)
    # A back-dated report joins the history but does not overturn a newer one.
    if item.last_update_on is None or data.as_of >= item.last_update_on:
        item.status, item.rag, item.percent_complete = data.status, data.rag, data.percent_complete
        item.last_update_on = data.as_of
    await session.flush()
    after = data.model_dump(mode="json")
    await audit.record(
        session, actor, resource=_resource(item), key=item.key, action="progress", after=after, version=item.version
    )
    return update


async def list_updates(
    session: AsyncSession, item: Item, updated_since: datetime | None = None
) -> Sequence[ProgressUpdate]:
    column = ProgressUpdate.action_id if isinstance(item, BusinessImprovementAction) else ProgressUpdate.project_id
    statement = (
        select(ProgressUpdate)
        .where(column == item.id)
        .order_by(ProgressUpdate.as_of_date.desc(), ProgressUpdate.id.desc())
    )
    if updated_since is not None:  # updates are never edited: this selects those reported since
        statement = statement.where(ProgressUpdate.created_at >= updated_since)
    return (await session.scalars(statement)).all()


@dataclass(frozen=True, slots=True)
class LatestUpdate:
    """An item's latest progress update, as reports read it (a light row: there is one for each of thousands)."""

    status: DeliveryStatus
    rag: Rag | None
    percent_complete: int | None
    commentary: str | None
    as_of_date: date
    id: int
    created_by: str


async def latest_by(
    session: AsyncSession,
    column: InstrumentedAttribute[int | None],
    ids: Sequence[int] | Select[int],
    moment: AsAt,
) -> dict[int, LatestUpdate]:
    """Each item's latest update dated on or before the moment's as_at, of those made by its known_at (a back-dated
    report counts for the date it is dated; one entered after known_at does not). ``ids``: the items', or a query
    for them (every live action, say: thousands of ids are better asked for than sent)."""
    if isinstance(ids, Sequence) and not ids:
        return {}
    update = ProgressUpdate
    rank = func.row_number().over(partition_by=column, order_by=(update.as_of_date.desc(), update.id.desc()))
    ranked = (
        select(
            column.label("item_id"),
            update.status,
            update.rag,
            update.percent_complete,
            update.commentary,
            update.as_of_date,
            update.id,
            update.created_by,
            rank.label("rank"),
        )
        .where(column.in_(ids), *moment.clauses(recorded=update.created_at, dated=update.as_of_date))
        .subquery()
    )
    c = ranked.c
    rows = await (await session.connection()).execute(
        select(c.item_id, c.status, c.rag, c.percent_complete, c.commentary, c.as_of_date, c.id, c.created_by).where(
            c.rank == 1
        )
    )
    return {item_id: LatestUpdate(*fields) for item_id, *fields in rows}


def state_of(update: ProgressUpdate | LatestUpdate | None) -> State:
    return State(update.status, update.as_of_date) if update else State(DeliveryStatus.not_started, None)
