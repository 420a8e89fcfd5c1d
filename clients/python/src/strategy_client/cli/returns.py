"""`strategy returns list`: the KPI returns owed, and which are due, received, late or missing."""

from enum import StrEnum
from typing import Annotated

import typer

from strategy_client._pages import ReturnFilters
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing
from strategy_client.cli.session import client_of

returns_app = typer.Typer(
    help="The KPI returns calendar: which returns are due, received, late or missing.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
COLUMNS = ("kpi", "period", "due", "status", "days_late", "received_at", "accountable", "submitting")


class ReturnStatus(StrEnum):
    due = "due"
    received = "received"
    late = "late"
    missing = "missing"


@returns_app.command("list")
def list_returns(
    context: typer.Context,
    status: Annotated[
        list[ReturnStatus] | None, typer.Option(help="Only returns with this status (repeat for several).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="Owner code, e.g. 'AD SLAC': returns it is accountable for or submits.")
    ] = None,
    kpi: Annotated[str | None, typer.Option(help="Only this KPI's returns (its code).")] = None,
    period: Annotated[str | None, typer.Option(help="Only returns for this period, e.g. 2016-12 or FY2016-17.")] = None,
    due_before: Annotated[
        str | None, typer.Option(help="Only returns due on or before this date (YYYY-MM-DD).")
    ] = None,
    as_at: Annotated[
        str | None, typer.Option(help="Judge them at the end of this date (YYYY-MM-DD; default today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option(help="From the data as known at this moment (ISO 8601 with an offset).")
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """The returns owed, by due date: each KPI's period, when it was due, and whether it came in on time."""
    filters: ReturnFilters = {}
    if status:
        filters["status"] = ",".join(dict.fromkeys(s.value for s in status))
    for name, value in (("owner", owner), ("kpi", kpi), ("period", period), ("due_before", due_before)):
        if value:
            filters[name] = value  # type: ignore[literal-required]
    if as_at:
        filters["as_at"] = as_at
    if known_at:
        filters["known_at"] = known_at
    found = list(client_of(context).returns.list(**filters))
    listing = Listing(f"{len(found)} KPI returns", COLUMNS, styles={"kpi": "bold"}, whole=2)
    for item in found:
        listing.add(
            item.kpi, item.period, item.due_date, item.status, item.days_late, item.received_at,
            item.accountable_owner, item.submitting_owner,
        )  # fmt: skip
    output.show(listing, format, document=found)
