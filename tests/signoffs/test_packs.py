"""Packs before and after sign-off: in Cabinet's and the CYP Select Committee's packs a figure is final only once
approved; until then it is shown marked, beside the last approved figure, and never left out."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.signoffs.conftest import NEET, Desk, decide

PERIOD = "period=2016/17"
SERVICE_INDICATOR = "child-protection-plans-second-or-subsequent"  # reported to CSMT, which needs no sign-off


async def _pack(client: AsyncClient, body: str, **query: str) -> dict[str, Any]:
    extra = "".join(f"&{name}={value}" for name, value in query.items())
    answer = await client.get(f"/api/v1/governance-bodies/{body}/pack?{PERIOD}{extra}")
    assert answer.status_code == 200, answer.text
    pack: dict[str, Any] = answer.json()
    return pack


def _neet(pack: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(kpi for kpi in pack["kpis"] if kpi["code"] == NEET)
    return found


async def _csv_value(client: AsyncClient, body: str) -> str:
    table = await client.get(f"/api/v1/governance-bodies/{body}/pack?{PERIOD}&format=csv")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    return next(row["value"] for row in rows if row["section"] == "kpi" and row["item"] == NEET)


@pytest.mark.parametrize("body", ["cabinet", "cyp-select-committee"])
class TestBodiesThatRequireSignOff:
    async def test_a_figure_awaiting_sign_off_is_shown_marked_never_dropped(self, desk: Desk, body: str) -> None:
        await desk.submit(8)
        pack = await _pack(desk.submitter, body)
        neet = _neet(pack)
        assert neet["figure"]["display"] == "8%"
        assert neet["sign_off"] | {"decided_at": None} == {
            "state": "awaiting_sign_off",
            "final": False,
            "revision": 1,
            "decided_at": None,
            "decided_by": None,
            "reasons": None,
            "approved": None,
        }
        assert pack["headline"]["kpis_not_final"] == 1
        assert await _csv_value(desk.submitter, body) == "8% (awaiting sign-off; no approved figure yet)"
        html = (await desk.submitter.get(f"/api/v1/governance-bodies/{body}/pack?{PERIOD}&format=html")).text
        assert "8% (awaiting sign-off; no approved figure yet)" in html
        assert "1 KPI figure not yet approved (shown marked)" in html

    async def test_an_approved_figure_is_final(self, desk: Desk, body: str) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1)
        neet = _neet(await _pack(desk.submitter, body))
        assert (neet["sign_off"]["state"], neet["sign_off"]["final"]) == ("approved", True)
        assert "AD Schools approver" in neet["sign_off"]["decided_by"]
        assert await _csv_value(desk.submitter, body) == "8%"

    async def test_a_correction_shows_beside_the_last_approved_figure(self, desk: Desk, body: str) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1)
        await desk.submit(9)
        neet = _neet(await _pack(desk.submitter, body))
        assert neet["figure"]["display"] == "9%"
        assert (neet["sign_off"]["state"], neet["sign_off"]["final"]) == ("awaiting_sign_off", False)
        assert (neet["sign_off"]["approved"]["revision"], neet["sign_off"]["approved"]["display"]) == (1, "8%")
        assert await _csv_value(desk.submitter, body) == "9% (awaiting sign-off; last approved: 8%)"

    async def test_a_returned_figure_is_shown_as_returned_with_its_reasons(self, desk: Desk, body: str) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1, "returned", reasons="Wrong cohort")
        neet = _neet(await _pack(desk.submitter, body))
        assert (neet["sign_off"]["state"], neet["sign_off"]["reasons"]) == ("returned", "Wrong cohort")
        assert await _csv_value(desk.submitter, body) == "8% (returned at sign-off; no approved figure yet)"


class TestPacksAsKnownEarlier:
    async def test_a_pack_for_a_past_moment_uses_the_sign_offs_known_then(self, desk: Desk) -> None:
        await desk.submit(8)
        before = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        await decide(desk.schools, 1)
        then = _neet(await _pack(desk.submitter, "cabinet", known_at=before))
        now = _neet(await _pack(desk.submitter, "cabinet"))
        assert (then["sign_off"]["state"], then["sign_off"]["final"]) == ("awaiting_sign_off", False)
        assert (now["sign_off"]["state"], now["sign_off"]["final"]) == ("approved", True)


class TestBodiesThatDoNotRequireSignOff:
    async def test_csmt_shows_the_state_but_the_figure_is_final(self, desk: Desk) -> None:
        await desk.submit(20, f"/api/v1/kpis/{SERVICE_INDICATOR}/values/FY2016-17")
        pack = await _pack(desk.submitter, "csmt")
        found = next(kpi for kpi in pack["kpis"] if kpi["code"] == SERVICE_INDICATOR)
        assert (found["sign_off"]["state"], found["sign_off"]["final"]) == ("awaiting_sign_off", True)
        assert pack["headline"]["kpis_not_final"] == 0

    async def test_the_body_says_whether_it_requires_sign_off(self, desk: Desk) -> None:
        bodies = {
            key: (await desk.submitter.get(f"/api/v1/governance-bodies/{key}")).json()["requires_sign_off"]
            for key in ("cabinet", "cyp-select-committee", "csmt")
        }
        assert bodies == {"cabinet": True, "cyp-select-committee": True, "csmt": False}


async def test_the_pdf_and_the_workbook_mark_a_figure_awaiting_sign_off(desk: Desk) -> None:
    await desk.submit(8)
    url = f"/api/v1/governance-bodies/cabinet/pack?{PERIOD}&format="
    pdf = (await desk.submitter.get(url + "pdf")).content
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "8% (awaiting sign-off; no approved figure yet)" in text
    book = load_workbook(io.BytesIO((await desk.submitter.get(url + "xlsx")).content))
    sheet = book["KPIs"]
    headings = [str(cell.value) for cell in sheet[1]]
    rows = [dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    neet = next(row for row in rows if row["Code"].value == NEET)
    assert neet["As shown"].value == "8% (awaiting sign-off; no approved figure yet)"
