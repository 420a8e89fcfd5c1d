"""POST /kpi-submissions: batches of real DfE figures as JSON, all-or-nothing or partial, dry runs, grants (CSV:
test_csv_submissions.py)."""

import pytest
from httpx import AsyncClient

from api.auth.models import Scope
from tests import dfe
from tests.asserts import assert_problem
from tests.conftest import Minter
from tests.kpis.batches import KPI, dfe_rows, stored_values


class TestJsonBatches:
    async def test_real_figures_land_and_the_summary_counts_them(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        before = await stored_values()
        response = await submitter.post("/api/v1/kpi-submissions", json={"rows": rows, "source": "DfE CIN census"})
        assert response.status_code == 201, response.text
        summary = response.json()
        assert (summary["rows"], summary["created"], summary["updated"], summary["unchanged"], summary["rejected"]) == (
            len(rows),
            len(rows),
            0,
            0,
            0,
        )
        assert response.headers["location"] == f"/api/v1/kpi-submissions/{summary['id']}"
        assert await stored_values() == before + len(rows)
        record = (await submitter.get(f"/api/v1/kpi-submissions/{summary['id']}")).json()
        assert (record["created"], record["source"], record["format"]) == (len(rows), "DfE CIN census", "json")

    async def test_a_resubmission_is_unchanged_and_a_correction_updated(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})
        again = (await submitter.post("/api/v1/kpi-submissions", json={"rows": rows})).json()
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, len(rows))
        rows[0] = rows[0] | {"value": None, "numerator": None, "denominator": None, "status_symbol": "x"}
        corrected = (
            await submitter.post("/api/v1/kpi-submissions", json={"rows": rows, "reason": "suppressed"})
        ).json()
        assert (corrected["updated"], corrected["unchanged"]) == (1, len(rows) - 1)

    async def test_one_bad_row_rejects_the_whole_batch_by_default(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        rows[2] = rows[2] | {"value": "150", "numerator": None, "denominator": None}
        rows[5] = rows[5] | {"period": "CY2016"}
        before = await stored_values()
        problem = assert_problem(await submitter.post("/api/v1/kpi-submissions", json={"rows": rows}), 422)
        assert "2 of 26 rows were rejected, so nothing was written" in problem["detail"]
        assert [e["loc"] for e in problem["errors"]] == [["rows", 3, "value"], ["rows", 6, "period"]]
        assert await stored_values() == before

    async def test_partial_mode_lands_the_valid_rows_and_reports_the_rest(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        rows = dfe_rows()
        rows[0] = rows[0] | {"kpi": "no-such-kpi"}
        rows[1] = rows[1] | {"scope": "wales"}
        response = await submitter.post("/api/v1/kpi-submissions?mode=partial", json={"rows": rows})
        assert response.status_code == 201
        summary = response.json()
        assert (summary["created"], summary["rejected"]) == (len(rows) - 2, 2)
        assert summary["rejections"] == [
            {"row": 1, "line": None, "field": "kpi", "reason": "unknown KPI 'no-such-kpi'"},
            {"row": 2, "line": None, "field": "scope", "reason": "unknown scope 'wales'"},
        ]

    async def test_rounded_national_counts_do_not_match_their_percentage(
        self, submitter: AsyncClient, kpi: str
    ) -> None:
        england = next(f for f in dfe.england(dfe.repeat_child_protection_plans()) if f.period == "FY2021-22")
        row = {
            "kpi": KPI,
            "period": england.period,
            "scope": "england",
            "value": str(england.percent),
            "numerator": str(england.numerator),
            "denominator": str(england.denominator),
        }
        problem = assert_problem(await submitter.post("/api/v1/kpi-submissions", json={"rows": [row]}), 422)
        assert problem["errors"] == [
            {"loc": ["rows", 1, "value"], "msg": "22.7 does not match numerator/denominator (22.6)"}
        ]

    async def test_duplicate_rows_in_one_batch_are_flagged(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()[:3]
        rows.append(rows[1] | {"value": "99", "numerator": None, "denominator": None})
        problem = assert_problem(await submitter.post("/api/v1/kpi-submissions", json={"rows": rows}), 422)
        assert problem["errors"] == [
            {"loc": ["rows", 4, "period"], "msg": "duplicates row 2 (same KPI, scope and period)"}
        ]

    async def test_a_dry_run_reports_and_writes_nothing(self, submitter: AsyncClient, kpi: str) -> None:
        rows = dfe_rows()
        rows[0] = rows[0] | {"value": "-4", "numerator": None, "denominator": None}
        before = await stored_values()
        response = await submitter.post("/api/v1/kpi-submissions?dry_run=true", json={"rows": rows})
        assert response.status_code == 200
        summary = response.json()
        assert (summary["id"], summary["dry_run"], summary["created"], summary["rejected"]) == (
            None,
            True,
            len(rows) - 1,
            1,
        )
        assert await stored_values() == before

    async def test_read_only_fields_in_rows_are_rejected(self, submitter: AsyncClient, kpi: str) -> None:
        rows = [dfe_rows()[0] | {"revision": 7, "submitted_by": "someone else"}]
        problem = assert_problem(await submitter.post("/api/v1/kpi-submissions", json={"rows": rows}), 422)
        assert {tuple(e["loc"]) for e in problem["errors"]} == {("rows", 1, "revision"), ("rows", 1, "submitted_by")}

    async def test_more_than_10000_rows_is_refused(self, submitter: AsyncClient, kpi: str) -> None:
        rows = [{"kpi": KPI, "period": "FY2015-16", "value": 1}] * 10_001
        assert_problem(
            await submitter.post("/api/v1/kpi-submissions", json={"rows": rows}), 422, detail_contains="10,000"
        )

    @pytest.mark.parametrize(
        "body",
        [
            '{"rows": [',
            '[{"kpi": "x"}]',
            '{"rows": {}}',
            '{"rows": [], "extra": 1}',
            '{"rows": [1]}',
            '{"rows": []}',
            '{"rows": ' + "[" * 100_000 + "]" * 100_000 + "}",
            '{"rows": [{"kpi": "x", "period": "FY2016-17", "value": 1' + "0" * 5000 + "}]}",
            b'{"rows": [{"kpi": "\xff"}]}'.decode("latin-1"),
        ],
        ids=["truncated", "array", "object", "unknown field", "not an object", "empty", "deep", "long number", "bytes"],
    )
    async def test_malformed_bodies_are_problems(self, submitter: AsyncClient, kpi: str, body: str) -> None:
        response = await submitter.post(
            "/api/v1/kpi-submissions", content=body.encode("latin-1"), headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 422)


class TestGrants:
    async def test_a_batch_with_one_forbidden_row_is_rejected_whole_naming_the_row(
        self, anonymous: AsyncClient, mint: Minter, kpi: str
    ) -> None:
        token = await mint(Scope.kpi_submit, name="case management", kpi_codes=[KPI])
        rows = dfe_rows()[:3] + [{"kpi": "cp-repeat-plans", "period": "FY2016-17", "value": 20}]
        before = await stored_values()
        response = await anonymous.post(
            "/api/v1/kpi-submissions?mode=partial",
            json={"rows": rows},
            headers={"Authorization": f"Bearer {token}"},
        )
        problem = assert_problem(response, 403, detail_contains="may not submit 1 of these rows")
        assert problem["errors"] == [
            {"loc": ["rows", 4, "kpi"], "msg": "this key may not submit KPI 'cp-repeat-plans'"}
        ]
        assert await stored_values() == before

    async def test_submissions_record_the_key_that_made_them(self, submitter: AsyncClient, kpi: str) -> None:
        await submitter.post("/api/v1/kpi-submissions", json={"rows": dfe_rows()[:2]})
        listed = (await submitter.get("/api/v1/kpi-submissions")).json()["items"]
        assert listed[0]["submitted_by"].endswith("(performance officer)")
        values = (await submitter.get(f"/api/v1/kpis/{KPI}/values")).json()["items"]
        assert {v["submitted_by"] for v in values} == {listed[0]["submitted_by"]}
