"""DfE's statistical neighbours, read from the two files DfE publishes them in, and kept in statistical_neighbour.

Each English local authority has ten statistical neighbours: the authorities most like it on the measures DfE's
model weighs, nearest first, each with DfE's word for how close it is. Councils compare against both of DfE's
models (the 2021 groupings, which most published benchmarking still uses, and the 2025 model), so both are kept,
under the model's year:

- `New_Statistical_Neighbour_Groupings_April_2021.csv`, model "2021": `LA num, LA Name, LA number, GOInd, GOReg,
  SN1, SNP, SN2, SNP, ...`. Every closeness column is headed `SNP`, so the file is read by position, never by name;
  rows end with an empty column, and after the current authorities a heading row (`Old SNs:`) introduces the
  authorities that local government reorganisation replaced (Northamptonshire, Poole ...), which are kept too.
- `sn_model_2025_wide.csv`, model "2025": `old_la_code, la_name, region_ind, region_name, SN_1, SN_1P, ...`.

Both name authorities by old LA number (Stockton-on-Tees is 808) and start with a UTF-8 byte-order mark. Closeness
words are trimmed (the 2025 file writes "Close ") and otherwise kept as DfE writes them: "Very Close" in 2021,
"Very close" in 2025.

The seed loader reads both from seed/national/ (api/seeding); a load that finds a model's lists as they are stored
writes nothing, and one that finds them changed replaces that model's rows.
"""

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.benchmarks.models import StatisticalNeighbour
from api.db import bulk_insert
from api.seeding.sync import Outcome

NEIGHBOURS = 10  # each authority's list, in both models
LA_NUMBER = re.compile(r"\d{3}")


@dataclass(frozen=True)
class Neighbour:
    code: str  # the neighbour's old LA number
    closeness: str | None  # DfE's word, trimmed


Lists = dict[str, tuple[Neighbour, ...]]  # an authority's old LA number -> its ten neighbours, nearest first


@dataclass(frozen=True)
class Layout:
    """Where one model's file keeps the authority and its neighbours: headers, with {n} for the neighbour's place."""

    model: str
    file_name: str
    authority: str
    neighbour: str
    closeness: str

    def expected(self) -> list[str]:
        """The headers of the twenty columns from the first neighbour's on, in order."""
        return [header.format(n=n) for n in range(1, NEIGHBOURS + 1) for header in (self.neighbour, self.closeness)]


LAYOUTS = (
    Layout("2021", "New_Statistical_Neighbour_Groupings_April_2021.csv", "LA num", "SN{n}", "SNP"),
    Layout("2025", "sn_model_2025_wide.csv", "old_la_code", "SN_{n}", "SN_{n}P"),
)
MODELS = tuple(layout.model for layout in LAYOUTS)


class NeighbourFileInvalid(ValueError):
    """A neighbour file the service cannot read; the message names the line."""


def read_neighbours(text: str, layout: Layout) -> Lists:
    """Every authority's neighbours in one model's file (its text, with or without the byte-order mark)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        authority, first = _columns(header, layout)
        lists: Lists = {}
        for cells in reader:
            row = _row(cells, authority, first, reader.line_num)
            if row is None:
                continue
            code, neighbours = row
            if code in lists:
                raise NeighbourFileInvalid(f"line {reader.line_num}: LA {code} is listed a second time")
            lists[code] = neighbours
    except csv.Error as error:
        raise NeighbourFileInvalid(f"line {reader.line_num}: {error}") from error
    if not lists:
        raise NeighbourFileInvalid("it lists no authority")
    return lists


def _columns(header: list[str], layout: Layout) -> tuple[int, int]:
    """Where the authority's number and its first neighbour are; the twenty neighbour columns checked in order."""
    expected = layout.expected()
    if layout.authority not in header or expected[0] not in header:
        raise NeighbourFileInvalid(
            f"line 1: the header lacks '{layout.authority}' or '{expected[0]}'; is this DfE's {layout.model} model?"
        )
    first = header.index(expected[0])
    if (found := header[first : first + len(expected)]) != expected:
        raise NeighbourFileInvalid(f"line 1: the neighbour columns are {', '.join(found)}, not {', '.join(expected)}")
    return header.index(layout.authority), first


def _row(cells: list[str], authority: int, first: int, line: int) -> tuple[str, tuple[Neighbour, ...]] | None:
    """One authority's number and neighbours; None for a row without them (blank, or a heading such as `Old SNs:`)."""
    cells = [cell.strip() for cell in cells] + [""] * (first + 2 * NEIGHBOURS - len(cells))
    pairs = cells[first : first + 2 * NEIGHBOURS]
    code = cells[authority]
    if not code and not any(pairs[0::2]):
        return None
    if not LA_NUMBER.fullmatch(code):
        raise NeighbourFileInvalid(f"line {line}: '{code}' is not an old LA number (three digits, e.g. 808)")
    bad = [number for number in pairs[0::2] if not LA_NUMBER.fullmatch(number)]
    if bad:
        raise NeighbourFileInvalid(f"line {line}: LA {code}'s neighbours include '{bad[0]}', not an old LA number")
    neighbours = tuple(
        Neighbour(number, " ".join(word.split()) or None) for number, word in zip(pairs[0::2], pairs[1::2], strict=True)
    )
    return code, neighbours


async def stored(session: AsyncSession, model: str) -> Lists:
    """One model's lists as statistical_neighbour holds them."""
    rows = await session.execute(
        select(StatisticalNeighbour.la_code, StatisticalNeighbour.neighbour_code, StatisticalNeighbour.closeness)
        .where(StatisticalNeighbour.model == model)
        .order_by(StatisticalNeighbour.la_code, StatisticalNeighbour.position)
    )
    found: dict[str, list[Neighbour]] = {}
    for code, neighbour, closeness in rows:
        found.setdefault(code, []).append(Neighbour(neighbour, closeness))
    return {code: tuple(neighbours) for code, neighbours in found.items()}


async def store(session: AsyncSession, model: str, lists: Lists) -> dict[str, Outcome]:
    """Make statistical_neighbour hold ``lists`` for the model: nothing written when it already does, else the
    model's rows replaced (an authority the new lists leave out loses its list). Returns each authority's outcome."""
    before = await stored(session, model)
    outcomes: dict[str, Outcome] = {
        code: "created" if code not in before else "unchanged" if before[code] == neighbours else "updated"
        for code, neighbours in lists.items()
    }
    if before == lists:
        return outcomes
    await session.execute(delete(StatisticalNeighbour).where(StatisticalNeighbour.model == model))
    await bulk_insert(session, StatisticalNeighbour.__table__, _rows_of(model, lists))  # type: ignore[arg-type]
    return outcomes


def _rows_of(model: str, lists: Lists) -> list[dict[str, object]]:
    return [
        {
            "model": model,
            "la_code": code,
            "position": position,
            "neighbour_code": neighbour.code,
            "closeness": neighbour.closeness,
        }
        for code, neighbours in lists.items()
        for position, neighbour in enumerate(neighbours, start=1)
    ]
