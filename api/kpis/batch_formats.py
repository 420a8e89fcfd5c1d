"""Reading a batch body, JSON or CSV, into numbered rows for the submission rules."""

import json
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from api import csv_input
from api.errors import InvalidInput, ProblemError, UnsupportedMediaType, unreadable_json
from api.kpis.models import SubmissionFormat
from api.kpis.submissions import MAX_ROWS
from api.kpis.validation import COLUMNS
from api.schemas import WriteModel

REQUIRED_COLUMNS = ("kpi", "period")
NUMERIC_COLUMNS = ("value", "numerator", "denominator")


@dataclass(frozen=True)
class Batch:
    format: SubmissionFormat
    rows: list[tuple[int, dict[str, Any]]]
    source: str | None = None
    reason: str | None = None
    lines: tuple[int, ...] = ()  # a CSV row's line in the file, by row number

    def line_of(self, row: int) -> int | None:
        """CSV rows are also reported by the file line they start on: the header is line 1."""
        return self.lines[row - 1] if self.lines else None


async def read_batch(content_type: str, body: bytes) -> Batch:
    if csv_input.is_csv(content_type):
        return _csv(await csv_input.read_table(content_type, body, max_records=MAX_ROWS))
    media_type = csv_input.media_type(content_type)
    if media_type == "application/json" or media_type.endswith("+json"):
        return _json(body)
    raise UnsupportedMediaType(
        "Send the rows as application/json, text/csv or a CSV file in multipart/form-data, not "
        f"'{media_type or 'no content type'}'."
    )


def _too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise InvalidInput(f"{count:,} rows is more than the {MAX_ROWS:,} one submission may hold; split the file.")


def _json(body: bytes) -> Batch:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidInput(unreadable_json(error)) from error
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        raise InvalidInput('The body must be an object with a "rows" list: {"rows": [{"kpi": ..., ...}]}.')
    rows = document.pop("rows")
    _too_many(len(rows))
    if not rows:
        raise InvalidInput("The batch holds no rows; send at least one.", errors=[_error(["body", "rows"], "empty")])
    try:  # the rest of the envelope as any body is checked; rows are checked one by one, each naming its row
        envelope = Envelope.model_validate(document)
    except ValidationError as error:
        raise RequestValidationError([e | {"loc": ("body", *e["loc"])} for e in error.errors()]) from error
    numbered = [
        (n, row if isinstance(row, dict) else {"_": "each row must be an object"}) for n, row in enumerate(rows, 1)
    ]
    return Batch(SubmissionFormat.json, numbered, envelope.source, envelope.reason)


class Envelope(WriteModel):
    """What a JSON batch says beside its rows."""

    source: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


def _error(loc: list[str | int], message: str) -> ProblemError:
    return ProblemError(loc=loc, msg=message)


def _csv(table: csv_input.Table) -> Batch:
    csv_input.check_header(table.header, known=COLUMNS, required=REQUIRED_COLUMNS)
    if not table.records:
        raise InvalidInput("The CSV file holds a header but no rows; send at least one.")
    rows = [(number, _cells(record)) for number, record in enumerate(table.records, 1)]
    return Batch(SubmissionFormat.csv, rows, lines=tuple(record.line for record in table.records))


def _cells(record: csv_input.Record) -> dict[str, Any]:
    """A row's cells for the row rules: empty cells left out, numbers as a spreadsheet writes them read."""
    if record.beyond:
        return {"_": "a value stands to the right of the last named column"}
    cells = {name: cell for name, cell in record.cells.items() if cell.strip()}
    return cells | {name: csv_input.spreadsheet_number(cells[name]) for name in NUMERIC_COLUMNS if name in cells}
