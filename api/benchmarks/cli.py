"""`python -m api benchmarks ...`: DfE's published statistics imported through a mapping, from the command line, as
POST /benchmarks/imports does (audited as the CLI's user); and the mappings the seed ships."""

import asyncio
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Column, Table

from api import csv_input
from api.auth.principal import system_actor
from api.benchmarks import imports, mapping
from api.benchmarks.schemas import ImportResult
from api.db import get_sessionmaker
from api.errors import AppError
from api.settings import get_settings

cli = typer.Typer(
    help="National benchmarking: DfE's published statistics imported as KPI values.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console()
MAPPING_FILES = (".json", ".yaml", ".yml")


@cli.command("mappings")
def list_mappings() -> None:
    """The mappings shipped with the seed (seed/national/mappings.yaml), with the KPI and file each is for."""
    # the name is what `import --mapping` takes: never cut; the rest folds to fit the terminal
    table = Table(
        Column("name", no_wrap=True), Column("kpi", overflow="fold"), Column("file", overflow="fold"), "title"
    )
    for name, found in mapping.shipped().items():
        table.add_row(name, found.kpi, found.file or "-", found.title or "-")
    console.print(table)


def _mapping(given: str) -> tuple[mapping.Mapping, str | None]:
    """A shipped mapping by name, or one in a JSON or YAML file (then unnamed, as an inline one is)."""
    path = Path(given)
    if path.suffix.lower() not in MAPPING_FILES:
        return mapping.named(given), given
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML reads JSON too
    return mapping.inline(json.dumps(raw, default=str)), None


async def _import(file: Path, given: str, *, dry_run: bool, overwrite_local: bool) -> ImportResult:
    found, name = _mapping(given)
    table = csv_input.read_csv(csv_input.decode(file.read_bytes(), None), max_records=imports.MAX_FILE_ROWS)
    async with get_sessionmaker()() as session, session.begin():
        return await imports.import_file(
            session,
            imports.Received(table, found, name),
            actor=system_actor(f"cli:{getpass.getuser()}"),
            dry_run=dry_run,
            overwrite_local=overwrite_local,
        )


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The EES tidy-data CSV file.")],
    mapping_given: Annotated[
        str, typer.Option("--mapping", help="A shipped mapping's name, or a mapping in a .json or .yaml file.")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
    overwrite_local: Annotated[
        bool, typer.Option("--overwrite-local", help="Replace the council's own locally submitted figures.")
    ] = False,
) -> None:
    """Import a DfE statistics file as one KPI's values, as POST /api/v1/benchmarks/imports does."""
    try:
        result = asyncio.run(_import(file, mapping_given, dry_run=dry_run, overwrite_local=overwrite_local))
    except (AppError, OSError, yaml.YAMLError) as error:
        console.print(f"[bold red]not imported[/]: {error}", soft_wrap=True)
        for problem in (error.errors or []) if isinstance(error, AppError) else []:
            console.print(f"  {problem.msg}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    _print(result)


def _print(result: ImportResult) -> None:
    verb = "would import (dry run)" if result.dry_run else "imported" if result.written else "nothing changed"
    console.print(f"{verb}: {result.kpi} ({result.mapping or 'an inline mapping'})", soft_wrap=True)
    table = Table()
    table.add_column("")
    table.add_column("count", justify="right")
    counts = {
        "rows read": result.rows_read,
        "rows used": result.rows_used,
        "values created": result.values_created,
        "values updated": result.values_updated,
        "values unchanged": result.values_unchanged,
        "council figures kept (local)": result.values_kept_local,
        "places created": result.places_created,
    }
    for label, count in counts.items():
        table.add_row(label, f"{count:,}")
    console.print(table)
    if result.periods:
        console.print(f"periods: {result.periods[0]} to {result.periods[-1]} ({len(result.periods)})")
    if result.submission_id:
        console.print(f"submission {result.submission_id} (GET /api/v1/kpi-submissions/{result.submission_id})")
    for problem in result.problems:
        refused = "" if problem.written else "cannot be imported: "
        line = f"  line {problem.line}, {problem.field}: {refused}{problem.reason}"
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@cli.command("import-shipped")
def import_shipped() -> None:
    """Import every DfE file the seed ships (seed/national/) through its mapping; re-running changes nothing."""
    try:
        asyncio.run(_import_shipped())  # one event loop for all: the database engine is bound to it
    except (AppError, OSError) as error:
        console.print(f"[bold red]not imported[/]: {error}", soft_wrap=True)
        raise typer.Exit(1) from error


async def _import_shipped() -> None:
    national = (get_settings().seed_path / mapping.SHIPPED).parent
    for name, found in mapping.shipped().items():
        if not found.file:
            continue
        result = await _import(national / found.file, name, dry_run=False, overwrite_local=False)
        console.print(
            f"{name}: {result.values_created:,} figures created, {result.values_updated:,} updated, "
            f"{result.values_unchanged:,} unchanged ({found.kpi})",
            soft_wrap=True,
        )
