"""`strategy kpi submit FILE`: the command, and its report (a summary, then every rejected row by file line)."""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from strategy_client.cli import output
from strategy_client.cli.exits import Exit, UsageProblem, report
from strategy_client.cli.figures_file import read_figures
from strategy_client.cli.output import Listing, Report
from strategy_client.cli.progress import tracker
from strategy_client.cli.session import client_of
from strategy_client.cli.uploads import ChunkFailed, Mode, Outcome, Upload

MAX_CHUNK = 10_000  # the most rows the service takes in one submission


def submit(
    context: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV file, as Excel saves it (UTF-8 or Windows-1252; , or ;).")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")] = False,
    partial: Annotated[
        bool, typer.Option("--partial", help="Land the valid rows even when others are rejected.")
    ] = False,
    source: Annotated[str | None, typer.Option(help="Where the figures come from (default: the file's name).")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, max=MAX_CHUNK, help="Rows per request.")] = 1000,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Show progress (default: on stderr).")
    ] = None,
    format: Annotated[Report, typer.Option("--format", help="table, or json for scripts.")] = Report.table,
) -> None:
    """Submit KPI figures from a CSV file, in chunks, and list every rejected row by its line in the file.

    All or nothing unless --partial: nothing is written if any row is rejected. Exit 0 when every row landed (or,
    with --dry-run, would land), 1 when rows were rejected, 2 for a wrong command or file, 3 when the service or
    the network failed.
    """
    figures = read_figures(file)
    if not figures.rows:
        raise UsageProblem(f"{file} holds a header but no rows of figures.")
    mode: Mode = "partial" if partial else "all_or_nothing"
    upload = Upload(
        client_of(context), figures, chunk_size=chunk_size, mode=mode, dry_run=dry_run, source=source or file.name
    )
    try:
        with tracker(output.err(), progress) as progress_shown:
            outcome = upload.run(progress_shown)
    except ChunkFailed as failure:
        show_outcome(failure.outcome, format)
        code = report(failure.error, output.err())
        output.err().print(
            f"Submissions {', '.join(map(str, failure.outcome.submissions))} were written before the failure; the "
            "other chunks were not. Sending the file again is safe: figures already held come back unchanged."
        )
        raise typer.Exit(code) from failure
    show_outcome(outcome, format)
    raise typer.Exit(Exit.refused if outcome.rejections else Exit.ok)


def show_outcome(outcome: Outcome, format: Report) -> None:
    if format is Report.json:
        output.show(Listing(None, ()), format.as_format, document=_document(outcome))
        return
    console = output.out()
    summary = Listing(
        "Dry run: nothing written" if outcome.dry_run else "Submission",
        ("rows", "created", "updated", "unchanged", "rejected", "submissions"),
    )
    submissions = ", ".join(map(str, outcome.submissions)) or "-"
    summary.add(
        f"{outcome.rows:,}", f"{outcome.created:,}", f"{outcome.updated:,}", f"{outcome.unchanged:,}",
        f"{outcome.rejected:,}", submissions,
    )  # fmt: skip
    console.print(output.table(summary))
    if outcome.rejections:
        rejected = Listing("Rejected rows", ("line", "kpi", "period", "field", "reason"), styles={"line": "bold"})
        for item in outcome.rejections:
            rejected.add(item.line, item.kpi, item.period, item.field, item.reason)
        console.print(output.table(rejected))
    console.print(_verdict(outcome), highlight=False)


def _verdict(outcome: Outcome) -> str:
    rows, rejected = outcome.rows, outcome.rejected
    if not outcome.rejections:
        return f"All {rows:,} rows {'would land' if outcome.dry_run else 'landed'}."
    if outcome.mode == "all_or_nothing" and outcome.written:
        return (
            f"{rejected:,} of {rows:,} rows rejected after submissions {', '.join(map(str, outcome.submissions))} "
            "were written (the service changed between the check and the submission); the later chunks were not "
            "sent. Correct the rows and send the file again: figures already held come back unchanged."
        )
    if outcome.mode == "all_or_nothing":
        return (
            f"{rejected:,} of {rows:,} rows rejected; nothing {'would be' if outcome.dry_run else 'was'} written. "
            "Correct them and send the file again, or send --partial to land the valid rows."
        )
    landed = rows - rejected
    return f"{landed:,} of {rows:,} rows {'would land' if outcome.dry_run else 'landed'}; {rejected:,} rejected."


def _document(outcome: Outcome) -> dict[str, object]:
    return {
        "dry_run": outcome.dry_run,
        "mode": outcome.mode,
        "rows": outcome.rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "rejected": outcome.rejected,
        "written": outcome.written,
        "submissions": outcome.submissions,
        "rejections": [asdict(item) for item in outcome.rejections],
    }
