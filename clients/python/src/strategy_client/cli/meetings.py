"""`strategy meetings list` and `strategy meetings decisions`: governance bodies' meetings and what they decided."""

from typing import Annotated

import typer

from strategy_client._pages import DecisionFilters, MeetingFilters
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing
from strategy_client.cli.session import client_of

meetings_app = typer.Typer(
    help="Governance bodies' meetings, their agendas (the packs issued for the date) and decisions logs.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
MEETING_COLUMNS = ("id", "body", "date", "status", "title", "agenda_items")
DECISION_COLUMNS = ("meeting", "body", "date", "number", "decision", "outcome", "concerns", "actions_arising")
FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json.")]


@meetings_app.command("list")
def list_meetings(
    context: typer.Context,
    body: Annotated[str | None, typer.Option(help="Only this governance body's meetings (its key, e.g. csmt).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Meetings on or after this date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Meetings on or before this date.")] = None,
    format: FormatOption = Format.table,
) -> None:
    """Meetings, latest first: each body's date, status and other agenda items."""
    filters: MeetingFilters = {}
    if body:
        filters["body"] = body
    if date_from:
        filters["from_"] = date_from
    if date_to:
        filters["to"] = date_to
    found = list(client_of(context).meetings.list(**filters))
    listing = Listing(f"{len(found)} meetings", MEETING_COLUMNS, styles={"body": "bold"}, whole=3)
    for item in found:
        listing.add(item.id, item.body, item.meeting_date, item.status, item.title, ", ".join(item.agenda_items))
    output.show(listing, format, document=found)


@meetings_app.command("decisions")
def list_decisions(
    context: typer.Context,
    item: Annotated[
        str | None, typer.Option(help="Only decisions concerning this item, e.g. kpi:neet-not-known-16-19.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only decisions this action (its key) arises from.")] = None,
    body: Annotated[str | None, typer.Option(help="Only this governance body's decisions (its key).")] = None,
    format: FormatOption = Format.table,
) -> None:
    """Decisions across meetings, latest meeting first, with the items they concern and the actions arising."""
    filters: DecisionFilters = {}
    for name, value in (("item", item), ("action", action), ("body", body)):
        if value:
            filters[name] = value  # type: ignore[literal-required]
    found = list(client_of(context).meetings.decisions(**filters))
    listing = Listing(f"{len(found)} decisions", DECISION_COLUMNS, styles={"body": "bold"}, whole=4)
    for one in found:
        arising = ", ".join(action.key for action in one.actions_arising)
        listing.add(
            one.meeting_id, one.body, one.meeting_date, one.number, one.text, one.procedure_outcome,
            ", ".join(one.concerns), arising,
        )  # fmt: skip
    output.show(listing, format, document=found)
