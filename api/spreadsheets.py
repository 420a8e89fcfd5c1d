"""CSV and workbooks the service writes (packs, exports), made safe to open in Excel.

- Formula injection (OWASP, "CSV Injection"): a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return
  is a formula to a spreadsheet, so it gets a leading `'`, which Excel shows as text and does not evaluate. A plain
  number (`-12.5`, a negative gap in pence) is left alone: it is not a formula, and it must stay a number.
  A workbook (XLSX) has a text type of its own: api/packs/workbook.py's `write_text` writes text as text, never as a
  formula, and marks text that begins like one quote-prefixed (Excel's leading `'`, kept outside the value) so that
  editing the cell cannot turn it into one either.
- Encoding: the body starts with a UTF-8 byte-order mark, without which Excel reads UTF-8 as Windows-1252 and the
  strategy's `Children’s` arrives as `Childrenâ€™s`.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from fastapi import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
BOM = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8"


def safe_cell(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """A header row and one row per mapping (missing cells empty), every cell safe, lines ending CRLF."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({name: safe_cell(cell) for name, cell in row.items()} for row in rows)
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A CSV download that Excel opens as UTF-8."""
    body = text if text.startswith(BOM) else BOM + text
    headers = {"Content-Disposition": f'attachment; filename="{filename}.csv"'}
    return Response(body.encode("utf-8"), media_type=MEDIA_TYPE, headers=headers)
