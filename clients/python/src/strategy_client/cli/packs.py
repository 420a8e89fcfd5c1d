"""`strategy pack BODY`: what a governance body should see, as printable HTML, CSV for Excel, JSON, a PDF or an Excel
workbook."""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from strategy_client.cli import output
from strategy_client.cli.exits import UsageProblem
from strategy_client.cli.session import client_of


class PackFormat(StrEnum):
    html = "html"
    csv = "csv"
    json = "json"
    pdf = "pdf"
    xlsx = "xlsx"


def pack(
    context: typer.Context,
    body: Annotated[
        str,
        typer.Argument(metavar="BODY", help="Governance body key or code: csmt, CSMT, childrens-programme-board ..."),
    ],
    period: Annotated[str | None, typer.Option(help="e.g. 2016/17 or FY2016-17 (default: the latest).")] = None,
    as_at: Annotated[
        str | None, typer.Option(help="The date it reports as at (YYYY-MM-DD; default: the period's end or today).")
    ] = None,
    known_at: Annotated[
        str | None, typer.Option(help="The data as known at this moment (ISO 8601 with an offset; default: now).")
    ] = None,
    format: Annotated[
        PackFormat,
        typer.Option("--format", help="html (printable), csv (opens in Excel), json, pdf or xlsx (an Excel workbook)."),
    ] = PackFormat.html,
    out: Annotated[Path | None, typer.Option("-o", "--output", help="Write the pack here (default: stdout).")] = None,
) -> None:
    """Assemble a governance body's pack: the actions, KPIs, exceptions and projects routed to it."""
    if out is None and format in (PackFormat.pdf, PackFormat.xlsx) and sys.stdout.isatty():
        raise UsageProblem(f"A {format.value} pack is a file, not text for a terminal: give -o FILE (or pipe it).")
    found = client_of(context).packs.get(body, period=period, as_at=as_at, known_at=known_at, format=format.value)
    text = found if isinstance(found, str | bytes) else output.to_json(found) + "\n"
    if out is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    content = text if isinstance(text, bytes) else text.encode("utf-8")  # a CSV's byte-order mark is in its text
    try:
        out.write_bytes(content)
    except OSError as error:
        raise UsageProblem(f"Cannot write {out}: {error.strerror or error}.") from error
    output.err().print(f"wrote {out} ({format.value}, {len(content):,} bytes)", highlight=False)
