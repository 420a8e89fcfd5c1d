"""`page` and `limit` query parameters and the page envelope every list returns."""

from collections.abc import Sequence
from typing import Annotated, Generic, Self, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas import Moment, QueryModel

MAX_LIMIT = 500
MAX_PAGE = 10_000_000  # keeps the offset well within a 64-bit integer
ItemT = TypeVar("ItemT", bound=BaseModel)
RowT = TypeVar("RowT")


class PageParams(QueryModel):
    """Paging for a list; each list's query model extends it with its filters (unknown parameters are rejected)."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


class ChangedQuery(PageParams):
    """Paging plus `updated_since`, for consumers that sync changes incrementally."""

    updated_since: Moment | None = Field(
        None, description="Only items changed at or after this time, with its offset (e.g. 2016-04-01T00:00:00Z)."
    )


ChangedDep = Annotated[ChangedQuery, Query()]
UpdatedSince = Annotated[
    Moment | None,
    Query(description="Only items changed at or after this time, with its offset (e.g. 2016-04-01T00:00:00Z)."),
]


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    page: int = Field(description="This page's number.")
    limit: int = Field(description="Items per page asked for.")
    total: int = Field(description="Items across all pages.")

    @classmethod
    def whole(cls, items: Sequence[ItemT]) -> Self:
        """A list short enough to send whole, as one page (a limit of at least 1, as a page's limit always is)."""
        return cls(items=list(items), page=1, limit=max(len(items), 1), total=len(items))


async def fetch_page(session: AsyncSession, statement: Select[RowT], params: PageParams) -> tuple[Sequence[RowT], int]:
    """Run an ordered select for one page, and count what the whole select would return, in one query: each row
    carries the whole select's count (a window over the rows before the page is cut). Only a page past the end,
    which has no rows to carry it, costs a second query."""
    counted = statement.add_columns(func.count().over().label("_total"))
    result = (await session.execute(counted.limit(params.limit).offset(params.offset))).unique().all()
    if result:
        return [row[0] for row in result], int(result[0][-1])
    total = await session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return [], int(total or 0)


def page_of(items: Sequence[object], total: int, params: PageParams, item: type[ItemT]) -> Page[ItemT]:
    """Shape ORM rows into a page of read schemas."""
    return Page[item](  # type: ignore[valid-type]
        items=[item.model_validate(row) for row in items],
        page=params.page,
        limit=params.limit,
        total=total,
    )
