"""Open data: approved Council Plan KPI figures for the borough, with no key, under the Open Government Licence,
cacheable (ETag, Cache-Control, 304), and the same figures Cabinet's pack shows as final."""

import csv
import io

from httpx import AsyncClient

from api.opendata.schemas import LICENCE_URL
from tests.signoffs.conftest import ASSESSMENTS, NEET, Desk, decide

OPEN = "/open-data/v1/council-plan-kpis"


def _figures(body: dict[str, object], code: str) -> list[tuple[str, object, int]]:
    kpis = body["kpis"]
    assert isinstance(kpis, list)
    kpi = next(kpi for kpi in kpis if kpi["code"] == code)
    return [(figure["period"], figure["value"], figure["revision"]) for figure in kpi["figures"]]


class TestJson:
    async def test_serves_only_approved_figures_without_a_key(self, desk: Desk, anonymous: AsyncClient) -> None:
        await desk.submit(8)
        assert _figures((await anonymous.get(OPEN)).json(), NEET) == []
        await decide(desk.schools, 1)
        await desk.submit(9)  # a correction: awaiting sign-off, so the approved 8% stays published
        answer = await anonymous.get(OPEN)
        assert answer.status_code == 200
        body = answer.json()
        assert _figures(body, NEET) == [("FY2016-17", 8, 1)]
        assert body["publisher"] == "Stockton-on-Tees Borough Council"
        assert body["licence"]["name"] == "Open Government Licence v3.0"
        assert body["licence"]["url"] == LICENCE_URL
        assert "Stockton-on-Tees Borough Council" in body["licence"]["attribution"]
        assert {kpi["code"] for kpi in body["kpis"]} >= {NEET, ASSESSMENTS}

    async def test_one_kpi(self, desk: Desk, anonymous: AsyncClient) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1)
        body = (await anonymous.get(f"{OPEN}/{NEET}")).json()
        assert body["kpi"]["code"] == NEET
        assert [(f["period"], f["display"]) for f in body["kpi"]["figures"]] == [("FY2016-17", "8%")]
        assert (await anonymous.get(f"{OPEN}/no-such-kpi")).status_code == 404
        service_indicator = "child-protection-plans-second-or-subsequent"
        assert (await anonymous.get(f"{OPEN}/{service_indicator}")).status_code == 404

    async def test_a_team_or_comparator_figure_is_never_published(self, desk: Desk, anonymous: AsyncClient) -> None:
        await desk.submit(6, f"/api/v1/kpis/{NEET}/values/FY2016-17?scope=england")
        assert _figures((await anonymous.get(OPEN)).json(), NEET) == []

    async def test_unknown_query_parameters_are_refused(self, loaded: object, anonymous: AsyncClient) -> None:
        answer = await anonymous.get(f"{OPEN}?page=2")
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")


class TestCaching:
    async def test_a_strong_etag_and_public_cache_control(self, desk: Desk, anonymous: AsyncClient) -> None:
        first = await anonymous.get(OPEN)
        etag = first.headers["ETag"]
        assert etag.startswith('"'), "strong: no W/ prefix"
        assert first.headers["Cache-Control"] == "public, max-age=300"
        assert first.headers["Link"] == f'<{LICENCE_URL}>; rel="license"'
        assert (await anonymous.get(OPEN)).headers["ETag"] == etag, "the same content, the same ETag"

    async def test_if_none_match_answers_304_until_a_figure_is_approved(
        self, desk: Desk, anonymous: AsyncClient
    ) -> None:
        await desk.submit(8)
        etag = (await anonymous.get(OPEN)).headers["ETag"]
        unchanged = await anonymous.get(OPEN, headers={"If-None-Match": etag})
        assert (unchanged.status_code, unchanged.content) == (304, b"")
        assert unchanged.headers["ETag"] == etag
        await decide(desk.schools, 1)
        changed = await anonymous.get(OPEN, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag


class TestCsv:
    async def test_one_row_a_figure_with_the_licence(self, desk: Desk, anonymous: AsyncClient) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1)
        for url in (f"{OPEN}.csv", f"{OPEN}/{NEET}/figures.csv"):
            answer = await anonymous.get(url)
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"].startswith("text/csv")
            assert answer.headers["Link"] == f'<{LICENCE_URL}>; rel="license"'
            rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
            neet = [row for row in rows if row["kpi"] == NEET]
            assert [(r["period"], r["value"], r["display"], r["licence"]) for r in neet] == [
                ("FY2016-17", "8", "8%", LICENCE_URL)
            ]
            again = await anonymous.get(url, headers={"If-None-Match": answer.headers["ETag"]})
            assert again.status_code == 304


class TestSameAsCabinet:
    async def test_the_figures_cabinet_shows_as_final_are_the_ones_published(
        self, desk: Desk, anonymous: AsyncClient
    ) -> None:
        await desk.submit(8)
        await decide(desk.schools, 1)
        assessments = f"/api/v1/kpis/{ASSESSMENTS}/values/FY2016-17"
        await desk.submit(80, assessments)  # awaiting sign-off: neither final in the pack nor published
        pack = (await desk.submitter.get("/api/v1/governance-bodies/cabinet/pack?period=2016/17")).json()
        final = {
            (kpi["code"], kpi["figure"]["period"], kpi["figure"]["value"])
            for kpi in pack["kpis"]
            if kpi["sign_off"] is not None and kpi["sign_off"]["final"]
        }
        published = {
            (kpi["code"], figure["period"], figure["value"])
            for kpi in (await anonymous.get(OPEN)).json()["kpis"]
            for figure in kpi["figures"]
            if figure["period"] == "FY2016-17"
        }
        assert final == published == {(NEET, "FY2016-17", 8)}
        pending = next(kpi for kpi in pack["kpis"] if kpi["code"] == ASSESSMENTS)
        assert pending["sign_off"]["final"] is False
