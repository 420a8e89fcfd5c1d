"""`strategy config ...`: named profiles (URL and key) in the config file, written readable by its owner alone."""

from typing import Annotated

import typer

from strategy_client.cli import output
from strategy_client.cli.output import Listing
from strategy_client.cli.profiles import read_config, write_profile
from strategy_client.cli.session import session_of

config_app = typer.Typer(
    help="Profiles: where the service is and which key to use.", no_args_is_help=True, rich_markup_mode="markdown"
)


@config_app.command("set-profile")
def set_profile(
    context: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The profile's name, e.g. live or test.")],
    url: Annotated[str, typer.Option(help="The service's base URL, e.g. https://strategy.example.gov.uk.")],
    key: Annotated[
        str, typer.Option(help="The API key (asked for, unseen, when not given).", prompt=True, hide_input=True)
    ],
    default: Annotated[bool, typer.Option("--default", help="Use this profile when none is named.")] = False,
) -> None:
    """Add or change a profile in the config file (made readable by you alone: mode 0600, directory 0700)."""
    path = session_of(context).config
    written = write_profile(path, name, {"url": url.rstrip("/"), "key": key}, make_default=default)
    default_note = " (the default)" if written.default_profile == name else ""
    output.err().print(f"profile {name}{default_note} saved in {path}", highlight=False)


@config_app.command("show")
def show(context: typer.Context) -> None:
    """The profiles in the config file (keys shortened) and which one is the default."""
    path = session_of(context).config
    config = read_config(path)
    listing = Listing(str(path), ("profile", "default", "url", "key"))
    for name, values in sorted(config.profiles.items()):
        key = values.get("key", "")
        listing.add(name, name == config.default_profile, values.get("url"), _shortened(key))
    output.out().print(output.table(listing))


def _shortened(key: str) -> str:
    """The token's public part (prefix and key id), never its secret."""
    return key[: key.rfind("_") + 1] + "..." if "_" in key else ("..." if key else "")
