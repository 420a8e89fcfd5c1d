"""The CSV reader every CSV endpoint shares (api/csv_input.py), on its own: encodings, line numbers, spreadsheet
shapes and numbers, and the real DfE files (pure functions: no database; the endpoint's tests are in
tests/kpis/test_csv_submissions.py)."""

import csv

import pytest

from api.csv_input import check_header, decode, read_csv, read_table, spreadsheet_number
from api.errors import InvalidInput, UnsupportedMediaType
from tests.dfe import DFE_DIR

NOTE = "Children’s services: £5k"


class TestDecode:
    @pytest.mark.parametrize(
        ("body", "charset"),
        [
            (NOTE.encode(), None),
            (b"\xef\xbb\xbf" + NOTE.encode(), None),
            (NOTE.encode("cp1252"), None),
            (NOTE.encode("cp1252"), "windows-1252"),
            (NOTE.encode("cp1252"), "iso-8859-1"),
            (NOTE.encode(), "utf-8"),
            (b"\xef\xbb\xbf" + NOTE.encode(), "windows-1252"),
        ],
        ids=["UTF-8", "BOM", "Windows-1252", "declared", "declared Latin-1", "declared UTF-8", "BOM over charset"],
    )
    def test_text_arrives_as_written(self, body: bytes, charset: str | None) -> None:
        assert decode(body, charset) == NOTE

    @pytest.mark.parametrize(
        ("body", "charset", "words"),
        [
            (b"a,b\nc,\x81\n", None, "line 2 holds byte 0x81, which is not UTF-8 or Windows-1252 text"),
            (b"a,b\r\nc,d\r\n\x92", "utf-8", "line 3 holds byte 0x92, which is not UTF-8, as its charset says"),
            (b"a,b\rc,d\r\x00", None, "line 3 holds a NUL byte"),
            (b"\xef\xbb\xbfa\n\x92", "windows-1252", "line 2 holds byte 0x92, which is not UTF-8, as its byte-order"),
            ("a,b".encode("utf-16"), None, "UTF-16 (Excel's 'Unicode Text')"),
        ],
    )
    def test_unreadable_bytes_are_refused_naming_the_line(self, body: bytes, charset: str | None, words: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            decode(body, charset)
        assert words in refused.value.detail

    def test_a_charset_it_does_not_read_is_unsupported(self) -> None:
        with pytest.raises(UnsupportedMediaType, match="charset 'shift_jis' is not one this service reads"):
            decode(b"a", "shift_jis")


class TestReadCsv:
    @pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
    def test_records_know_the_line_they_start_on(self, end: str) -> None:
        text = end.join(["Kpi , Period", 'a,"one', "two", 'three"', "b,2", "", ",", "c,3", ""])
        table = read_csv(text, max_records=10)
        assert table.header == ["kpi", "period"]
        assert [(record.line, record.cells["kpi"]) for record in table.records] == [(2, "a"), (5, "b"), (8, "c")]
        assert table.records[0].cells["period"] == end.join(["one", "two", "three"])

    def test_empty_columns_at_the_right_are_passed_over_and_values_there_flagged(self) -> None:
        table = read_csv("a,b,,\n1,2,,\n1\n1,2,,3\n", max_records=10)
        assert table.header == ["a", "b"]
        assert [(r.cells, r.beyond) for r in table.records] == [
            ({"a": "1", "b": "2"}, False),
            ({"a": "1", "b": ""}, False),
            ({"a": "1", "b": "2"}, True),
        ]

    @pytest.mark.parametrize(
        ("text", "words"),
        [('a\n1\n"2\n', "line 3: unexpected end of data"), ('a,b\n"x\ny",1\n"1"2",3\n', "line 4: ',' expected")],
    )
    def test_a_bad_record_is_refused_naming_its_first_line(self, text: str, words: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            read_csv(text, max_records=10)
        assert words in refused.value.detail
        assert [error.loc for error in refused.value.errors or []] == [["body"]]

    def test_too_many_records_are_refused(self) -> None:
        with pytest.raises(InvalidInput, match="more than 2 rows; split it"):
            read_csv("a\n1\n2\n3\n", max_records=2)

    @pytest.mark.parametrize(
        "name",
        ["d3_cpps_subsequent_plan_2013_to_2025.csv", "la_care_leavers_activity.csv", "la_cla_placement_stability.csv"],
    )
    async def test_the_real_dfe_files_read_as_the_csv_module_reads_them(self, name: str) -> None:
        body = (DFE_DIR / name).read_bytes()
        table = await read_table("text/csv", body, max_records=100_000)
        with (DFE_DIR / name).open(encoding="utf-8-sig", newline="") as file:
            expected = [{key.lower(): value for key, value in row.items()} for row in csv.DictReader(file)]
        assert [record.cells for record in table.records] == expected
        assert [record.line for record in table.records[:3]] == [2, 3, 4]


class TestSpreadsheetNumber:
    @pytest.mark.parametrize(
        ("cell", "number"),
        [
            ("12.5%", "12.5"),
            (" 12.5 % ", "12.5"),
            ("-3%", "-3"),
            ("1,234", "1234"),
            ("1,234.5", "1234.5"),
            ("-1,234,567.25", "-1234567.25"),
            ("1,234%", "1234"),
            (" 7 ", "7"),
            ("7", "7"),
        ],
    )
    def test_a_spreadsheets_numbers(self, cell: str, number: str) -> None:
        assert spreadsheet_number(cell) == number

    @pytest.mark.parametrize("cell", ["1,23", "12,34,567", "1,2345", ",123", "12%%", "twenty", "1.234,5"])
    def test_anything_else_is_left_for_the_columns_own_check(self, cell: str) -> None:
        assert spreadsheet_number(cell) in (cell, cell.removesuffix("%"))

    def test_a_lone_percent_sign_stays_as_it_was(self) -> None:
        assert spreadsheet_number("%") == "%"


class TestCheckHeader:
    @pytest.mark.parametrize(
        ("header", "words"),
        [
            ([], "The CSV file is empty; its first line names the columns (columns are: kpi, period, value)."),
            (["kpi", "", "colour"], "column 2 has no name; unknown column 'colour'; missing column 'period'"),
            (["kpi", "period", "kpi"], "column 'kpi' given twice"),
        ],
    )
    def test_every_problem_is_named_at_once(self, header: list[str], words: str) -> None:
        with pytest.raises(InvalidInput) as refused:
            check_header(header, known=("kpi", "period", "value"), required=("kpi", "period"))
        assert words in refused.value.detail

    def test_without_known_columns_any_others_are_allowed(self) -> None:
        check_header(["time_period", "time_identifier", "anything"], known=None, required=("time_period",))
        with pytest.raises(InvalidInput, match="it needs the columns time_period"):
            check_header(["anything"], known=None, required=("time_period",))
