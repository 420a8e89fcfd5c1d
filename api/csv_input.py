"""CSV the service reads, as people send it: saved from Excel or LibreOffice, written by a script, or uploaded in a
form. Every endpoint that takes CSV reads it here, so each takes the same files and words its refusals the same way.

- The body: `text/csv` (or `application/csv`), or `multipart/form-data` with the file in a field named `file` (and
  nothing else, unless the endpoint names a field it takes beside it: an import's inline mapping).
- Encoding: the `charset` the request (or the form's file part) declares, UTF-8 or Windows-1252 (ISO-8859-1 and
  US-ASCII are read as Windows-1252, as browsers read them). Without one: UTF-8, its byte-order mark dropped, or,
  when the bytes are not UTF-8, Windows-1252, which is what Excel's plain "CSV" is on Windows (`’` is byte 0x92).
  A byte-order mark outranks a declared charset. A NUL byte is refused: no text the service keeps may hold one.
- Shape: CRLF, LF or CR line ends; quoted cells may hold line breaks. Empty columns to the right of the named ones
  (Excel's `a,b,c,,,`) and rows with every cell empty are passed over; a value under no column name is an error.
- Lines: every record knows the physical line it starts on (the header is line 1), so a message can send the reader
  to the right line even after a cell that spans lines.
- Numbers: `spreadsheet_number` takes a cell as a spreadsheet shows it (`12.5%`, `1,234.5`, ` 7 `) to the number
  it holds; callers apply it to their numeric columns only.
"""

import codecs
import csv
import io
import re
from collections.abc import AsyncGenerator, Collection, Iterator, Sequence
from dataclasses import dataclass

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from api.errors import InvalidInput, ProblemError, UnsupportedMediaType

