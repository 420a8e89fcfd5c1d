"""Command line: `python -m api serve | worker | migrate | seed load | seed export | keys ... | kpis ... |
benchmarks ...`."""

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from api import schema
from api.auth.cli import cli as keys_cli
from api.benchmarks.cli import cli as benchmarks_cli
from api.kpis.cli import cli as kpis_cli
from api.quality.schemas import QualityReport
from api.seeding import service as seeding
from api.seeding.reader import SeedInvalid
from api.seeding.sync import Tally
from api.settings import get_settings
from api.webhooks import worker as webhooks_worker

cli = typer.Typer(
    help="Children's Services strategy service.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
seed_cli = typer.Typer(
    help="Load the strategy from seed files, or export it back to them.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
cli.add_typer(seed_cli, name="seed")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(kpis_cli, name="kpis")
cli.add_typer(benchmarks_cli, name="benchmarks")
console = Console()
errors = Console(stderr=True)


@cli.command()
def migrate(revision: Annotated[str, typer.Argument(help="Alembic revision to upgrade to.")] = "head") -> None:
    """Upgrade the configured database (DATABASE_URL) to the latest schema."""
    schema.upgrade(get_settings().database_url, revision)
    console.print(f"database at {revision}")


@cli.command()
def serve(
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (use several on Postgres).")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn on HOST:PORT."""
    settings = get_settings()
    console.print(f"serving on http://{settings.host}:{settings.port}  (API docs: /docs)")
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        reload=reload,
        log_level=settings.log_level,
    )


@cli.command()
def worker() -> None:
    """Deliver webhooks and sweep for overdue actions, late returns, exceptions and rating changes (Ctrl-C stops)."""
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    console.print("webhook worker running (Ctrl-C stops it)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(webhooks_worker.run())


@seed_cli.command("load")
def seed_load(
    path: Annotated[Path | None, typer.Argument(help="Seed directory (default: SEED_PATH, ./seed).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the totals.")] = False,
) -> None:
    """Validate the seed files and load them in one transaction; print what changed and the data-quality report."""
    directory = path or get_settings().seed_path
    if not directory.is_dir():
        console.print(f"no seed directory at {directory}; nothing loaded")
        return
    try:
        tally, report = asyncio.run(seeding.load_seed(directory))
    except SeedInvalid as invalid:
        errors.print(f"[bold red]seed not loaded[/]: {len(invalid.problems)} problem(s); the database is unchanged")
        for problem in invalid.problems:
            errors.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from invalid
    _print_tally(tally)
    _print_quality(report, quiet=quiet)


@seed_cli.command("export")
def seed_export(path: Annotated[Path, typer.Argument(help="Directory to write the seed files into.")]) -> None:
    """Write the database back out in the seed format."""
    written = asyncio.run(seeding.export_seed(path))
    console.print(f"wrote {written} files to {path}")


def _print_tally(tally: Tally) -> None:
    table = Table(title="seed load", title_justify="left")
    for column in ("items", "created", "updated", "unchanged"):
        table.add_column(column, justify="left" if column == "items" else "right")
    for kind, counts in tally.counts.items():
        table.add_row(kind, *(str(counts[o]) for o in ("created", "updated", "unchanged")))
    console.print(table)
    for kind, keys in tally.not_in_seed.items():
        console.print(f"kept, but no longer in the seed ({kind}): {', '.join(keys)}")


def _print_quality(report: QualityReport, *, quiet: bool) -> None:
    counts = ", ".join(f"{count} {severity}" for severity, count in report.summary.items())
    console.print(f"data quality: {counts}  (full report: GET /api/v1/data-quality)", soft_wrap=True)
    if quiet:
        return
    for issue in report.issues:
        where = f"{issue.resource} {issue.key}" + (f" .{issue.field}" if issue.field else "")
        value = f"  [{issue.value}]" if issue.value else ""
        console.print(
            f"  {issue.severity.value:7} {issue.check.value:24} {where}: {issue.message}{value}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


if __name__ == "__main__":
    cli()
