"""POST /kpi-submissions with CSV, as spreadsheets save it and scripts write it: encodings, line ends, spreadsheet
numbers, empty columns, cells that span lines, and files uploaded in a form."""

from typing import Any

import pytest
from httpx import AsyncClient, Response

from api.auth.models import Scope
from tests.asserts import assert_problem
from tests.configured import configured_client
from tests.conftest import Minter
from tests.kpis.batches import KPI, as_csv, dfe_rows

URL = "/api/v1/kpi-submissions"
STOCKTON = "stockton-on-tees"
NOTE = "Children’s services: £5k"  # ’ and £ are bytes 0x92 and 0xA3 in Windows-1252


async def post_csv(client: AsyncClient, body: str | bytes, content_type: str = "text/csv", query: str = "") -> Response:
    content = body.encode() if isinstance(body, str) else body
    return await client.post(f"{URL}{query}", content=content, headers={"Content-Type": content_type})


async def stored(client: AsyncClient) -> dict[tuple[str, str], dict[str, Any]]:
    """Every figure held for the KPI, by scope and period."""
    items = (await client.get(f"/api/v1/kpis/{KPI}/values?limit=200")).json()["items"]
    return {(item["scope"], item["period"]): item for item in items}


async def held(client: AsyncClient) -> int:
    """How many figures (every revision) the KPI holds."""
    return int((await client.get(f"/api/v1/kpis/{KPI}/values?history=true")).json()["total"])


def rows_with_note(note: str) -> str:
    return f"kpi,period,scope,value,note\n{KPI},FY2015-16,{STOCKTON},20.1,{note}\n{KPI},FY2016-17,{STOCKTON},20.2,\n"


