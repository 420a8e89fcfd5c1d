"""DfE's statistical neighbour files read as published (both models), and loaded by the seed loader idempotently."""

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api import db
from api.benchmarks.models import StatisticalNeighbour
from api.benchmarks.neighbours import LAYOUTS, Neighbour, NeighbourFileInvalid, read_neighbours
from api.seeding import service
from api.seeding.reader import SeedInvalid
from api.seeding.sync import Tally
from tests.dfe import DFE_DIR
from tests.factories import SEED_DIR

[MODEL_2021, MODEL_2025] = LAYOUTS
STOCKTON = "808"


def _text(layout_file: str) -> str:
    """The file as stored, byte-order mark and all."""
    text = (DFE_DIR / layout_file).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return text


def _rows(layout_file: str) -> list[list[str]]:
    with (DFE_DIR / layout_file).open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


class TestThe2021Groupings:
    def test_stockton_has_its_ten_neighbours_nearest_first_with_dfes_words(self) -> None:
        [row] = [row for row in _rows(MODEL_2021.file_name) if row[0] == STOCKTON]
        # SN1, SNP, SN2, SNP ... from the sixth column: the closeness columns share one header, so by position
        expected = tuple(Neighbour(row[5 + 2 * i], row[6 + 2 * i].strip()) for i in range(10))
        lists = read_neighbours(_text(MODEL_2021.file_name), MODEL_2021)
        assert lists[STOCKTON] == expected
        assert [n.code for n in lists[STOCKTON][:3]] == ["841", "381", "888"]  # Darlington, Calderdale, Lancashire
        assert {n.closeness for n in lists[STOCKTON]} == {"Extremely Close", "Very Close"}

    def test_every_authority_is_read_the_old_ones_after_the_heading_too(self) -> None:
        rows = [row for row in _rows(MODEL_2021.file_name)[1:] if row[0]]
        lists = read_neighbours(_text(MODEL_2021.file_name), MODEL_2021)
        assert sorted(lists) == sorted(row[0] for row in rows)
        assert len(lists) == 156
        assert "928" in lists  # Northamptonshire, below "Old SNs:"
        assert all(len(neighbours) == 10 for neighbours in lists.values())


class TestThe2025Model:
    def test_stockton_has_its_ten_neighbours_nearest_first_with_dfes_words(self) -> None:
        with (DFE_DIR / MODEL_2025.file_name).open(encoding="utf-8-sig", newline="") as file:
            [row] = [row for row in csv.DictReader(file) if row["old_la_code"] == STOCKTON]
        expected = tuple(Neighbour(row[f"SN_{n}"], row[f"SN_{n}P"].strip()) for n in range(1, 11))
        lists = read_neighbours(_text(MODEL_2025.file_name), MODEL_2025)
        assert lists[STOCKTON] == expected
        # Read off the file by hand: Darlington (841), Dudley (332), Lancashire (888).
        assert [n.code for n in lists[STOCKTON][:3]] == ["841", "332", "888"]
        assert len(lists) == 153

    def test_closeness_words_are_trimmed(self) -> None:
        lists = read_neighbours(_text(MODEL_2025.file_name), MODEL_2025)
        words = {n.closeness for neighbours in lists.values() for n in neighbours}
        assert "Close" in words
        assert words == {"Extremely close", "Very close", "Close", "Somewhat close", "Not close"}


class TestUnreadableFiles:
    HEADER = "old_la_code,la_name," + ",".join(f"SN_{n},SN_{n}P" for n in range(1, 11))

    def _row(self, code: str, first: str = "841") -> str:
        return f"{code},Somewhere," + ",".join(f"{first if n == 1 else 800 + n},Close" for n in range(1, 11))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("a,b,c\n1,2,3\n", "line 1: the header lacks 'old_la_code'"),
            (HEADER.replace("SN_3P", "SN_3Q") + "\n", "line 1: the neighbour columns are"),
            (f"{HEADER}\n{'80' + ',x' * 21}\n", "line 2: '80' is not an old LA number"),
            (f"{HEADER}\n808,S,{'8x1,Close,' * 10}\n", "line 2: LA 808's neighbours include '8x1'"),
            ("", "line 1: the header lacks"),
        ],
    )
    def test_a_bad_file_is_refused_naming_the_line(self, text: str, message: str) -> None:
        with pytest.raises(NeighbourFileInvalid, match=message):
            read_neighbours(text, MODEL_2025)

    def test_an_authority_listed_twice_is_refused(self) -> None:
        text = "\n".join([self.HEADER, self._row("808"), self._row("808", "332")]) + "\n"
        with pytest.raises(NeighbourFileInvalid, match="line 3: LA 808 is listed a second time"):
            read_neighbours(text, MODEL_2025)


