"""Reading a batch body, JSON or CSV, into numbered rows for the submission rules."""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from api.errors import AppError, InvalidInput, ProblemError, unreadable_json
from api.kpis.models import SubmissionFormat
from api.kpis.submissions import MAX_ROWS
from api.kpis.validation import COLUMNS
from api.schemas import WriteModel

CSV_TYPES = ("text/csv", "application/csv")
REQUIRED_COLUMNS = ("kpi", "period")


class UnsupportedMediaType(AppError):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


@dataclass(frozen=True)
class Batch:
    format: SubmissionFormat
    rows: list[tuple[int, dict[str, Any]]]
    source: str | None = None
    reason: str | None = None

    def line_of(self, row: int) -> int | None:
        """CSV rows are also reported by file line: the header is line 1."""
        return row + 1 if self.format is SubmissionFormat.csv else None


def read_batch(content_type: str, body: bytes) -> Batch:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in CSV_TYPES:
        return _csv(body)
    if media_type == "application/json" or media_type.endswith("+json"):
        return _json(body)
    raise UnsupportedMediaType(
        f"Send the rows as application/json or text/csv, not '{media_type or 'no content type'}'."
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


def _csv(body: bytes) -> Batch:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput("The CSV file is not UTF-8 text.") from error
    # strict: an unterminated quote is an error, not the rest of the file swallowed into one cell.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        _check_header([name.strip().lower() for name in reader.fieldnames or []], reader)
        rows = _csv_rows(reader)
    except csv.Error as error:
        message = f"line {reader.line_num + 1}: {error}"  # the record that failed starts after those read
        raise InvalidInput(f"The CSV file cannot be read ({message}).", errors=[_error(["body"], message)]) from error
    if not rows:
        raise InvalidInput("The CSV file holds a header but no rows; send at least one.")
    return Batch(SubmissionFormat.csv, rows)


def _check_header(header: list[str], reader: "csv.DictReader[str]") -> None:
    if not header:
        raise InvalidInput(f"The CSV file is empty; its first line names the columns: {', '.join(COLUMNS)}.")
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if unknown or missing or repeated:
        problems = [f"unknown column '{name}'" for name in unknown] + [f"missing column '{name}'" for name in missing]
        problems += [f"column '{name}' given twice" for name in repeated]
        raise InvalidInput(f"The CSV header is wrong ({'; '.join(problems)}); columns are: {', '.join(COLUMNS)}.")
    reader.fieldnames = header


def _csv_rows(reader: "csv.DictReader[str]") -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, record in enumerate(reader, 1):
        extra = record.pop(None, None)
        cells: dict[str, Any] = {name: value for name, value in record.items() if value not in (None, "")}
        if extra:
            cells["_"] = "more cells than columns"
        rows.append((number, cells))
        _too_many(len(rows))
    return rows
