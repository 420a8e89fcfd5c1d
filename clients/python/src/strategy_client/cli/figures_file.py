"""A figures file as a performance officer saves it from Excel, read before it is sent in chunks.

Taken: UTF-8 with or without a byte-order mark, else Windows-1252 (Excel's plain "CSV"); `,`, `;` or tab between
cells (`;` files are Excel's in locales that write decimal commas, so there `12,5` is read as 12.5); CRLF, LF or CR
line ends; blank lines anywhere; column names in any case, with spaces around them or inside (`Status Symbol`).
Each row keeps the line of the file it starts on (the header is line 1), so every message can name it.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from strategy_client.cli.exits import UsageProblem

COLUMNS = ("kpi", "period", "scope", "value", "numerator", "denominator", "status_symbol", "provisional", "note")
REQUIRED = ("kpi", "period")
NUMERIC = ("value", "numerator", "denominator")
FOR_THE_READER = ("title", "unit")  # `kpi template` writes them to help whoever fills it in; never sent
DELIMITERS = (",", ";", "\t")
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+%?")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Row:
    line: int  # the file's line the row starts on
    cells: dict[str, str]  # by sent column
    beyond: bool = False  # a value stands to the right of the named columns


@dataclass(frozen=True)
class FiguresFile:
    columns: list[str]  # the columns sent, in the file's order
    rows: list[Row]
    encoding: str
    delimiter: str


def read_figures(path: Path) -> FiguresFile:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageProblem(f"Cannot read {path}: {error.strerror or error}.") from error
    text, encoding = decode(data, path)
    delimiter, header = _header(text, path)
    columns = _columns(header, path)
    return FiguresFile(columns, list(_rows(text, delimiter, header, columns)), encoding, delimiter)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith(UTF16_BOMS):
        raise UsageProblem(f"{path} is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'.")
    if b"\x00" in data:
        raise UsageProblem(f"{path} holds NUL bytes: it is not a CSV file.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise UsageProblem(f"{path} is neither UTF-8 nor Windows-1252 (byte 0x{data[error.start]:02X}).") from error


def _header(text: str, path: Path) -> tuple[str, list[str]]:
    """The delimiter whose first row names the required columns (else the one giving most columns), and that row."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise UsageProblem(f"{path} is empty; its first line names the columns: {', '.join(COLUMNS)}.")
    candidates = [(d, [normalise(name) for name in next(csv.reader([first], delimiter=d))]) for d in DELIMITERS]
    for delimiter, names in candidates:
        if all(column in names for column in REQUIRED):
            return delimiter, names
    return max(candidates, key=lambda candidate: len(candidate[1]))


def normalise(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def _columns(header: list[str], path: Path) -> list[str]:
    while header and not header[-1]:
        header.pop()
    known = (*COLUMNS, *FOR_THE_READER)
    problems = [f"missing column '{name}'" for name in REQUIRED if name not in header]
    problems += [f"unknown column '{name}'" for name in header if name and name not in known]
    problems += [f"column {place} has no name" for place, name in enumerate(header, 1) if not name]
    problems += [f"column '{name}' given twice" for name in sorted({n for n in header if n and header.count(n) > 1})]
    if problems:
        raise UsageProblem(
            f"{path}: the header is wrong ({'; '.join(problems)}). Columns expected: {', '.join(REQUIRED)} "
            f"(required), {', '.join(c for c in COLUMNS if c not in REQUIRED)} (optional); "
            "`strategy kpi template` writes a file to fill in."
        )
    return [name for name in header if name in COLUMNS]


def _rows(text: str, delimiter: str, header: list[str], columns: list[str]) -> "list[Row]":
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    seen_header = False
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise UsageProblem(f"line {line}: {error}") from error
        if cells is None:
            return rows
        if not any(cell.strip() for cell in cells):
            continue
        if not seen_header:
            seen_header = True
            continue
        named = dict(zip(header, cells, strict=False))
        sent = {name: _cell(name, named.get(name, ""), delimiter) for name in columns}
        rows.append(Row(line, sent, beyond=any(cell.strip() for cell in cells[len(header) :])))


def _cell(name: str, cell: str, delimiter: str) -> str:
    cell = cell.strip()
    if delimiter == ";" and name in NUMERIC and DECIMAL_COMMA.fullmatch(cell):
        return cell.replace(",", ".")
    return cell


def to_csv(columns: list[str], rows: list[Row]) -> str:
    """Rows as plain CSV (comma, LF, UTF-8), the way the service's CSV submission reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.cells[name] for name in columns] for row in rows)
    return out.getvalue()
