"""What the commands print: Rich tables on a terminal, the same rows as CSV or JSON on request, and never a colour
code in output that is not going to a terminal (Rich leaves them out there, and for CSV and JSON always)."""

import csv
import io
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

PIPE_WIDTH = 200  # a table written to a file or a pipe is cut at this width rather than Rich's 80


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Report(StrEnum):
    """For a command that reports what it did (a summary and a list): a table, or JSON for a script."""

    table = "table"
    json = "json"

    @property
    def as_format(self) -> Format:
        return Format(self.value)


def _console(*, stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty() or bool(os.environ.get("FORCE_COLOR"))
    width = None if terminal or os.environ.get("COLUMNS") else PIPE_WIDTH
    return Console(file=stream, stderr=stderr, highlight=False, width=width, soft_wrap=False)


def out() -> Console:
    """stdout, created on use so that a test's captured streams are the ones written to."""
    return _console(stderr=False)


def err() -> Console:
    return _console(stderr=True)


@dataclass
class Listing:
    """Rows to print as a table, CSV or JSON: the same columns in each."""

    title: str | None
    columns: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    styles: Mapping[str, str] = field(default_factory=dict)  # column -> Rich style, tables only
    whole: int = 1  # the first columns, which a table never cuts: what a user types back (a code, a key, a line)

    def add(self, *cells: Any) -> None:
        self.rows.append(cells)


def show(listing: Listing, format: Format, *, document: Any = None) -> None:
    """Print a listing; for JSON, ``document`` (the service's own answer) when given, else the rows as objects."""
    if format is Format.json:
        rows = [
            {
                name: cell_text(cell) if isinstance(cell, Text) else plain(cell)
                for name, cell in zip(listing.columns, row, strict=True)
            }
            for row in listing.rows
        ]
        payload = document if document is not None else rows
        sys.stdout.write(to_json(payload) + "\n")
    elif format is Format.csv:
        sys.stdout.write(to_csv(listing.columns, listing.rows))
    else:
        out().print(table(listing))


def table(listing: Listing) -> Table:
    view = Table(title=listing.title, title_justify="left")
    for place, column in enumerate(listing.columns):
        widest = max((len(cell_text(row[place])) for row in listing.rows), default=0)
        whole = {"no_wrap": True, "min_width": widest} if place < listing.whole else {}
        view.add_column(column.replace("_", " "), style=listing.styles.get(column), **whole)  # type: ignore[arg-type]
    for row in listing.rows:
        view.add_row(*(cell if isinstance(cell, Text) else escape(cell_text(cell)) for cell in row))
    return view


def cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    if isinstance(cell, Enum):
        return str(cell.value)
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, list | tuple):
        return ", ".join(cell_text(item) for item in cell)
    return str(cell)


def word(value: Any) -> str:
    """An enum member's value (or anything else) as text."""
    return cell_text(value)


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell_text(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def to_json(payload: Any) -> str:
    return json.dumps(plain(payload), indent=2, ensure_ascii=False)


def plain(value: Any) -> Any:
    """Models and the values inside them as JSON would carry them."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
