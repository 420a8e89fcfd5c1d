"""`strategy`: the command line for the Children's Services strategy service, for performance officers (submit
figures, scorecards, packs) and administrators (benchmark imports, API keys).

Exit codes (strategy_client.cli.exits): 0 done, 1 refused (rejected rows, a lost race), 2 usage (the command, a
file or the configuration), 3 failure (the service, the network, or access refused).
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from strategy_client import StrategyError
from strategy_client.cli import output
from strategy_client.cli.actions import actions_app
from strategy_client.cli.benchmarks import benchmarks_app
from strategy_client.cli.config import config_app
from strategy_client.cli.exits import Exit, Refused, UsageProblem, report
from strategy_client.cli.keys import keys_app
from strategy_client.cli.kpi import kpi_app
from strategy_client.cli.meetings import meetings_app
from strategy_client.cli.packs import pack
from strategy_client.cli.profiles import KEY_VARIABLE, PROFILE_VARIABLE, URL_VARIABLE, config_path
from strategy_client.cli.returns import returns_app
from strategy_client.cli.session import Session
from strategy_client.cli.sign_offs import sign_offs_app
from strategy_client.cli.standings import scorecard
from strategy_client.cli.webhooks import webhooks_app

HELP = "\n\n".join(  # paragraphs of one line each: Typer keeps line breaks inside a paragraph
    (
        "The Children's Services strategy service from the command line: submit KPI figures, see the scorecard and a "
        "KPI's status, report on actions, print governance packs, import DfE's statistics, manage API keys.",
        "The service and key come from --url and --key, a --profile, STRATEGY_API_URL and STRATEGY_API_KEY, or the "
        "default profile in ~/.config/strategy/config.toml (strategy config set-profile).",
        "Exit codes: 0 done; 1 refused (rejected rows, a lost race with another writer); 2 usage (the command, a file "
        "or the configuration is wrong, or names what the service does not hold); 3 failure (the service or the "
        "network failed, or the key was refused).",
    )
)


class Guarded(TyperGroup):
    """Every command's failures become a message on stderr and the exit code the scheme gives them."""

    # typer.Context: Typer's own click (0.29 on) or click's Context, depending on the version installed
    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except UsageProblem as problem:
            output.err().print(f"[bold red]error[/]: {escape(str(problem))}")
            raise typer.Exit(Exit.usage) from problem
        except Refused as refusal:
            output.err().print(f"[bold red]refused[/]: {escape(str(refusal))}")
            raise typer.Exit(Exit.refused) from refusal
        except StrategyError as error:
            raise typer.Exit(report(error, output.err())) from error


app = typer.Typer(
    cls=Guarded,
    name="strategy",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.add_typer(kpi_app, name="kpi")
app.command("scorecard")(scorecard)
app.add_typer(actions_app, name="actions")
app.command("pack")(pack)
app.add_typer(returns_app, name="returns")
app.add_typer(sign_offs_app, name="sign-offs")
app.add_typer(meetings_app, name="meetings")
app.add_typer(benchmarks_app, name="benchmarks")
app.add_typer(keys_app, name="keys")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(config_app, name="config")


def _version(shown: bool) -> None:
    if shown:
        try:
            typer.echo(f"strategy {version('strategy-client')}")
        except PackageNotFoundError:
            typer.echo("strategy (version unknown: not installed)")
        raise typer.Exit()


@app.callback()
def connect(
    context: typer.Context,
    url: Annotated[
        str | None, typer.Option(help=f"The service's base URL (else ${URL_VARIABLE}, else a profile).")
    ] = None,
    key: Annotated[str | None, typer.Option(help=f"API key (else ${KEY_VARIABLE}, else a profile).")] = None,
    profile: Annotated[
        str | None, typer.Option(help=f"A profile in the config file (else ${PROFILE_VARIABLE}, else its default).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="The config file (default: ~/.config/strategy/config.toml).")
    ] = None,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for each answer.")] = 60.0,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
) -> None:
    """Connection options, given before the command: strategy --profile live kpi submit figures.csv"""
    session = Session(url=url, key=key, profile=profile, timeout=timeout, config=config or config_path())
    context.obj = session
    context.call_on_close(session.close)


def main() -> None:
    app(prog_name="strategy")