class TestCsvBatches:
    async def test_the_same_columns_as_csv(self, submitter: AsyncClient, kpi: str) -> None:
        response = await post_csv(submitter, as_csv(dfe_rows()), "text/csv; charset=utf-8", "?source=LAIT%20download")
        assert response.status_code == 201, response.text
        summary = response.json()
        assert (summary["format"], summary["created"], summary["source"]) == ("csv", 26, "LAIT download")

    async def test_rejected_rows_give_their_file_line(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        rows[3] = rows[3] | {"value": "twenty", "numerator": "", "denominator": ""}
        rows[4] = rows[4] | {"period": "2016/2018"}
        response = await post_csv(submitter, as_csv(rows), query="?mode=partial")
        summary = response.json()
        assert [(r["row"], r["line"], r["field"]) for r in summary["rejections"]] == [(4, 5, "value"), (5, 6, "period")]
        assert "is not a period code" in summary["rejections"][1]["reason"]
        record = (await submitter.get(f"{URL}/{summary['id']}")).json()
        assert [(r["row"], r["line"]) for r in record["rejections"]] == [(4, 5), (5, 6)]

    async def test_a_row_the_key_may_not_submit_is_named_by_its_line(
        self, anonymous: AsyncClient, mint: Minter, kpi: str
    ) -> None:
        token = await mint(Scope.kpi_submit, name="case management", kpi_codes=[KPI])
        body = f'kpi,period,value,note\n{KPI},FY2015-16,20,"two\nlines"\ncp-repeat-plans,FY2016-17,20,\n'
        response = await anonymous.post(
            URL, content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
        )
        problem = assert_problem(response, 403)
        assert problem["errors"] == [
            {"loc": ["rows", 2, "kpi"], "msg": "line 4: this key may not submit KPI 'cp-repeat-plans'"}
        ]

    @pytest.mark.parametrize(
        ("header", "words"),
        [
            ("kpi,period,value,colour", "unknown column 'colour'"),
            ("period,value", "missing column 'kpi'"),
            ("kpi,period,value,value", "column 'value' given twice"),
            ("kpi,,period,value", "column 2 has no name"),
            ("", "The CSV file is empty"),
        ],
    )
    async def test_a_wrong_header_is_a_problem(self, submitter: AsyncClient, kpi: str, header: str, words: str) -> None:
        assert_problem(await post_csv(submitter, f"{header}\n"), 422, detail_contains=words)

    @pytest.mark.parametrize(
        ("body", "words"),
        [
            ("kpi,period,value\n", "a header but no rows"),
            (f'kpi,period,value\n{KPI},FY2015-16,"12\n', "line 2: unexpected end of data"),
            (f"kpi,period,value,note\n{KPI},FY2015-16,12,{'x' * 200_000}\n", "field larger than field limit"),
            (f'kpi,period,value\n{KPI},FY2015-16,"1"2"\n', "line 2"),
            (f'kpi,period,value,note\n{KPI},FY2015-16,1,"a\r\nb"\r\n{KPI},FY2016-17,"1"2"\n', "line 4: '"),
            (f"kpi,period,value\n{KPI},FY2015-16,12\n{KPI},FY2016-17,1\x002\n", "line 3 holds a NUL byte"),
        ],
        ids=["no rows", "unterminated quote", "huge cell", "stray quote", "stray quote after two lines", "NUL"],
    )
    async def test_an_unreadable_file_is_refused_whole(
        self, submitter: AsyncClient, kpi: str, body: str, words: str
    ) -> None:
        assert_problem(await post_csv(submitter, body), 422, detail_contains=words)
        assert await held(submitter) == 0

    async def test_other_media_types_are_415(self, submitter: AsyncClient, kpi: str) -> None:
        assert_problem(await post_csv(submitter, b"<rows/>", "application/xml"), 415)


class TestEncodings:
    async def test_a_byte_order_mark_is_dropped(self, submitter: AsyncClient, kpi: str) -> None:
        response = await post_csv(submitter, "\ufeff" + as_csv(dfe_rows()))
        assert (response.status_code, response.json()["created"]) == (201, 26), response.text

    @pytest.mark.parametrize(
        "content_type",
        ["text/csv", "text/csv; charset=windows-1252", 'text/csv; charset="cp1252"', "text/csv; charset=ISO-8859-1"],
    )
    async def test_windows_1252_declared_or_not_arrives_as_written(
        self, submitter: AsyncClient, kpi: str, content_type: str
    ) -> None:
        body = rows_with_note(NOTE).encode("cp1252")
        assert b"\x92" in body
        response = await post_csv(submitter, body, content_type)
        assert response.status_code == 201, response.text
        assert (await stored(submitter))[STOCKTON, "FY2015-16"]["note"] == NOTE

    async def test_a_byte_order_mark_outranks_a_declared_charset(self, submitter: AsyncClient, kpi: str) -> None:
        body = ("\ufeff" + rows_with_note(NOTE)).encode()
        response = await post_csv(submitter, body, "text/csv; charset=windows-1252")
        assert response.status_code == 201, response.text
        assert (await stored(submitter))[STOCKTON, "FY2015-16"]["note"] == NOTE

    async def test_windows_1252_declared_as_utf_8_is_refused_naming_the_line(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        response = await post_csv(submitter, rows_with_note(NOTE).encode("cp1252"), "text/csv; charset=utf-8")
        problem = assert_problem(response, 422, detail_contains="line 2 holds byte 0x92")
        assert problem["errors"] == [
            {"loc": ["body"], "msg": "line 2 holds byte 0x92, which is not UTF-8, as its charset says"}
        ]
        assert await held(submitter) == 0

    async def test_a_charset_the_service_does_not_read_is_415(self, submitter: AsyncClient, kpi: str) -> None:
        response = await post_csv(submitter, rows_with_note("x"), "text/csv; charset=utf-16")
        assert_problem(response, 415, detail_contains="charset 'utf-16' is not one this service reads")


class TestSpreadsheetShapes:
    async def test_crlf_line_ends(self, submitter: AsyncClient, kpi: str) -> None:
        response = await post_csv(submitter, as_csv(dfe_rows()).replace("\n", "\r\n"))
        assert (response.status_code, response.json()["created"]) == (201, 26), response.text

    async def test_percent_signs_and_thousands_separators_land_the_right_numbers(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        body = (
            "kpi,period,scope,value,numerator,denominator\r\n"
            f'{KPI},FY2015-16,{STOCKTON},22.5%,"1,234","5,485.0"\r\n'
            f"{KPI},FY2015-16,england, 16.6 % ,,\r\n"
            f'{KPI},FY2016-17,england,"1,23",,\r\n'
        )
        response = await post_csv(submitter, body, query="?mode=partial")
        summary = response.json()
        assert (summary["created"], summary["rejected"]) == (2, 1), summary
        assert [(r["line"], r["field"]) for r in summary["rejections"]] == [(4, "value")]
        figures = await stored(submitter)
        local = figures[STOCKTON, "FY2015-16"]
        assert (local["value"], local["numerator"], local["denominator"]) == (22.5, 1234, 5485)
        assert figures["england", "FY2015-16"]["value"] == 16.6

    async def test_a_misgrouped_number_rejects_the_batch_naming_its_line(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        body = f'kpi,period,scope,value\n{KPI},FY2015-16,{STOCKTON},20\n{KPI},FY2016-17,{STOCKTON},"1,23"\n'
        problem = assert_problem(await post_csv(submitter, body), 422)
        assert [error["loc"] for error in problem["errors"]] == [["rows", 2, "value"]]
        assert problem["errors"][0]["msg"].startswith("line 3: ")
        assert await held(submitter) == 0

    async def test_trailing_empty_columns_and_empty_rows_are_passed_over(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        body = (
            "kpi,period,scope,value,,,\r\n"
            f"{KPI},FY2015-16,{STOCKTON},20.1,,,\r\n"
            f"{KPI},FY2016-17,{STOCKTON},20.2,,\r\n"
            f"{KPI},FY2017-18,{STOCKTON},20.3\r\n"
            ",,,,,,\r\n"
            "\r\n"
            f"{KPI},FY2018-19,{STOCKTON},20.4,,7,\r\n"
        )
        response = await post_csv(submitter, body, query="?mode=partial")
        summary = response.json()
        assert (summary["rows"], summary["created"], summary["rejected"]) == (4, 3, 1), summary
        assert summary["rejections"] == [
            {"row": 4, "line": 7, "field": "row", "reason": "a value stands to the right of the last named column"}
        ]

    async def test_a_note_over_several_lines_keeps_later_lines_right(self, submitter: AsyncClient, kpi: str) -> None:
        body = (
            "kpi,period,scope,value,note\r\n"
            f'{KPI},FY2015-16,{STOCKTON},20.1,"Estimated:\r\nsee the\r\nreturn"\r\n'
            f"{KPI},FY2016-17,{STOCKTON},twenty,\r\n"
            f"{KPI},FY2017-18,{STOCKTON},20.3,\r\n"
            f"{KPI},FY2018-19,{STOCKTON},,\r\n"
        )
        problem = assert_problem(await post_csv(submitter, body), 422, detail_contains="2 of 4 rows were rejected")
        assert [(e["loc"], e["msg"][:7]) for e in problem["errors"]] == [
            (["rows", 2, "value"], "line 5:"),
            (["rows", 4, "value"], "line 7:"),
        ]
        response = await post_csv(submitter, body, query="?mode=partial")
        assert [(r["row"], r["line"]) for r in response.json()["rejections"]] == [(2, 5), (4, 7)]
        assert (await stored(submitter))[STOCKTON, "FY2015-16"]["note"] == "Estimated:\r\nsee the\r\nreturn"


def form(*parts: tuple[str, str | None, bytes, str | None]) -> tuple[bytes, str]:
    """A multipart/form-data body of (field, file name, content, content type) parts, and its Content-Type."""
    body = b""
    for name, filename, content, content_type in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        headers = f"Content-Disposition: {disposition}\r\n" + (
            f"Content-Type: {content_type}\r\n" if content_type else ""
        )
        body += b"--b0undary\r\n" + headers.encode() + b"\r\n" + content + b"\r\n"
    return body + b"--b0undary--\r\n", "multipart/form-data; boundary=b0undary"


class TestUploads:
    async def test_a_file_uploaded_in_a_form(self, submitter: AsyncClient, kpi: str) -> None:
        files = {"file": ("returns.csv", as_csv(dfe_rows()).encode(), "text/csv")}
        response = await submitter.post(f"{URL}?source=LAIT%20download", files=files)
        assert response.status_code == 201, response.text
        summary = response.json()
        assert (summary["format"], summary["created"], summary["source"]) == ("csv", 26, "LAIT download")

    @pytest.mark.parametrize("part_type", ["text/csv; charset=windows-1252", "application/vnd.ms-excel", None])
    async def test_an_uploaded_windows_1252_file_arrives_as_written(
        self, submitter: AsyncClient, kpi: str, part_type: str | None
    ) -> None:
        body, content_type = form(("file", "returns.csv", rows_with_note(NOTE).encode("cp1252"), part_type))
        response = await post_csv(submitter, body, content_type)
        assert response.status_code == 201, response.text
        assert (await stored(submitter))[STOCKTON, "FY2015-16"]["note"] == NOTE

    async def test_an_uploaded_files_rejected_rows_give_their_line(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        rows[3] = rows[3] | {"value": "twenty", "numerator": "", "denominator": ""}
        files = {"file": ("returns.csv", as_csv(rows).encode(), "text/csv")}
        response = await submitter.post(f"{URL}?mode=partial", files=files)
        assert [(r["row"], r["line"]) for r in response.json()["rejections"]] == [(4, 5)]

    @pytest.mark.parametrize(
        ("parts", "words"),
        [
            (
                [("mode", None, b"partial", None)],
                "The form holds no file; send the CSV as a file in a field named 'file'",
            ),
            ([], "The form holds no file"),
            (
                [("file", "a.csv", b"kpi", None), ("file", "b.csv", b"kpi", None)],
                "The form holds 2 files; send one, in a field named 'file'",
            ),
            ([("file", f"{n}.csv", b"kpi", None) for n in range(3)], "The form holds more than 2 files; send one,"),
            ([("upload", "a.csv", b"kpi", None)], "The form's file is in a field named 'upload'"),
            ([("file", None, b"kpi,period", None)], "The form's field 'file' holds text, not a file"),
            ([("file", "a.csv", b"kpi", None), ("mode", None, b"partial", None)], "fields besides the file (mode)"),
            ([("file", "a.csv", b"kpi,period\n1,\x00", None)], "line 2 holds a NUL byte"),
        ],
        ids=["no file", "nothing", "two files", "three files", "misnamed", "text", "another field", "NUL"],
    )
    async def test_a_form_without_exactly_one_file_is_refused(
        self, submitter: AsyncClient, kpi: str, parts: list[tuple[str, str | None, bytes, str | None]], words: str
    ) -> None:
        body, content_type = form(*parts)
        assert_problem(await post_csv(submitter, body, content_type), 422, detail_contains=words)
        assert await held(submitter) == 0

    @pytest.mark.parametrize(
        ("body", "content_type"),
        [(b"--b0undary\r\nno headers", "multipart/form-data; boundary=b0undary"), (b"x", "multipart/form-data")],
        ids=["garbled", "no boundary"],
    )
    async def test_an_unreadable_form_is_refused(
        self, submitter: AsyncClient, kpi: str, body: bytes, content_type: str
    ) -> None:
        assert_problem(await post_csv(submitter, body, content_type), 422, detail_contains="The form cannot be read")

    async def test_the_body_limit_holds_for_forms(
        self, submitter: AsyncClient, mint: Minter, monkeypatch: pytest.MonkeyPatch, kpi: str
    ) -> None:
        token = await mint(Scope.kpi_submit)
        files = {"file": ("returns.csv", as_csv(dfe_rows() * 3).encode(), "text/csv")}
        async with configured_client(monkeypatch, MAX_BODY_BYTES="2048") as client:
            response = await client.post(URL, files=files, headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 413, detail_contains="2,048 bytes")
        assert await held(submitter) == 0

    async def test_the_form_is_documented(self, submitter: AsyncClient) -> None:
        operation = (await submitter.get("/openapi.json")).json()["paths"][URL]["post"]
        upload = operation["requestBody"]["content"]["multipart/form-data"]
        assert upload["schema"]["properties"]["file"]["format"] == "binary"
        assert upload["schema"]["required"] == ["file"]
