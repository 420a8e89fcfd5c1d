"""`strategy webhooks list|resume`: a key's webhook subscriptions, which are paused and why, and resuming them."""

from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from strategy_client._pages import SubscriptionFilters
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing
from strategy_client.cli.session import client_of

webhooks_app = typer.Typer(
    help="Webhook subscriptions (needs `webhooks:manage`): which are paused after failing, and resuming them.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
COLUMNS = ("id", "status", "url", "events", "failures", "reason")


class SubscriptionStatus(StrEnum):
    active = "active"
    paused = "paused"
    disabled = "disabled"


@webhooks_app.command("list")
def list_subscriptions(
    context: typer.Context,
    status: Annotated[SubscriptionStatus | None, typer.Option(help="Only subscriptions in this state.")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """This key's subscriptions: where each sends, which events, and why one is paused."""
    filters: SubscriptionFilters = {"status": status.value} if status else {}
    found = list(client_of(context).webhooks.list(**filters))
    listing = Listing(f"{len(found)} webhook subscriptions", COLUMNS, styles={"status": "bold"}, whole=2)
    for item in found:
        events = " ".join(str(event) for event in item.event_types)
        listing.add(item.id, item.status, item.url, events, item.consecutive_failures, item.status_reason)
    output.show(listing, format, document=found)


@webhooks_app.command("resume")
def resume(
    context: typer.Context, subscription: Annotated[int, typer.Argument(help="The subscription's id.", min=1)]
) -> None:
    """Resume a paused subscription: what waited for it is sent."""
    client = client_of(context).webhooks
    resumed = client.update(client.get(subscription), status="active")
    Console().print(f"webhook subscription {resumed.id} is {resumed.status}")
