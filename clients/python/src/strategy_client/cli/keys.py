"""`strategy keys ...`: API keys minted, listed and revoked through the admin API (needs an admin key)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

import typer

from strategy_client import models
from strategy_client.cli import output
from strategy_client.cli.output import Format, Listing, Report
from strategy_client.cli.session import client_of
from strategy_client.cli.vocabulary import Scope

keys_app = typer.Typer(
    help="API keys (admin): create, list, revoke.", no_args_is_help=True, rich_markup_mode="markdown"
)
COLUMNS = ("id", "name", "scopes", "kpis", "owners", "created_at", "expires_at", "revoked_at", "last_used_at")


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise typer.BadParameter(f"'{text}' is not a date; write it YYYY-MM-DD.", param_hint="--expires") from error
    return moment if moment.tzinfo else moment.astimezone()


@keys_app.command("create")
def create(
    context: typer.Context,
    name: Annotated[str, typer.Option(help="Who or what uses the key, e.g. 'case management'.")],
    scope: Annotated[list[Scope], typer.Option(help="A scope; repeat for more (--scope read --scope kpi:submit).")],
    kpi: Annotated[list[str] | None, typer.Option(help="Only these KPI codes may be submitted; repeat.")] = None,
    owner: Annotated[list[str] | None, typer.Option(help="Only these owners' actions and projects; repeat.")] = None,
    expires: Annotated[str | None, typer.Option(help="When the key stops working (YYYY-MM-DD or ISO 8601).")] = None,
    note: Annotated[str | None, typer.Option(help="Why the key exists.")] = None,
    format: Annotated[Report, typer.Option("--format", help="table or json.")] = Report.table,
) -> None:
    """Mint a key. Its token is printed this once: only a hash is stored, so keep it now."""
    created = client_of(context).api_keys.create(
        name=name,
        scopes=[item.value for item in scope],
        kpis=kpi or None,
        owners=owner or None,
        expires_at=_moment(expires),
        note=note,
    )
    if format is Report.json:
        output.show(Listing(None, ()), format.as_format, document=created)
        return
    _table([created], "API key created")
    console = output.out()
    if created.key:
        console.print("Token (shown this once; store it now):", highlight=False)
        console.print(created.key, highlight=False, soft_wrap=True)
    else:
        console.print("No token: this answer was a replay. Revoke the key and mint another.", highlight=False)


@keys_app.command("list")
def list_keys(
    context: typer.Context,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """Every key with its scopes and limits (never its token)."""
    found = list(client_of(context).api_keys.list())
    if format is Format.table:
        _table(found, f"{len(found)} API keys")
    else:
        output.show(_listing(found, ""), format, document=found)


@keys_app.command("revoke")
def revoke(
    context: typer.Context,
    key_id: Annotated[str, typer.Argument(metavar="ID", help="The key's public id (strategy keys list).")],
) -> None:
    """Revoke a key at once; its record stays for the audit trail."""
    revoked = client_of(context).api_keys.revoke(key_id)
    output.out().print(f"revoked {revoked.id} ({revoked.name}) at {revoked.revoked_at}", highlight=False)


def _listing(found: Sequence[models.ApiKeyRead | models.ApiKeyCreated], title: str) -> Listing:
    listing = Listing(title, COLUMNS, styles={"id": "bold"})
    for key in found:
        limits = ("any" if codes is None else codes for codes in (key.kpi_codes, key.owner_codes))
        moments = (key.created_at, key.expires_at, key.revoked_at, key.last_used_at)
        listing.add(key.id, key.name, key.scopes, *limits, *moments)
    return listing


def _table(found: Sequence[models.ApiKeyRead | models.ApiKeyCreated], title: str) -> None:
    output.out().print(output.table(_listing(found, title)))