async def _neighbour_rows(model: str | None = None) -> int:
    statement = select(func.count()).select_from(StatisticalNeighbour)
    if model is not None:
        statement = statement.where(StatisticalNeighbour.model == model)
    async with db.get_sessionmaker()() as session:
        return int(await session.scalar(statement) or 0)


async def _list_of(model: str, code: str) -> list[tuple[str, str | None]]:
    async with db.get_sessionmaker()() as session:
        rows = await session.execute(
            select(StatisticalNeighbour.neighbour_code, StatisticalNeighbour.closeness)
            .where(StatisticalNeighbour.model == model, StatisticalNeighbour.la_code == code)
            .order_by(StatisticalNeighbour.position)
        )
        return [(neighbour, closeness) for neighbour, closeness in rows]


def _swap_first_two(path: Path) -> None:
    """Stockton's two nearest 2025 neighbours swapped round in a copy of the file."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == STOCKTON:
            cells[4:8] = cells[6:8] + cells[4:6]
            lines[number] = ",".join(cells)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


class TestSeedLoad:
    async def test_both_models_are_loaded_with_the_strategy(self, loaded: Tally) -> None:
        assert loaded.counts["statistical_neighbours_2021"] == {"created": 156, "updated": 0, "unchanged": 0}
        assert loaded.counts["statistical_neighbours_2025"] == {"created": 153, "updated": 0, "unchanged": 0}
        assert (await _neighbour_rows("2021"), await _neighbour_rows("2025")) == (1560, 1530)
        assert (await _list_of("2025", STOCKTON))[:3] == [
            ("841", "Very close"),
            ("332", "Very close"),
            ("888", "Very close"),
        ]

    async def test_a_second_load_changes_nothing_and_says_so(self, loaded: Tally) -> None:
        tally, _ = await service.load_seed(SEED_DIR)
        assert not tally.changed
        assert tally.counts["statistical_neighbours_2021"] == {"created": 0, "updated": 0, "unchanged": 156}
        assert tally.counts["statistical_neighbours_2025"] == {"created": 0, "updated": 0, "unchanged": 153}
        assert await _neighbour_rows() == 3090

    async def test_a_changed_file_replaces_that_models_lists(self, loaded: Tally, seed_copy: Path) -> None:
        _swap_first_two(seed_copy / "national" / MODEL_2025.file_name)
        tally, _ = await service.load_seed(seed_copy)
        assert tally.counts["statistical_neighbours_2025"] == {"created": 0, "updated": 1, "unchanged": 152}
        assert tally.counts["statistical_neighbours_2021"] == {"created": 0, "updated": 0, "unchanged": 156}
        assert [code for code, _ in await _list_of("2025", STOCKTON)][:3] == ["332", "841", "888"]
        assert [code for code, _ in await _list_of("2021", STOCKTON)][:3] == ["841", "381", "888"]
        assert await _neighbour_rows() == 3090

    async def test_a_broken_file_is_a_seed_problem_and_nothing_is_written(
        self, clean_tables: None, seed_copy: Path
    ) -> None:
        path = seed_copy / "national" / MODEL_2021.file_name
        path.write_text(path.read_text(encoding="utf-8").replace("808,Stockton-on-Tees,808", "8O8,Stockton,808"))
        with pytest.raises(SeedInvalid) as raised:
            await service.load_seed(seed_copy)
        [problem] = raised.value.problems
        assert problem.file == f"national/{MODEL_2021.file_name}"
        assert problem.problem == "line 79: '8O8' is not an old LA number (three digits, e.g. 808)"
        assert await _neighbour_rows() == 0

    async def test_a_seed_without_the_files_loads_no_neighbours(self, clean_tables: None, seed_copy: Path) -> None:
        for layout in LAYOUTS:
            (seed_copy / "national" / layout.file_name).unlink()
        tally, _ = await service.load_seed(seed_copy)
        assert "statistical_neighbours_2021" not in tally.counts
        assert await _neighbour_rows() == 0
