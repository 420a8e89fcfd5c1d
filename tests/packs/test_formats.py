"""A pack as a PDF and as an Excel workbook, live and as issued, read back the way their readers' software reads them
(pypdf, openpyxl)."""

import asyncio
import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from httpx import AsyncClient, Response
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader
from sqlalchemy import update

from api import db
from api.governance.models import IssuedPack
from api.packs import render
from api.packs.render import uk_date
from api.packs.schemas import Pack
from tests.asserts import assert_problem
from tests.packs.conftest import NEET, TOXIC_TRIO
from tests.packs.test_render import visible_text

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DDE = "=cmd|' /C calc'!A0"  # Excel's classic: a formula that would start a program
PERIOD = "period=2016/17"  # as of today: the scenario's figures and reports were made today
MEETING = {"meeting_date": "2016-11-21", "period": "2016/17"}


async def _download(client: AsyncClient, url: str, media_type: str) -> bytes:
    response: Response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    return response.content


def _pdf_text(document: bytes) -> list[str]:
    """Each page's text, its whitespace collapsed (a cell's text wraps over lines)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(document)).pages]


def _timeless(pages: list[str]) -> list[str]:
    """Pages with the moments they were made and read at ("28 November 2026, 09:44 UTC") blanked: a pack drawn a
    minute later differs in those alone."""
    return [re.sub(r"\d{1,2} \w+ \d{4}, \d{2}:\d{2} UTC", "<moment>", page) for page in pages]


def _workbook(document: bytes) -> Workbook:
    return load_workbook(io.BytesIO(document))


def _rows(sheet: Worksheet) -> list[dict[str, Any]]:
    """Each row below the header as {heading: cell}."""
    headings = [str(cell.value) for cell in sheet[1]]
    return [dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def _row(sheet: Worksheet, column: str, value: str) -> dict[str, Any]:
    return next(row for row in _rows(sheet) if row[column].value == value)


async def _json(client: AsyncClient, body: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/governance-bodies/{body}/pack?{PERIOD}")
    assert response.status_code == 200, response.text
    pack: dict[str, Any] = response.json()
    return pack


class TestPdf:
    async def test_is_an_a4_attachment_with_the_figures_ratings_and_comparators(
        self, client: AsyncClient, scenario: None
    ) -> None:
        response = await client.get(f"/api/v1/governance-bodies/cabinet/pack?{PERIOD}&format=pdf")
        assert response.headers["content-type"] == PDF
        assert response.headers["content-disposition"] == 'attachment; filename="cabinet-2017-03-31.pdf"'
        reader = PdfReader(io.BytesIO(response.content))
        assert (round(reader.pages[0].mediabox.width), round(reader.pages[0].mediabox.height)) == (595, 842)
        text = " ".join(_pdf_text(response.content))
        neet = next(kpi for kpi in (await _json(client, "cabinet"))["kpis"] if kpi["code"] == NEET)
        assert neet["title"] in text
        assert "7% (2016/17) 8% (2016/17)" in text, "the target and the figure, with their periods"
        assert "✖ Off target 8% against a target of 7%" in text, "the rating in symbol and words, then why"
        assert "▼ Improving since 2015/16" in text
        assert "England 6% (ours 2 points worse)" in text
        assert "56%" in text, "care leavers in EET"
        assert "Progress by focus area" in text

    async def test_documents_drawn_at_once_in_worker_threads_are_each_whole(
        self, client: AsyncClient, scenario: None
    ) -> None:
        """PDFs and workbooks are drawn off the event loop, several at a time: none spoils another."""
        url = f"/api/v1/bodies/CSMT/pack?{PERIOD}&format="
        alone = _timeless(_pdf_text(await _download(client, url + "pdf", PDF)))
        together = await asyncio.gather(
            *(_download(client, url + kind, PDF if kind == "pdf" else XLSX) for kind in ("pdf", "xlsx") * 3)
        )
        for document in together[::2]:
            assert _timeless(_pdf_text(document)) == alone  # page by page, so that a failure shows what differs
        sheets = [_workbook(document).sheetnames for document in together[1::2]]
        assert sheets[0]
        assert all(names == sheets[0] for names in sheets)

    async def test_the_csmt_pack_runs_over_pages_numbered_n_of_m(self, client: AsyncClient, scenario: None) -> None:
        document = await _download(client, f"/api/v1/bodies/CSMT/pack?{PERIOD}&format=pdf", PDF)
        pages = _pdf_text(document)
        assert len(pages) > 1
        assert "Page 1 of" in pages[0]
        assert all(f"Page {number} of" in page for number, page in enumerate(pages, 1))
        pack = await _json(client, "csmt")
        foot = f"{pack['body']['name']} · as at {uk_date(date(2017, 3, 31))} Not issued"
        assert all(foot in page for page in pages)
        assert all(pack["title"] in page for page in pages[1:]), "the title heads every page after the first"
        toxic = next(a for area in pack["actions_by_focus_area"] for a in area["actions"] if a["key"] == TOXIC_TRIO)
        text = " ".join(pages)
        assert " ".join(toxic["what"].split()) in text
        assert "At risk ● Amber 50% Overdue 31 August 2016 Audit delayed" in text, "RAG and flags in words"

    async def test_money_is_in_pounds(self, client: AsyncClient, scenario: None) -> None:
        url = f"/api/v1/governance-bodies/childrens-programme-board/pack?{PERIOD}&format=pdf"
        text = " ".join(_pdf_text(await _download(client, url, PDF)))
        assert "LEAN review £800,000 £650,000 £200,000 £150,000 £600,000" in text
        assert "Savings totals for 2016/17" in text
        assert "Savings by financial year: 2016/17 target £800,000, forecast £650,000, delivered £200,000" in text


class TestWorkbook:
    @pytest.mark.parametrize(
        ("body", "sheets"),
        [
            ("cabinet", ["Summary", "Progress", "KPIs", "Trends"]),
            ("csmt", ["Summary", "KPIs", "Trends", "Exceptions", "Returns", "Actions"]),
            ("childrens-programme-board", ["Summary", "Projects", "Savings", "Savings totals", "Savings by year"]),
        ],
    )
    async def test_a_sheet_per_section_each_with_a_frozen_bold_header(
        self, client: AsyncClient, scenario: None, body: str, sheets: list[str]
    ) -> None:
        response = await client.get(f"/api/v1/governance-bodies/{body}/pack?{PERIOD}&format=xlsx")
        assert response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"] == f'attachment; filename="{body}-2017-03-31.xlsx"'
        book = _workbook(response.content)
        pack = await _json(client, body)
        if not any(point["value"] is not None for kpi in pack["kpis"] for point in kpi["trend"]):
            sheets = [sheet for sheet in sheets if sheet != "Trends"]  # a body whose KPIs have no figures yet
        assert book.sheetnames == sheets
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A2"
            assert all(cell.font.bold for cell in sheet[1])
            assert sheet.column_dimensions["A"].width > 10
        contents = [
            row["Detail"].value for row in _rows(book["Summary"]) if str(row["Detail"].value).startswith("Sheet")
        ]
        assert contents == [f"Sheet: {sheet}" for sheet in sheets[1:]], "the summary lists the sheets"

    async def test_the_summary_is_the_front_page(self, client: AsyncClient, scenario: None) -> None:
        book = _workbook(await _download(client, f"/api/v1/bodies/CSMT/pack?{PERIOD}&format=xlsx", XLSX))
        pack = await _json(client, "csmt")
        summary = {row["Detail"].value: row["Value"].value for row in _rows(book["Summary"])}
        assert summary["Title"] == pack["title"]
        assert summary["Period"] == "2016/17"
        assert summary["Headline"] == pack["headline"]["sentence"]
        assert summary["Version"] == "Not issued"
        assert "Exception: Overdue" in summary
        assert all(value != "None" for value in summary.values())

    async def test_the_trends_sheet_holds_each_kpis_figures_as_numbers(
        self, client: AsyncClient, scenario: None
    ) -> None:
        document = await _download(client, f"/api/v1/governance-bodies/cabinet/pack?{PERIOD}&format=xlsx", XLSX)
        trends = [row for row in _rows(_workbook(document)["Trends"]) if row["Code"].value == NEET]
        assert [row["Period"].value for row in trends][-2:] == ["2015/16", "2016/17"]
        latest = trends[-1]
        assert latest["KPI"].value == next(
            k["title"] for k in (await _json(client, "cabinet"))["kpis"] if k["code"] == NEET
        )
        assert (latest["Our figure"].value, latest["Our figure"].data_type) == (8, "n")
        assert latest["Our figure"].number_format == '#,##0"%"'
        assert (latest["England"].value, trends[-2]["Our figure"].value) == (6, 9)

    async def test_savings_by_year_are_pounds_as_numbers(self, client: AsyncClient, scenario: None) -> None:
        url = f"/api/v1/governance-bodies/childrens-programme-board/pack?{PERIOD}&format=xlsx"
        year = _row(_workbook(await _download(client, url, XLSX))["Savings by year"], "Financial year", "2016/17")
        assert (year["Target"].value, year["Forecast"].value, year["Delivered"].value) == (800_000, 650_000, 200_000)
        assert year["Target"].number_format.startswith('"£"#,##0.00')

    async def test_kpi_figures_are_numbers_shown_in_the_kpis_format(self, client: AsyncClient, scenario: None) -> None:
        document = await _download(client, f"/api/v1/governance-bodies/cabinet/pack?{PERIOD}&format=xlsx", XLSX)
        kpis = _workbook(document)["KPIs"]
        neet = _row(kpis, "Code", NEET)
        latest = neet["Latest figure"]
        assert (latest.data_type, latest.value, latest.number_format) == ("n", 8, '#,##0"%"')
        assert (neet["Baseline"].value, neet["Target"].value, neet["As shown"].value) == (9, 7, "8%")
        assert (neet["Rating"].value, neet["Direction of travel"].value, neet["Change"].value) == (
            "Off target",
            "Improving",
            -1,
        )
        assert _row(kpis, "Code", "care-leavers-in-eet-16-21")["Latest figure"].value == 56

    async def test_savings_are_pounds_as_numbers(self, client: AsyncClient, scenario: None) -> None:
        url = f"/api/v1/governance-bodies/childrens-programme-board/pack?{PERIOD}&format=xlsx"
        book = _workbook(await _download(client, url, XLSX))
        lean = _row(book["Savings"], "Key", "lean-review")
        assert (lean["Target"].value, lean["Forecast"].value, lean["Still to bank"].value) == (
            80_000_000 / 100,
            65_000_000 / 100,
            60_000_000 / 100,
        )
        assert lean["Target"].data_type == "n"
        assert lean["Target"].number_format.startswith('"£"#,##0.00')
        assert [cell.value for cell in book["Savings totals"][2]] == [
            "2016/17",
            800_000,
            650_000,
            200_000,
            150_000,
            600_000,
        ]

    async def test_dates_are_dates_and_flags_are_words(self, client: AsyncClient, scenario: None) -> None:
        book = _workbook(await _download(client, f"/api/v1/bodies/CSMT/pack?{PERIOD}&format=xlsx", XLSX))
        toxic = _row(book["Actions"], "Key", TOXIC_TRIO)
        assert toxic["Due date"].value == datetime(2016, 9, 30)
        assert toxic["Due date"].is_date
        assert toxic["Last update"].value == datetime(2016, 8, 31)
        assert (toxic["RAG"].value, toxic["Complete"].value, toxic["Overdue"].value) == ("Amber", 50, "Yes")
        assert _row(book["Summary"], "Detail", "As at")["Value"].value.date() == date(2017, 3, 31)

    async def test_a_title_written_as_a_formula_stays_text(
        self, client: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        url = f"/api/v1/actions/{TOXIC_TRIO}"
        etag = (await csmt.get(url)).headers["etag"]
        assert (await csmt.patch(url, json={"what": DDE}, headers={"If-Match": etag})).status_code == 200
        document = await _download(client, f"/api/v1/governance-bodies/csmt/pack?{PERIOD}&format=xlsx", XLSX)
        title = _row(_workbook(document)["Actions"], "Key", TOXIC_TRIO)["Action"]
        assert (title.value, title.data_type, title.quotePrefix) == (DDE, "s", True)
        with zipfile.ZipFile(io.BytesIO(document)) as archive:
            sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
            assert sheets
            assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


class TestIssued:
    async def test_the_pdf_and_workbook_are_the_ones_issued_whatever_changes(
        self, governor: AsyncClient, csmt: AsyncClient, scenario: None
    ) -> None:
        issued = await governor.post("/api/v1/governance-bodies/csmt/packs", json=MEETING)
        assert issued.status_code == 201, issued.text
        location, pack_id = issued.headers["location"], issued.json()["id"]
        response = await governor.get(f"{location}?format=pdf")
        assert response.headers["content-disposition"] == f'attachment; filename="pack-{pack_id}-v1.pdf"'
        first = {fmt: await _download(governor, f"{location}?format={fmt}", media) for fmt, media in _BINARY}
        assert "Version 1, issued for the meeting on 21 November 2016" in _pdf_text(first["pdf"])[0]
        summary = _workbook(first["xlsx"])["Summary"]
        assert _row(summary, "Detail", "Meeting")["Value"].value == datetime(2016, 11, 21)
        assert _row(summary, "Detail", "Version")["Value"].value == 1
        update_ = {"status": "complete", "rag": "green", "as_of": "2016-11-14"}
        assert (await csmt.post(f"/api/v1/actions/{TOXIC_TRIO}/updates", json=update_)).status_code == 201
        later = {fmt: await _download(governor, f"{location}?format={fmt}", media) for fmt, media in _BINARY}
        assert later == first
        again = await governor.post("/api/v1/governance-bodies/csmt/packs", json=MEETING)
        second = await _download(governor, f"{again.headers['location']}?format=pdf", PDF)
        assert "Version 2, issued for the meeting on 21 November 2016" in _pdf_text(second)[0]
        assert "Complete ✔ Green" in " ".join(_pdf_text(second))

    async def test_a_pack_issued_before_pdf_and_xlsx_has_neither(self, governor: AsyncClient, scenario: None) -> None:
        issued = await governor.post("/api/v1/governance-bodies/cabinet/packs", json=MEETING)
        location, pack_id = issued.headers["location"], issued.json()["id"]
        async with db.get_engine().begin() as connection:  # as the migration left packs issued before it
            await connection.execute(update(IssuedPack).values(pdf=None, xlsx=None))
        for fmt in ("pdf", "xlsx"):
            assert_problem(
                await governor.get(f"{location}?format={fmt}"),
                404,
                detail_contains=f"Issued pack {pack_id} was issued before packs were issued as",
            )
        for fmt in ("json", "csv", "html"):
            assert (await governor.get(f"{location}?format={fmt}")).status_code == 200


_BINARY = (("pdf", PDF), ("xlsx", XLSX))


BODIES = ("cabinet", "csmt", "childrens-programme-board")


def _headings(pack: dict[str, Any]) -> set[str]:
    """Every heading the PDF sets: the front page's, the sections', the focus areas' and the KPIs' trends."""
    return {
        "Summary",
        "Contents",
        "Exceptions that need a decision",
        "Key to symbols",
        "Commentary",
        *(section.title for section in render.contents(Pack.model_validate(pack))),
        *(area["title"] for area in pack["actions_by_focus_area"]),
        *(kpi["title"] for kpi in pack["kpis"]),
    }


class TestWhatPeopleRead:
    @pytest.mark.parametrize("body", BODIES)
    async def test_the_pdfs_first_page_is_the_front_page(self, client: AsyncClient, scenario: None, body: str) -> None:
        pack = await _json(client, body)
        first = _pdf_text(await _download(client, f"/api/v1/governance-bodies/{body}/pack?{PERIOD}&format=pdf", PDF))[0]
        assert pack["title"] in first
        assert " ".join(pack["headline"]["sentence"].split()) in first
        assert "As at 31 March 2017" in first
        assert "Data as known at" in first
        assert "Contents" in first
        for section in render.contents(Pack.model_validate(pack)):
            # a contents line is read as its leader dots and page, then its title
            assert re.search(rf"\. \d+ {re.escape(section.title)}", first), f"{section.title} with its page"
        assert "Exceptions that need a decision" in first

    @pytest.mark.parametrize("body", BODIES)
    async def test_no_codes_and_no_none_in_the_html_or_the_pdf(
        self, client: AsyncClient, scenario: None, body: str
    ) -> None:
        pack = await _json(client, body)
        url = f"/api/v1/governance-bodies/{body}/pack?{PERIOD}"
        html = visible_text((await client.get(f"{url}&format=html")).text)
        pdf = " ".join(_pdf_text(await _download(client, f"{url}&format=pdf", PDF)))
        codes = [*pack["rules"], *(kpi["code"] for kpi in pack["kpis"])]
        for name, text in (("html", html), ("pdf", pdf)):
            assert "None" not in text, name
            assert "FY20" not in text, name
            assert not [code for code in codes if code in text], name
        assert pack["headline"]["sentence"] in html

    async def test_no_pdf_page_ends_with_a_heading(self, client: AsyncClient, scenario: None) -> None:
        pack = await _json(client, "csmt")
        document = await _download(client, f"/api/v1/governance-bodies/csmt/pack?{PERIOD}&format=pdf", PDF)
        headings = _headings(pack)
        for number, page in enumerate(PdfReader(io.BytesIO(document)).pages, 1):
            lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
            last = lines[-1]  # the page's head and foot are drawn before its content
            if re.search(r"\. \d+$", lines[-2]):
                continue  # an entry in the contents (its dots and page, then its title), not a heading
            assert not any(heading.endswith(last) for heading in headings), f"page {number} ends with {last!r}"
