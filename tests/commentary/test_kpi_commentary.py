"""Commentary on a KPI's figure for a period: written, read and listed; periods as KPI values take them; bad input."""

import pytest
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_page, assert_problem
from tests.commentary.conftest import ACADEMIC_KPI, KPI, KPI_COMMENTARIES, OTHER_KPI

WHY = "Not known fell after the tracking exercise; NEET is the focus now"


class TestCreate:
    async def test_created_with_location_etag_and_its_author(self, submitter: AsyncClient, loaded: Tally) -> None:
        response = await submitter.post(KPI_COMMENTARIES, json={"period": "2016/17", "text": f"  {WHY}\n"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"/api/v1/commentaries/{body['id']}"
        assert response.headers["etag"] == '"1"'
        assert (body["kpi"], body["period"], body["text"], body["revision"]) == (KPI, "FY2016-17", WHY, 1)
        assert (body["action"], body["project"], body["progress_update_id"], body["withdrawn_at"]) == (None,) * 4
        assert body["created_by"].endswith("(performance officer)")
        assert body["created_by"] == body["updated_by"]
        assert body["created_at"] == body["updated_at"]
        read = await submitter.get(response.headers["location"])
        assert read.status_code == 200
        assert read.json() == body
        assert read.headers["etag"] == '"1"'

    async def test_a_bare_year_is_the_kpis_kind_of_year(self, submitter: AsyncClient, loaded: Tally) -> None:
        response = await submitter.post(
            f"/api/v1/kpis/{ACADEMIC_KPI}/commentaries", json={"period": "2015/16", "text": WHY}
        )
        assert response.status_code == 201, response.text
        assert response.json()["period"] == "AY2015-16"

    @pytest.mark.parametrize(
        ("period", "says"),
        [
            ("2016-17", "not a period code"),
            ("2016-07", "is a month, but neet-not-known-16-19 is reported by financial year"),
            ("FY2098-99", "in the future"),
        ],
    )
    async def test_a_period_no_figure_could_be_for_is_422(
        self, submitter: AsyncClient, loaded: Tally, period: str, says: str
    ) -> None:
        problem = assert_problem(
            await submitter.post(KPI_COMMENTARIES, json={"period": period, "text": WHY}), 422, detail_contains=says
        )
        assert problem["errors"][0]["loc"] == ["body", "period"]

    async def test_an_unknown_kpi_is_404(self, submitter: AsyncClient, loaded: Tally) -> None:
        response = await submitter.post(
            "/api/v1/kpis/no-such-kpi/commentaries", json={"period": "2016/17", "text": WHY}
        )
        assert_problem(response, 404, detail_contains="no-such-kpi")
        assert_problem(await submitter.get("/api/v1/kpis/no-such-kpi/commentaries"), 404)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"period": "2016/17", "text": WHY, "author": "someone else"}, "author"),
            ({"period": "2016/17", "text": WHY, "revision": 5}, "revision"),
            ({"period": "2016/17", "text": "a\x00b"}, "text"),
            ({"period": "2016/\x0017", "text": WHY}, "period"),
            ({"period": "2016/17", "text": "x" * 4001}, "text"),
            ({"period": "2016/17", "text": " \n\t "}, "text"),
            ({"period": "2016/17"}, "text"),
            ({"text": WHY}, "period"),
        ],
    )
    async def test_bad_bodies_are_422_and_write_nothing(
        self, submitter: AsyncClient, loaded: Tally, body: dict[str, object], field: str
    ) -> None:
        problem = assert_problem(await submitter.post(KPI_COMMENTARIES, json=body), 422)
        assert problem["errors"][0]["loc"] == ["body", field]
        assert_page(await submitter.get(KPI_COMMENTARIES), total=0)

    async def test_text_of_4000_characters_is_kept_whole(self, submitter: AsyncClient, loaded: Tally) -> None:
        text = "é" * 3999 + "ñ"
        response = await submitter.post(KPI_COMMENTARIES, json={"period": "2016/17", "text": text})
        assert response.status_code == 201, response.text
        assert (await submitter.get(response.headers["location"])).json()["text"] == text

    async def test_an_archived_kpi_takes_no_more_commentary(
        self, submitter: AsyncClient, admin: AsyncClient, loaded: Tally
    ) -> None:
        etag = (await admin.get(f"/api/v1/kpis/{KPI}")).headers["etag"]
        assert (await admin.delete(f"/api/v1/kpis/{KPI}", headers={"If-Match": etag})).status_code == 200
        response = await submitter.post(KPI_COMMENTARIES, json={"period": "2016/17", "text": WHY})
        assert_problem(response, 409, detail_contains="archived")


class TestList:
    async def _write(self, client: AsyncClient, period: str, text: str) -> int:
        response = await client.post(KPI_COMMENTARIES, json={"period": period, "text": text})
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def test_newest_period_first_then_in_the_order_written(self, submitter: AsyncClient, loaded: Tally) -> None:
        first = await self._write(submitter, "FY2015-16", "Baseline year")
        second = await self._write(submitter, "FY2016-17", "Why the figure rose")
        third = await self._write(submitter, "FY2016-17", "What we are doing about it")
        items = assert_page(await submitter.get(KPI_COMMENTARIES), total=3)
        assert [item["id"] for item in items] == [second, third, first]
        only = assert_page(await submitter.get(KPI_COMMENTARIES, params={"period": "2016/17"}), total=2)
        assert [item["period"] for item in only] == ["FY2016-17", "FY2016-17"]
        paged = assert_page(
            await submitter.get(KPI_COMMENTARIES, params={"limit": 1, "page": 3}), total=3, page=3, limit=1
        )
        assert [item["id"] for item in paged] == [first]
        assert_page(await submitter.get(f"/api/v1/kpis/{OTHER_KPI}/commentaries"), total=0)

    async def test_updated_since_and_a_bad_period_filter(self, submitter: AsyncClient, loaded: Tally) -> None:
        written = await self._write(submitter, "FY2016-17", WHY)
        created_at = (await submitter.get(f"/api/v1/commentaries/{written}")).json()["created_at"]
        assert_page(await submitter.get(KPI_COMMENTARIES, params={"updated_since": created_at}), total=1)
        assert_page(await submitter.get(KPI_COMMENTARIES, params={"updated_since": "2999-01-01T00:00:00Z"}), total=0)
        problem = assert_problem(await submitter.get(KPI_COMMENTARIES, params={"period": "someday"}), 422)
        assert problem["errors"][0]["loc"] == ["query", "period"]

    async def test_unknown_commentary_is_404(self, client: AsyncClient, loaded: Tally) -> None:
        assert_problem(await client.get("/api/v1/commentaries/999999"), 404, detail_contains="999999")
        assert_problem(await client.get("/api/v1/commentaries/999999/revisions"), 404)
        assert_problem(await client.get("/api/v1/commentaries/0"), 422)
