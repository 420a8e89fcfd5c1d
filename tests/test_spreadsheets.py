"""CSV and workbooks the service writes open safely in Excel: no cell is a formula, and the text arrives as written."""

import csv
import io

import pytest
from httpx import AsyncClient
from openpyxl import Workbook, load_workbook

from api.packs.workbook import write_text
from api.seeding.sync import Tally
from api.spreadsheets import BOM, safe_cell, write_csv

ACTION = "cin-implement-graded-care-profile-2"


class TestSafeCell:
    @pytest.mark.parametrize(
        "attack",
        [
            '=HYPERLINK("http://evil.example","Click")',
            "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
        ],
    )
    def test_a_cell_a_spreadsheet_would_evaluate_is_made_text(self, attack: str) -> None:
        assert safe_cell(attack) == "'" + attack

    @pytest.mark.parametrize("plain", ["-12", "-80000000", "+3.5", "8%", "Children’s Services", "", "a=b"])
    def test_numbers_and_ordinary_text_are_left_alone(self, plain: str) -> None:
        assert safe_cell(plain) == plain

    def test_every_cell_of_a_written_file_is_safe_and_it_round_trips(self) -> None:
        text = write_csv(("title", "gap"), [{"title": "=1+1", "gap": "-5"}, {"title": 'He said "no"'}])
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows == [{"title": "'=1+1", "gap": "-5"}, {"title": 'He said "no"', "gap": ""}]


class TestWriteText:
    @pytest.mark.parametrize(
        "text",
        [
            "=cmd|' /C calc'!A0",
            '=HYPERLINK("http://evil.example","Click")',
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1+1)",
            "\t=1+1",
            "-12",
            "Children’s Services",
        ],
    )
    def test_text_stays_text_as_written_whatever_it_starts_with(self, text: str) -> None:
        book = Workbook()
        write_text(book.worksheets[0]["A1"], text)
        buffer = io.BytesIO()
        book.save(buffer)
        cell = load_workbook(buffer).worksheets[0]["A1"]
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t")), "editing it cannot make a formula"

    def test_characters_a_workbook_cannot_hold_are_replaced(self) -> None:
        cell = Workbook().worksheets[0]["A1"]
        write_text(cell, "bell\x07 and form feed\x0c")
        assert cell.value == "bell\ufffd and form feed\ufffd"


class TestPackDownloads:
    async def test_a_pack_csv_is_utf8_with_a_byte_order_mark_and_no_live_formulae(
        self, admin: AsyncClient, loaded: Tally
    ) -> None:
        url = f"/api/v1/actions/{ACTION}"
        etag = (await admin.get(url)).headers["etag"]
        attack = '=HYPERLINK("http://evil.example","Children’s records")'
        patched = await admin.patch(url, json={"what": attack}, headers={"If-Match": etag})
        assert patched.status_code == 200, patched.text
        for path in ("/api/v1/governance-bodies/csmt/pack?format=csv", "/api/v1/bodies/CSMT/pack?format=csv"):
            response = await admin.get(path)
            assert response.headers["content-type"] == "text/csv; charset=utf-8"
            assert response.content.startswith(BOM.encode("utf-8")), "Excel reads it as UTF-8"
            assert "’".encode() in response.content, "the apostrophe arrives as written"
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            action = next(row for row in rows if row["item"] == ACTION)
            assert action["title"] == "'" + attack
            assert not any(cell.startswith(("=", "@")) for row in rows for cell in row.values())

    async def test_an_issued_pack_is_served_the_same_way(self, admin: AsyncClient, loaded: Tally) -> None:
        issued = await admin.post("/api/v1/governance-bodies/cabinet/packs", json={"meeting_date": "2016-10-12"})
        assert issued.status_code == 201, issued.text
        response = await admin.get(f"{issued.headers['location']}?format=csv")
        assert response.content.startswith(BOM.encode("utf-8"))
        assert response.content.count(BOM.encode("utf-8")) == 1
