"""An EES tidy-data file read through a mapping (api/benchmarks/mapping.py): its rows become one KPI's figures, one
per period and place. Pure rules over the file as read (api/csv_input.py); api/benchmarks/imports.py writes them.

- A row's place is England, a region or a local authority, by its `geographic_level` (National, Regional, Local
  authority) and the GSS code for that level; rows at other levels (a constituency, a school) are not used.
- A row's period is its `time_period` and `time_identifier`, as api/benchmarks/ees.py reads them.
- A cell holds a figure or a GSS symbol (c, x, z, k, u, low), which becomes the value's status, never a number.
- One figure per period and place: two rows that both match are a problem naming both lines and the columns they
  differ in, so that the mapping can filter on them; summed rows are one per value of the column summed over.
- A sum with a withheld part is withheld too (nobody can add up a suppressed count): under the strongest of its
  parts' symbols, confidential first. Counts summed are kept with the sum; the rate is worked out from them as any
  percentage given as counts is (api/kpis/validation.py). Nobody counted (a denominator of 0) is not applicable.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from api.benchmarks.ees import EesValueError, ValueFormat, parse_value, period_code
from api.benchmarks.geography import Place
from api.benchmarks.mapping import Mapping, by_column
from api.csv_input import Record, Table
from api.errors import InvalidInput, ProblemError
from api.kpis.models import GeographyLevel, StatusSymbol

LEVELS = {
    "national": GeographyLevel.country,
    "regional": GeographyLevel.region,
    "local authority": GeographyLevel.local_authority,
}
TIME = ("time_period", "time_identifier", "geographic_level")
PLACES = {  # the GSS code and the name of a row's place, by its level
    GeographyLevel.country: ("country_code", "country_name"),
    GeographyLevel.region: ("region_code", "region_name"),
    GeographyLevel.local_authority: ("new_la_code", "la_name"),
}
WITHHELD = [  # the symbol a sum with withheld parts takes: the first of its parts' in this order
    StatusSymbol.confidential,
    StatusSymbol.low_reliability,
    StatusSymbol.not_available,
    StatusSymbol.rounds_to_zero,
    StatusSymbol.not_applicable,
]
Cell = Decimal | StatusSymbol
GroupKey = tuple[str, str, GeographyLevel, str]  # time_period, time_identifier, level, GSS code


@dataclass(frozen=True)
class FileProblem:
    line: int | None  # the file's line (the header is line 1); None for the file as a whole
    column: str
    reason: str


@dataclass(frozen=True)
class MappedFigure:
    line: int  # the line of the (first) row it was made from
    period: str
    place: Place
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status_symbol: StatusSymbol | None = None


@dataclass
class Reading:
    figures: list[MappedFigure] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0


def required_columns(mapping: Mapping) -> dict[str, str]:
    """Every column the file must have for this mapping, with why."""
    needed = dict.fromkeys(TIME, "the period and level")
    for level in mapping.levels:
        needed |= dict.fromkeys(PLACES[level], f"{level.value.replace('_', ' ')} rows' place")
    return needed | mapping.columns()


def check_columns(header: list[str], mapping: Mapping) -> None:
    """Refuse (422) a file without a column the mapping needs, naming it and listing the file's columns."""
    if not header:
        raise InvalidInput("The file is empty: its first line must name the columns.")
    missing = {column: why for column, why in required_columns(mapping).items() if column not in header}
    if missing:
        listed = "; ".join(f"'{column}' ({why})" for column, why in missing.items())
        raise InvalidInput(
            f"The file has no column {listed}; its columns are: {', '.join(header)}.",
            errors=[ProblemError(loc=["file", "header", column], msg=f"no column '{column}'") for column in missing],
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise InvalidInput(f"The file names {', '.join(repeated)} more than once; each column once, please.")


def read(table: Table, mapping: Mapping) -> Reading:
    """The figures the mapping makes of the file, and the problems of the rows it uses (each naming its line)."""
    check_columns(table.header, mapping)
    reading = Reading(rows_read=len(table.records))
    groups: dict[GroupKey, list[Record]] = {}
    denominators: dict[tuple[GroupKey, tuple[str, ...]], list[Record]] = {}
    wanted = by_column(mapping.filters)
    denominator = by_column(mapping.denominator_row.filters) if mapping.denominator_row is not None else None
    for record in table.records:
        key = _group(record, mapping)
        if key is None:
            continue
        if _matches(record, wanted) and _summed(record, mapping):
            groups.setdefault(key, []).append(record)
        if denominator is not None and _matches(record, denominator):
            denominators.setdefault((key, _pairing(record, mapping)), []).append(record)
    used: set[int] = set()
    for key, records in groups.items():
        figure = _figure(key, records, denominators, mapping, reading.problems, used)
        if figure is not None:
            reading.figures.append(figure)
    reading.rows_used = len(used)
    return reading


def _group(record: Record, mapping: Mapping) -> GroupKey | None:
    level = LEVELS.get(" ".join(record.cells["geographic_level"].split()).lower())
    if level is None or level not in mapping.levels:
        return None
    code = record.cells[PLACES[level][0]].strip().upper()
    return record.cells["time_period"].strip(), record.cells["time_identifier"].strip(), level, code


def _matches(record: Record, filters: dict[str, str]) -> bool:
    return all(record.cells[column].strip() == wanted for column, wanted in filters.items())


def _summed(record: Record, mapping: Mapping) -> bool:
    if mapping.sum_over is None or mapping.sum_values is None:
        return True
    return record.cells[mapping.sum_over].strip() in mapping.sum_values


def _pairing(record: Record, mapping: Mapping) -> tuple[str, ...]:
    """The breakdown values a row and its denominator row share: those of the columns the mapping names, save the
    ones the denominator row is picked by."""
    own = set(by_column(mapping.denominator_row.filters)) if mapping.denominator_row else set()
    columns = sorted((set(by_column(mapping.filters)) | ({mapping.sum_over} if mapping.sum_over else set())) - own)
    return tuple(record.cells[column].strip() for column in columns)


def _figure(
    key: GroupKey,
    records: list[Record],
    denominators: dict[tuple[GroupKey, tuple[str, ...]], list[Record]],
    mapping: Mapping,
    problems: list[FileProblem],
    used: set[int],
) -> MappedFigure | None:
    """One period and place's figure from its rows (several when summed), or None with the problems found."""
    first = records[0]
    before = len(problems)
    place, period = _place(first, key[2], problems), _period(first, key, problems)
    parts = _parts(records, mapping, problems)
    cells: list[tuple[Cell | None, Cell | None, Cell | None]] = []
    for record in parts:
        partner = _denominator(record, key, denominators, mapping, problems)
        cells.append(
            (
                _cell(record, mapping.value, mapping.value_kind, problems),
                _cell(record, mapping.numerator, ValueFormat.number, problems),
                _cell(partner, _denominator_column(mapping), ValueFormat.number, problems),
            )
        )
        used.update(row.line for row in (record, partner) if row is not None)
    if len(problems) > before or place is None or period is None:
        return None
    value, numerator, denominator = (_sum([part[n] for part in cells]) for n in range(3))
    return _stored(MappedFigure(first.line, period, place), value, numerator, denominator)


def _period(record: Record, key: GroupKey, problems: list[FileProblem]) -> str | None:
    try:
        return period_code(key[0], key[1])
    except EesValueError as error:
        problems.append(FileProblem(record.line, "time_period", str(error)))
        return None


def _parts(records: list[Record], mapping: Mapping, problems: list[FileProblem]) -> list[Record]:
    """The rows to use: one, or one per value of the column summed over; any other is a duplicate."""
    seen: dict[str, Record] = {}
    for record in records:
        part = record.cells[mapping.sum_over].strip() if mapping.sum_over else ""
        if (other := seen.setdefault(part, record)) is not record:
            problems.append(_duplicate(record, other))
    return list(seen.values())


def _duplicate(record: Record, other: Record) -> FileProblem:
    differ = [column for column, cell in record.cells.items() if other.cells.get(column) != cell][:6]
    return FileProblem(
        record.line,
        "row",
        f"a second row for the same period and place (the first is line {other.line}); they differ in "
        f"{', '.join(differ)}: filter on the column that tells them apart",
    )


def _denominator_column(mapping: Mapping) -> str | None:
    return mapping.denominator_row.column if mapping.denominator_row else mapping.denominator


def _denominator(
    record: Record,
    key: GroupKey,
    denominators: dict[tuple[GroupKey, tuple[str, ...]], list[Record]],
    mapping: Mapping,
    problems: list[FileProblem],
) -> Record | None:
    """The row holding this row's denominator: itself, or its denominator row."""
    if mapping.denominator_row is None:
        return record if mapping.denominator else None
    found = denominators.get((key, _pairing(record, mapping)), [])
    wanted = ", ".join(f"{row.column} '{row.value}'" for row in mapping.denominator_row.filters)
    if len(found) != 1:
        lines = f" (lines {', '.join(str(row.line) for row in found[:5])})" if found else ""
        problems.append(FileProblem(record.line, "denominator_row", f"{len(found)} rows with {wanted}{lines}, not 1"))
        return None
    return found[0]


def _cell(record: Record | None, column: str | None, kind: ValueFormat, problems: list[FileProblem]) -> Cell | None:
    if record is None or column is None:
        return None
    try:
        return parse_value(record.cells[column], kind)
    except EesValueError as error:
        problems.append(FileProblem(record.line, column, str(error)))
        return None


def _place(record: Record, level: GeographyLevel, problems: list[FileProblem]) -> Place | None:
    code_column, name_column = PLACES[level]
    code, name = record.cells[code_column].strip().upper(), record.cells[name_column].strip()
    if not (len(code) == 9 and code[0] in "EKNSW" and code[1:].isdigit()):
        problems.append(FileProblem(record.line, code_column, f"'{code}' is not a GSS code (e.g. E06000004)"))
        return None
    if level is not GeographyLevel.local_authority:
        return Place(level, code, name or code)
    number = record.cells.get("old_la_code", "").strip()
    if number and not (len(number) == 3 and number.isdigit()):
        problems.append(FileProblem(record.line, "old_la_code", f"'{number}' is not an LA number (e.g. 808)"))
        return None
    region = record.cells.get("region_code", "").strip().upper()
    return Place(level, code, name or code, number or None, region or None)


def _sum(parts: Iterable[Cell | None]) -> Cell | None:
    """Parts added up; withheld when any is (see the module's notes); None when there are none."""
    given = [part for part in parts if part is not None]
    withheld = [part for part in given if isinstance(part, StatusSymbol)]
    if withheld:
        return min(withheld, key=WITHHELD.index)
    numbers = [part for part in given if isinstance(part, Decimal)]
    return sum(numbers, Decimal(0)) if numbers else None


def _stored(figure: MappedFigure, value: Cell | None, numerator: Cell | None, denominator: Cell | None) -> MappedFigure:
    """What is stored: a published value with its counts where both are known, the counts alone (the rate worked out
    from them), or the status a withheld figure has."""
    if isinstance(value, StatusSymbol):
        return replace(figure, status_symbol=value)
    if isinstance(numerator, Decimal) and isinstance(denominator, Decimal) and denominator > 0:
        figure = replace(figure, numerator=numerator, denominator=denominator)
    if isinstance(value, Decimal):
        return replace(figure, value=value)
    if figure.denominator is not None:
        return figure
    withheld = [part for part in (numerator, denominator) if isinstance(part, StatusSymbol)]
    return replace(figure, status_symbol=withheld[0] if withheld else StatusSymbol.not_applicable)  # 0 counted


def unmatched(table: Table, mapping: Mapping) -> str:
    """Why no row is one the mapping imports: the levels the file has, and each filter value it never holds (with
    the values it does)."""
    levels = {" ".join(record.cells["geographic_level"].split()) for record in table.records}
    hints = []
    if not {LEVELS.get(level.lower()) for level in levels} & set(mapping.levels):
        imported = ", ".join(level.value for level in mapping.levels)
        hints.append(
            f"its rows are at the levels {', '.join(sorted(levels)) or 'none'}; the mapping imports {imported}"
        )
    wanted = [(row.column, [row.value]) for row in mapping.filters]
    if mapping.sum_over and mapping.sum_values:
        wanted.append((mapping.sum_over, mapping.sum_values))
    for column, values in wanted:
        held = sorted({record.cells[column].strip() for record in table.records})
        if missing := [value for value in values if value not in held]:
            shown = ", ".join(f"'{value}'" for value in held[:12]) + (" …" if len(held) > 12 else "")
            hints.append(f"no row has {column} {' or '.join(repr(v) for v in missing)} (it has {shown or 'none'})")
    return "; ".join(hints) or "no row matches every filter at once"
