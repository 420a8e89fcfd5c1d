"""`python -m api kpis ...`: national indicators from DfE's LAIT dictionary, listed and adopted as KPIs."""

import asyncio
import getpass
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Column, Table

from api.auth.principal import system_actor
from api.db import get_sessionmaker
from api.errors import AppError
from api.kpis import national
from api.kpis.models import Kpi, Tier
from api.kpis.schemas import NationalAdoption, NationalIndicatorQuery

cli = typer.Typer(
    help="National indicators (DfE's LAIT dictionary) adopted as KPIs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console()


@cli.command("national")
def list_national(
    topic: Annotated[str | None, typer.Option(help="Only this LAIT topic, e.g. 'Child Protection'.")] = None,
    search: Annotated[str | None, typer.Option("--q", help="Text in the measure or title.")] = None,
) -> None:
    """The national indicators a KPI can adopt, with their keys."""
    try:
        found = national.search(NationalIndicatorQuery(topic=topic, q=search))
    except ValidationError as error:
        console.print(f"[red]not listed[/]: {error.errors()[0]['msg']}")
        raise typer.Exit(1) from error
    table = Table("code", "topic", "title", "unit", "polarity", "period")
    table.columns.insert(0, Column("key", no_wrap=True))  # what `adopt` takes: never cut
    for row in found:
        kinds = (row.unit.value, row.polarity.value, row.period_type.value)
        table.add_row(row.key, row.national_code or "-", row.topic, row.title, *kinds)
    console.print(table)


async def _adopt(key: str, data: NationalAdoption) -> Kpi:
    async with get_sessionmaker()() as session, session.begin():
        return await national.adopt(session, key, data, actor=system_actor(f"cli:{getpass.getuser()}"))


@cli.command("adopt")
def adopt(
    key: Annotated[str, typer.Argument(help="The national indicator's key (python -m api kpis national).")],
    code: Annotated[str, typer.Option(help="The KPI's code in this service.")],
    tier: Annotated[Tier, typer.Option(help="The KPI's tier.")] = Tier.service_indicator,
    focus_area: Annotated[str | None, typer.Option(help="Focus area key.")] = None,
) -> None:
    """Define a KPI from a national indicator in one step, as POST /national-indicators/{key}/adoptions does."""
    try:
        kpi = asyncio.run(_adopt(key, NationalAdoption(code=code, tier=tier, focus_area=focus_area)))
    except (AppError, ValidationError) as error:
        message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        console.print(f"[red]not adopted[/]: {message}")
        raise typer.Exit(1) from error
    kinds = f"{kpi.unit.value}, {kpi.polarity.value}, by {kpi.period_type.value.replace('_', ' ')}"
    console.print(f"adopted {key} as KPI {kpi.code} ({kinds})")
