"""`strategy sign-offs list | approve | return`: the approvers' queue, and deciding on a figure."""

from enum import StrEnum
from typing import Annotated

import typer

from strategy_client._pages import SignOffFilters
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing
from strategy_client.cli.session import client_of

sign_offs_app = typer.Typer(
    help="Sign-off: figures awaiting an accountable officer's approval; approving or returning one.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
COLUMNS = ("kpi", "scope", "period", "revision", "value", "submitted_by", "accountable", "state")
Scope = Annotated[str | None, typer.Option(help="The scope (default: the borough).")]


class State(StrEnum):
    awaiting_sign_off = "awaiting_sign_off"
    approved = "approved"
    returned = "returned"


@sign_offs_app.command("list")
def list_sign_offs(
    context: typer.Context,
    state: Annotated[State, typer.Option(help="Where the latest revision stands.")] = State.awaiting_sign_off,
    owner: Annotated[str | None, typer.Option(help="Only KPIs this owner is accountable for, e.g. 'AD SLAC'.")] = None,
    kpi: Annotated[str | None, typer.Option(help="Only this KPI's figures (its code).")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """The figures awaiting sign-off (or approved, or returned), oldest first, with who is accountable."""
    filters: SignOffFilters = {"state": state.value}
    if owner:
        filters["owner"] = owner
    if kpi:
        filters["kpi"] = kpi
    found = list(client_of(context).sign_offs.list(**filters))
    listing = Listing(f"{len(found)} figures {state.value.replace('_', ' ')}", COLUMNS, styles={"kpi": "bold"})
    for item in found:
        listing.add(
            item.kpi, item.scope, item.period, item.revision, item.value, item.submitted_by,
            item.accountable_owner, item.sign_off_state,
        )  # fmt: skip
    output.show(listing, format, document=found)


@sign_offs_app.command("approve")
def approve(
    context: typer.Context,
    kpi: Annotated[str, typer.Argument(help="The KPI's code.")],
    period: Annotated[str, typer.Argument(help="The period, e.g. FY2016-17.")],
    revision: Annotated[int, typer.Argument(help="The revision checked (refused if corrected since).")],
    scope: Scope = None,
) -> None:
    """Approve a figure's revision (needs the `approve` scope; never a figure your key submitted)."""
    signed = client_of(context).kpis.values.sign_off(kpi, period, revision, scope=scope)
    typer.echo(f"{kpi} {signed.period} revision {signed.revision}: {signed.sign_off_state}")


@sign_offs_app.command("return")
def return_figure(
    context: typer.Context,
    kpi: Annotated[str, typer.Argument(help="The KPI's code.")],
    period: Annotated[str, typer.Argument(help="The period, e.g. FY2016-17.")],
    revision: Annotated[int, typer.Argument(help="The revision checked.")],
    reasons: Annotated[str, typer.Option(help="Why it is returned (required).")],
    scope: Scope = None,
) -> None:
    """Return a figure's revision with reasons: a corrected figure is needed."""
    signed = client_of(context).kpis.values.sign_off(kpi, period, revision, approve=False, reasons=reasons, scope=scope)
    typer.echo(f"{kpi} {signed.period} revision {signed.revision}: {signed.sign_off_state}")