CSV_MEDIA_TYPES = ("text/csv", "application/csv")
MULTIPART = "multipart/form-data"
FILE_FIELD = "file"
IN_THE_FIELD = f"in a field named '{FILE_FIELD}' (curl -F {FILE_FIELD}=@figures.csv)"
SEND_FILE = f"send the CSV as a file {IN_THE_FIELD}."
MAX_FORM_FIELDS = 20  # a form holds one file and nothing else; these are only counted, to name them
# charset labels read, and the codec each is read with
CHARSETS = {
    **dict.fromkeys(("utf-8", "utf8"), "utf-8"),
    **dict.fromkeys(("windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "latin1", "latin-1"), "cp1252"),
    **dict.fromkeys(("us-ascii", "ascii"), "cp1252"),
}
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # 1,234 and 1,234.5; never 1,23
LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Record:
    line: int  # the physical line the record starts on; the header is line 1
    cells: dict[str, str]  # by column name, every named column (empty where the row is short)
    beyond: bool  # a value stands to the right of the named columns


@dataclass(frozen=True)
class Table:
    header: list[str]  # column names, stripped and in lower case; empty names at the right end dropped
    records: list[Record]


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def is_csv(content_type: str) -> bool:
    """Whether a request's body is CSV: as itself, or as a file in a form."""
    return media_type(content_type) in (*CSV_MEDIA_TYPES, MULTIPART)


async def read_table(content_type: str, body: bytes, *, max_records: int) -> Table:
    """The CSV a request carries (see is_csv), decoded and read; refused whole (422, 415) if any of it cannot be."""
    charset = charset_of(content_type)
    if media_type(content_type) == MULTIPART:
        charset, body = await _uploaded_file(content_type, body)
    return read_csv(decode(body, charset), max_records=max_records)


def charset_of(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def decode(body: bytes, charset: str | None) -> str:
    """The file's text: see the module's notes for the encodings read."""
    if body.startswith(UTF16_BOMS):
        raise InvalidInput(
            "The CSV file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)' instead."
        )
    if (at := body.find(b"\x00")) >= 0:
        raise _unreadable(f"line {_line_at(body, at)} holds a NUL byte, which no text may hold")
    if body.startswith(codecs.BOM_UTF8):
        return _decoded(body[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8, as its byte-order mark says")
    if charset is None:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return _decoded(body, "cp1252", "UTF-8 or Windows-1252 text")
    if (codec := CHARSETS.get(charset)) is None:
        raise UnsupportedMediaType(
            f"The CSV file's charset '{charset}' is not one this service reads; send UTF-8 (charset=utf-8) or "
            "Windows-1252 (charset=windows-1252), or leave charset out."
        )
    return _decoded(body, codec, f"{'UTF-8' if codec == 'utf-8' else 'Windows-1252'}, as its charset says")


def _decoded(body: bytes, codec: str, expected: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as error:
        at = error.start
        raise _unreadable(f"line {_line_at(body, at)} holds byte 0x{body[at]:02X}, which is not {expected}") from error


def _line_at(body: bytes, offset: int) -> int:
    return len(LINE_BREAK.findall(body[:offset].decode("latin-1"))) + 1


def _unreadable(message: str) -> InvalidInput:
    return InvalidInput(f"The CSV file cannot be read ({message}).", errors=[ProblemError(loc=["body"], msg=message)])


def read_csv(text: str, *, max_records: int) -> Table:
    """The header and the records of a CSV file's text; a file that cannot be read is refused whole, naming the line
    its bad record starts on."""
    rows = _rows(text)
    first = next(rows, None)
    header = [name.strip().lower() for name in first[1]] if first else []
    while header and not header[-1]:
        header.pop()
    records: list[Record] = []
    for line, cells in rows:
        named = cells[: len(header)] + [""] * (len(header) - len(cells))
        beyond = any(cell.strip() for cell in cells[len(header) :])
        records.append(Record(line, dict(zip(header, named, strict=True)), beyond))
        if len(records) > max_records:
            raise InvalidInput(f"The CSV file holds more than {max_records:,} rows; split it.")
    return Table(header, records)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each row that holds anything, with the line it starts on."""
    # strict: an unterminated quote is an error, not the rest of the file swallowed into one cell.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise _unreadable(f"line {line}: {error}") from error
        if cells is None:
            return
        if any(cell.strip() for cell in cells):
            yield line, cells


def spreadsheet_number(cell: str) -> str:
    """A numeric cell as a spreadsheet shows it, to the number it holds: `12.5%` to 12.5 (a percentage already, not
    0.125), `1,234.5` to 1234.5 (only commas that group thousands), spaces around it dropped. Anything else comes
    back as it was, for the column's own check to refuse in its own words."""
    text = cell.strip().removesuffix("%").rstrip()
    if GROUPED.fullmatch(text):
        text = text.replace(",", "")
    return text or cell


def check_header(header: Sequence[str], *, known: Sequence[str] | None, required: Sequence[str]) -> None:
    """Refuse a header that lacks a required column, names one twice, leaves one unnamed between named ones or (when
    ``known`` is given) names one not known; the message lists every problem at once."""
    expected = f"columns are: {', '.join(known)}" if known else f"it needs the columns {', '.join(required)}"
    if not header:
        raise InvalidInput(f"The CSV file is empty; its first line names the columns ({expected}).")
    problems = [f"column {place} has no name" for place, name in enumerate(header, 1) if not name]
    problems += [f"unknown column '{name}'" for name in header if name and known and name not in known]
    problems += [f"missing column '{name}'" for name in required if name not in header]
    problems += [f"column '{name}' given twice" for name in sorted({n for n in header if n and header.count(n) > 1})]
    if problems:
        raise InvalidInput(f"The CSV header is wrong ({'; '.join(problems)}); {expected}.")


@dataclass(frozen=True)
class Upload:
    """A form's CSV file (with the charset its part declares) and the other fields the endpoint takes, as sent."""

    charset: str | None
    content: bytes
    fields: dict[str, bytes]


async def _uploaded_file(content_type: str, body: bytes) -> tuple[str | None, bytes]:
    upload = await uploaded(content_type, body)
    return upload.charset, upload.content


async def uploaded(content_type: str, body: bytes, *, fields: Collection[str] = ()) -> Upload:
    """The one file a form holds in the field `file`, and the fields named in ``fields`` (each as text or as a file,
    at most once); any other field is refused, naming it."""
    parser = MultiPartParser(
        Headers({"content-type": content_type}), _once(body), max_files=2, max_fields=MAX_FORM_FIELDS
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:
        if error.message.startswith("Too many files"):  # the parser stops at the third
            raise InvalidInput(f"The form holds more than 2 files; send one, {IN_THE_FIELD}.") from error
        raise InvalidInput(f"The form cannot be read ({error.message}); {SEND_FILE}") from error
    try:
        taken = {name: value for name, value in form.multi_items() if name in fields}
        upload = _the_file(form, fields)
        extra = {
            name: await value.read() if isinstance(value, UploadFile) else value.encode()
            for name, value in taken.items()
        }
        return Upload(charset_of(upload.headers.get("content-type", "")), await upload.read(), extra)
    finally:
        await form.close()


def _the_file(form: FormData, taken: Collection[str]) -> UploadFile:
    items = [(name, value) for name, value in form.multi_items() if name not in taken]
    files = [(name, value) for name, value in items if isinstance(value, UploadFile)]
    fields = sorted({name for name, value in items if isinstance(value, str)})
    if FILE_FIELD in fields:
        raise InvalidInput(f"The form's field '{FILE_FIELD}' holds text, not a file; {SEND_FILE}")
    if not files:
        raise InvalidInput(f"The form holds no file; {SEND_FILE}")
    if len(files) > 1:
        raise InvalidInput(f"The form holds {len(files)} files; send one, {IN_THE_FIELD}.")
    if (name := files[0][0]) != FILE_FIELD:
        raise InvalidInput(f"The form's file is in a field named '{name}'; {SEND_FILE}")
    if fields:
        takes = f"it takes {', '.join(repr(name) for name in (FILE_FIELD, *taken))}" if taken else ""
        raise InvalidInput(
            f"The form holds fields besides the file ({', '.join(fields)}); "
            + (f"{takes}." if taken else "give options in the query string.")
        )
    repeated = sorted({name for name, _value in form.multi_items() if name in taken and len(form.getlist(name)) > 1})
    if repeated:
        raise InvalidInput(f"The form holds {', '.join(repeated)} more than once; send each once.")
    return files[0][1]


async def _once(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body
