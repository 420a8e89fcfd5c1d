"""`strategy actions ...`: the business improvement actions reported to CSMT, and their progress reports."""

from datetime import date
from typing import Annotated

import typer

from strategy_client import models
from strategy_client._pages import ActionFilters
from strategy_client.cli import output
from strategy_client.cli.exits import Refused, UsageProblem
from strategy_client.cli.output import Format, Listing, Report
from strategy_client.cli.session import client_of
from strategy_client.cli.vocabulary import DeliveryStatus, Rag

actions_app = typer.Typer(
    help="Business improvement actions: list them, report progress.", no_args_is_help=True, rich_markup_mode="markdown"
)
COLUMNS = ("key", "focus_area", "what", "due", "owners", "status", "rag", "overdue", "stale", "last_update")


@actions_app.command("list")
def list_actions(
    context: typer.Context,
    owner: Annotated[
        str | None, typer.Option(help="Owner key, e.g. ad-slac: actions it is one of the owners of.")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only actions past a due date and not complete.")] = False,
    stale: Annotated[
        bool, typer.Option("--stale", help="Only ongoing actions with no recent progress report.")
    ] = False,
    focus_area: Annotated[str | None, typer.Option(help="Only this focus area's actions (its key).")] = None,
    status: Annotated[DeliveryStatus | None, typer.Option(help="Only actions with this status.")] = None,
    rag: Annotated[Rag | None, typer.Option(help="Only actions with this RAG rating.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Judge overdue and stale as at this date (YYYY-MM-DD).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Actions by focus area, with status, RAG and whether each is overdue or stale."""
    filters: ActionFilters = {}
    if owner:
        filters["owner"] = owner
    if focus_area:
        filters["focus_area"] = focus_area
    if status:
        filters["status"] = status.value
    if rag:
        filters["rag"] = rag.value
    if overdue:
        filters["overdue"] = True
    if stale:
        filters["stale"] = True
    if as_of:
        filters["as_of"] = _day(as_of)
    found = list(client_of(context).actions.list(**filters))
    listing = Listing(f"{len(found)} business improvement actions", COLUMNS, styles={"key": "bold"})
    for action in found:
        owners = [owner.code for owner in action.owners]
        listing.add(
            action.key, action.focus_area, action.what, action.due_text, owners, action.status, action.rag,
            action.overdue, action.stale, action.last_update_on,
        )  # fmt: skip
    output.show(listing, format, document=found)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"'{text}' is not a date; write it YYYY-MM-DD.", param_hint="--as-of") from error


@actions_app.command("update")
def update_action(
    context: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The action's key (strategy actions list).")],
    status: Annotated[DeliveryStatus | None, typer.Option(help="Its status now (default: as it stands).")] = None,
    rag: Annotated[Rag | None, typer.Option(help="Its RAG rating now (default: as it stands).")] = None,
    comment: Annotated[str | None, typer.Option(help="Commentary for the progress report.")] = None,
    percent: Annotated[int | None, typer.Option(min=0, max=100, help="Percent complete.")] = None,
    as_of: Annotated[str | None, typer.Option(help="The date the report describes (default: today).")] = None,
    set_comments: Annotated[
        str | None, typer.Option(help="Replace the action's Comments column (sent with the ETag of the read).")
    ] = None,
    if_version: Annotated[
        int | None, typer.Option(help="Only if the action is still at this version (actions list shows it).")
    ] = None,
    format: Annotated[Report, typer.Option("--format", help="table or json.")] = Report.table,
) -> None:
    """Report an action's progress (status, RAG, commentary); --set-comments also edits its Comments column.

    The action is read first and the Comments edit carries its ETag (or --if-version's): if someone changed the
    action since, the edit is refused (exit 1) and nothing is reported.
    """
    reported = any(value is not None for value in (status, rag, comment, percent, as_of))
    if not reported and set_comments is None:
        raise UsageProblem("Say what to report: --status, --rag, --comment, --percent or --set-comments.")
    day = _day(as_of) if as_of else date.today()
    client = client_of(context)
    action = client.actions.get(key)
    if if_version is not None and action.version != if_version:
        raise Refused(f"{key} is at version {action.version}, not {if_version}: someone changed it; read it again.")
    if set_comments is not None:
        expected = f'"{if_version}"' if if_version is not None else None  # the service's ETag is the quoted version
        action = client.actions.update(action, comments=set_comments, if_match=expected)
    if reported:
        client.actions.updates.create(
            key,
            status=status.value if status else output.word(action.status),
            rag=rag.value if rag else (output.word(action.rag) if action.rag else None),
            percent_complete=percent if percent is not None else action.percent_complete,
            commentary=comment,
            as_of=day,
        )
        action = client.actions.get(key)
    _show(action, format)


def _show(action: models.ActionDetail, format: Report) -> None:
    listing = Listing(f"{action.key}: {action.what}", ("field", "value"))
    for name in ("status", "rag", "percent_complete", "last_update_on", "due_text", "overdue", "stale", "comments"):
        listing.add(name, getattr(action, name))
    listing.add("version", getattr(action, "etag", None) or action.version)
    output.show(listing, format.as_format, document=action)
