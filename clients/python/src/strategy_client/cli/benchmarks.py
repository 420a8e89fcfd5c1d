"""`strategy benchmarks ...`: DfE's published statistics imported as a KPI's values through a mapping."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from strategy_client import ApiError, models
from strategy_client.cli import output
from strategy_client.cli.exits import Exit, UsageProblem
from strategy_client.cli.output import Format, Listing, Report
from strategy_client.cli.session import client_of
from strategy_client.cli.uploads import LOCATED

benchmarks_app = typer.Typer(
    help="National benchmarking: import DfE's statistics files.", no_args_is_help=True, rich_markup_mode="markdown"
)
COUNTS = ("rows_read", "rows_used", "values_created", "values_updated", "values_unchanged", "values_kept_local")


@benchmarks_app.command("import")
def import_file(
    context: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The DfE (Explore Education Statistics) CSV file, as published.")
    ],
    mapping: Annotated[str, typer.Option(help="A shipped mapping's name, or a JSON file holding a mapping.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report everything; write nothing.")] = False,
    overwrite_local: Annotated[
        bool, typer.Option("--overwrite-local", help="Let DfE's figures replace ones the council submitted itself.")
    ] = False,
    format: Annotated[Report, typer.Option("--format", help="table or json.")] = Report.table,
) -> None:
    """Import a DfE statistics file as one KPI's figures for England, its regions and every local authority.

    Exit 0 when the file was (or, with --dry-run, would be) imported, 1 when rows of it cannot be.
    """
    content = _read(file)
    client = client_of(context)
    try:
        result = client.benchmarks.imports.create(
            content, mapping=_mapping(mapping), dry_run=dry_run, overwrite_local=overwrite_local, filename=file.name
        )
    except ApiError as error:
        if (problems := file_problems(error)) is None:
            raise
        _show_problems(problems, format, refused=True)
        raise typer.Exit(Exit.refused) from error
    _show(result, format)
    refused = [problem for problem in result.problems if not problem.written]
    raise typer.Exit(Exit.refused if refused else Exit.ok)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise UsageProblem(f"Cannot read {file}: {error.strerror or error}.") from error


def _mapping(given: str) -> str | dict[str, Any]:
    """A path to a JSON file is an inline mapping; anything else is a shipped mapping's name."""
    path = Path(given)
    if not path.is_file():
        return given
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise UsageProblem(f"{path} is not a JSON mapping ({error}).") from error
    if not isinstance(document, dict):
        raise UsageProblem(f"{path} must hold a JSON object (GET /benchmarks/mappings/NAME shows one).")
    document.pop("name", None)
    return document


def file_problems(error: ApiError) -> list[tuple[int | None, str, str]] | None:
    """An import refused for rows of the file (422 naming lines) as (line, column, reason); None otherwise."""
    if error.status != 422:
        return None
    found: list[tuple[int | None, str, str]] = []
    for item in error.problem.errors or []:
        match item.loc:
            case ["file", int(line), str(column)]:
                found.append((line or None, column, LOCATED.sub("", item.msg)))
            case _:
                return None
    return found or None


def _show(result: models.ImportResult, format: Report) -> None:
    if format is Report.json:
        output.show(Listing(None, ()), format.as_format, document=result)
        return
    state = "Dry run: nothing written" if result.dry_run else ("Imported" if result.written else "Nothing changed")
    summary = Listing(f"{state}: {result.kpi} from {result.source}", ("count", "value"))
    for name in (*COUNTS, "places_created"):
        summary.add(name, f"{getattr(result, name):,}")
    summary.add("periods", ", ".join(result.periods))
    summary.add("submission", result.submission_id)
    output.out().print(output.table(summary))
    if result.problems:
        refused = not all(problem.written for problem in result.problems)
        _show_problems(
            [(problem.line, problem.field, problem.reason) for problem in result.problems],
            format,
            refused=refused,
        )


def _show_problems(problems: list[tuple[int | None, str, str]], format: Report, *, refused: bool) -> None:
    title = "Rows that cannot be imported" if refused else "Kept as published, with a note"
    listing = Listing(title, ("line", "field", "reason"))
    for line, column, reason in problems:
        listing.add(line, column, reason)
    output.show(listing, format.as_format)
    if refused:
        rows = len({line for line, _column, _reason in problems})
        output.err().print(f"{rows} rows of the file cannot be imported; nothing was written.", highlight=False)


@benchmarks_app.command("mappings")
def list_mappings(
    context: typer.Context,
    format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
) -> None:
    """The mappings shipped with the service: which DfE file each reads and which KPI it fills."""
    found = list(client_of(context).benchmarks.mappings.list())
    listing = Listing("Shipped mappings", ("name", "kpi", "file", "title"), styles={"name": "bold"})
    for item in found:
        listing.add(item.name, item.kpi, getattr(item, "file", None), item.title)
    output.show(listing, format, document=found)
