"""PUT /kpis/{code}/values/{period}: upsert one figure, with revisions, validation and object-level grants."""

import asyncio
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.audit.models import AuditEvent
from api.auth.models import Scope
from api.kpis.models import Unit
from tests import dfe
from tests.asserts import assert_problem
from tests.conftest import Minter
from tests.factories import Scenario, make_kpi

CODE = "cp-repeat-plans"
FIRST = dfe.stockton(dfe.repeat_child_protection_plans())[0]  # Stockton's earliest real figure


@pytest.fixture
async def fresh_kpi(session: AsyncSession, scenario: Scenario) -> str:
    """A KPI with no values yet, beside the scenario's scopes."""
    await make_kpi(session, "lac-placement-stability", decimal_places=0, polarity="higher_better")
    await session.commit()
    return "lac-placement-stability"


class TestUpsert:
    async def test_first_figure_is_created_as_revision_1(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        response = await submitter.put(
            f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16", json={"value": 64, "source": "DfE SSDA903"}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["outcome"], body["revision"], body["value"], body["scope"]) == (
            "created",
            1,
            64,
            "stockton-on-tees",
        )
        assert body["submitted_by"].startswith("key:k")
        assert body["submitted_by"].endswith("(performance officer)")
        assert (body["period_start_date"], body["period_end_date"]) == ("2015-04-01", "2016-03-31")

    async def test_resubmitting_the_same_figure_creates_no_revision(
        self, submitter: AsyncClient, fresh_kpi: str
    ) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        await submitter.put(url, json={"value": 64})
        again = await submitter.put(url, json={"value": "64.0"})
        assert (again.status_code, again.json()["outcome"], again.json()["revision"]) == (200, "unchanged", 1)
        history = (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()
        assert history["total"] == 1

    async def test_a_correction_adds_the_next_revision_and_keeps_history(
        self, submitter: AsyncClient, fresh_kpi: str
    ) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        await submitter.put(url, json={"value": 64, "provisional": True})
        corrected = await submitter.put(url, json={"value": 66, "reason": "late returns from IFAs"})
        assert (corrected.status_code, corrected.json()["outcome"], corrected.json()["revision"]) == (200, "updated", 2)
        assert corrected.json()["reason"] == "late returns from IFAs"
        latest = (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values")).json()["items"]
        assert [(v["revision"], v["value"], v["provisional"]) for v in latest] == [(2, 66, False)]
        history = (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()["items"]
        assert [(v["revision"], v["value"]) for v in history] == [(1, 64), (2, 66)]

    async def test_the_value_is_computed_from_numerator_and_denominator(
        self, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        response = await submitter.put(
            f"/api/v1/kpis/{CODE}/values/FY2016-17?scope=england",
            json={"numerator": str(FIRST.numerator), "denominator": str(FIRST.denominator)},
        )
        body = response.json()
        expected = (FIRST.numerator * 100 / FIRST.denominator).quantize(Decimal("0.1"))
        assert Decimal(str(body["value"])) == expected
        assert body["scope"] == "england"

    async def test_a_withheld_figure_is_kept_with_its_symbol(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        body = (await submitter.put(f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16", json={"status_symbol": "c"})).json()
        assert (body["value"], body["status_symbol"]) == (None, "c")

    async def test_every_write_is_audited_with_its_author(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        await submitter.put(url, json={"value": 64})
        await submitter.put(url, json={"value": 65}, headers={"X-Request-ID": "lcs-nightly-7"})
        async with db.get_sessionmaker()() as session:
            statement = select(AuditEvent).where(AuditEvent.resource == "kpi_value").order_by(AuditEvent.seq)
            events = (await session.scalars(statement)).all()
        assert [(e.action, e.resource_key) for e in events] == [
            ("create", f"{fresh_kpi}/stockton-on-tees/FY2015-16"),
            ("update", f"{fresh_kpi}/stockton-on-tees/FY2015-16"),
        ]
        assert events[1].before is not None
        assert (events[1].before["value"], events[1].after, events[1].request_id) == (
            64,
            {
                "value": 65,
                "numerator": None,
                "denominator": None,
                "status_symbol": None,
                "provisional": False,
                "revision": 2,
            },
            "lcs-nightly-7",
        )
        assert all(e.api_key_id is not None and "performance officer" in e.actor for e in events)


class TestValidation:
    @pytest.mark.parametrize(
        ("path", "body", "loc", "words"),
        [
            ("CY2016", {"value": 5}, ["path", "period"], "calendar year"),
            ("AY2015-16", {"value": 5}, ["path", "period"], "academic year"),
            ("FY2099-00", {"value": 5}, ["path", "period"], "in the future"),
            ("2016Q1", {"value": 5}, ["path", "period"], "FY2016-17-Q1"),
            ("FY2015-16", {"value": 120}, ["body", "value"], "between 0 and 100"),
            ("FY2015-16", {"value": -1}, ["body", "value"], "between 0 and 100"),
            ("FY2015-16", {"numerator": 40, "denominator": 30}, ["body", "numerator"], "greater than denominator"),
            ("FY2015-16", {"numerator": 40}, ["body", "numerator"], "both numerator and denominator"),
            ("FY2015-16", {"value": 50, "numerator": 1, "denominator": 4}, ["body", "value"], "does not match"),
            ("FY2015-16", {"value": 5, "status_symbol": "x"}, ["body", "value"], "withheld"),
            ("FY2015-16", {}, ["body", "value"], "give a value"),
        ],
    )
    async def test_bad_figures_are_422_problems_naming_the_field(
        self, submitter: AsyncClient, fresh_kpi: str, path: str, body: dict[str, object], loc: list[str], words: str
    ) -> None:
        problem = assert_problem(await submitter.put(f"/api/v1/kpis/{fresh_kpi}/values/{path}", json=body), 422)
        assert any(error["loc"] == loc and words in error["msg"] for error in problem["errors"]), problem
        history = (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()
        assert history["total"] == 0, "nothing was written"

    async def test_counts_must_be_whole_and_not_negative(
        self, submitter: AsyncClient, session: AsyncSession, scenario: Scenario
    ) -> None:
        await make_kpi(session, "children-in-care", unit=Unit.count, decimal_places=0)
        await session.commit()
        url = "/api/v1/kpis/children-in-care/values/FY2015-16"
        assert_problem(await submitter.put(url, json={"value": 380.5}), 422, detail_contains="not a whole number")
        assert_problem(await submitter.put(url, json={"value": -3}), 422, detail_contains="negative")
        assert (await submitter.put(url, json={"value": 380})).status_code == 201

    async def test_unknown_kpi_is_404_and_unknown_scope_422(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        assert_problem(await submitter.put("/api/v1/kpis/nope/values/FY2015-16", json={"value": 1}), 404)
        problem = assert_problem(
            await submitter.put(f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16?scope=wales", json={"value": 1}), 422
        )
        assert problem["errors"][0]["loc"] == ["query", "scope"]

    @pytest.mark.parametrize("field", ["revision", "submitted_at", "submitted_by", "period", "scope", "kpi_id"])
    async def test_read_only_fields_are_rejected(self, submitter: AsyncClient, fresh_kpi: str, field: str) -> None:
        body = {"value": 64, field: "x"}
        problem = assert_problem(await submitter.put(f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16", json=body), 422)
        assert problem["errors"][0]["loc"] == ["body", field]


class TestGrants:
    async def test_a_key_limited_to_kpi_a_cannot_submit_kpi_b(
        self, app: object, anonymous: AsyncClient, mint: Minter, fresh_kpi: str
    ) -> None:
        token = await mint(Scope.kpi_submit, name="case management", kpi_codes=[CODE])
        headers = {"Authorization": f"Bearer {token}"}
        allowed = await anonymous.put(f"/api/v1/kpis/{CODE}/values/FY2016-17", json={"value": 20}, headers=headers)
        assert allowed.status_code in (200, 201), allowed.text
        refused = await anonymous.put(f"/api/v1/kpis/{fresh_kpi}/values/FY2016-17", json={"value": 20}, headers=headers)
        assert_problem(refused, 403, detail_contains=f"may not submit KPI '{fresh_kpi}'")

    async def test_a_read_key_cannot_submit(self, client: AsyncClient, fresh_kpi: str) -> None:
        assert_problem(await client.put(f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16", json={"value": 1}), 403)


class TestConditionalPut:
    """If-Match and If-None-Match on a figure: a late retry cannot overwrite someone's correction."""

    async def test_a_figure_is_read_with_its_revision_as_etag(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        assert_problem(await submitter.get(url), 404)
        written = await submitter.put(url, json={"value": 64})
        assert written.headers["etag"] == '"1"'
        read = await submitter.get(url)
        assert (read.status_code, read.headers["etag"], read.json()["value"]) == (200, '"1"', 64)
        assert_problem(await submitter.get(f"{url}?scope=england"), 404)

    async def test_a_late_retry_with_an_old_etag_does_not_undo_a_correction(
        self, submitter: AsyncClient, fresh_kpi: str
    ) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        await submitter.put(url, json={"value": 64})
        etag = (await submitter.get(url)).headers["etag"]
        corrected = await submitter.put(
            url, json={"value": 66, "reason": "late IFA returns"}, headers={"If-Match": etag}
        )
        assert (corrected.status_code, corrected.json()["revision"], corrected.headers["etag"]) == (200, 2, '"2"')
        late = await submitter.put(url, json={"value": 64}, headers={"If-Match": etag})
        assert_problem(late, 412, detail_contains='now at "2"')
        assert (await submitter.get(url)).json()["value"] == 66

    async def test_if_none_match_star_writes_only_the_first_figure(
        self, submitter: AsyncClient, fresh_kpi: str
    ) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        first = await submitter.put(url, json={"value": 64}, headers={"If-None-Match": "*"})
        assert first.status_code == 201, first.text
        again = await submitter.put(url, json={"value": 70}, headers={"If-None-Match": "*"})
        assert_problem(again, 412, detail_contains="already exists")
        history = (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()
        assert [v["value"] for v in history["items"]] == [64]

    async def test_if_match_on_a_figure_not_yet_held_fails(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        assert_problem(await submitter.put(url, json={"value": 64}, headers={"If-Match": '"1"'}), 412)
        assert (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()["total"] == 0

    async def test_concurrent_writers_with_one_etag_make_one_revision(
        self, submitter: AsyncClient, fresh_kpi: str
    ) -> None:
        url = f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16"
        await submitter.put(url, json={"value": 60})
        headers = {"If-Match": (await submitter.get(url)).headers["etag"]}
        responses = await asyncio.gather(
            *(submitter.put(url, json={"value": 61 + n}, headers=headers) for n in range(6))
        )
        assert sorted(r.status_code for r in responses) == [200] + [412] * 5
        assert (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()["total"] == 2


class TestPrecision:
    async def test_a_figure_equal_after_rounding_is_unchanged(
        self, submitter: AsyncClient, session: AsyncSession, scenario: Scenario
    ) -> None:
        await make_kpi(session, "one-decimal-place", decimal_places=1)
        await session.commit()
        url = "/api/v1/kpis/one-decimal-place/values/FY2016-17"
        first = await submitter.put(url, json={"value": "8.0"})
        assert first.json()["outcome"] == "created"
        for same in ("8", "8.04", "7.95", "8.000001"):
            again = await submitter.put(url, json={"value": same})
            assert (again.status_code, again.json()["outcome"], again.json()["revision"]) == (200, "unchanged", 1), same
        moved = await submitter.put(url, json={"value": "8.05"})
        assert (moved.json()["outcome"], moved.json()["value"], moved.json()["revision"]) == ("updated", 8.1, 2)

    @pytest.mark.parametrize(
        ("value", "words"),
        [
            ("1e999999", "finite"),
            ('"1e999999"', "18 digits"),
            ('"1e-5000"', "digits"),
            ("1234567890123", "12 digits"),
            ('"0.0000001"', "decimal places"),
            ("1" + "0" * 4000, "18 digits"),
            ('"NaN"', "finite"),
            ("-Infinity", "finite"),
        ],
    )
    async def test_figures_beyond_the_columns_precision_are_422(
        self, submitter: AsyncClient, fresh_kpi: str, value: str, words: str
    ) -> None:
        response = await submitter.put(
            f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16",
            content=f'{{"value": {value}}}',
            headers={"Content-Type": "application/json"},
        )
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["loc"] == ["body", "value"]
        assert words in problem["errors"][0]["msg"], problem
        assert (await submitter.get(f"/api/v1/kpis/{fresh_kpi}/values?history=true")).json()["total"] == 0

    async def test_a_number_too_long_to_read_is_a_400_problem(self, submitter: AsyncClient, fresh_kpi: str) -> None:
        response = await submitter.put(
            f"/api/v1/kpis/{fresh_kpi}/values/FY2015-16",
            content='{"value": 1' + "0" * 5000 + "}",
            headers={"Content-Type": "application/json"},
        )
        assert_problem(response, 400, detail_contains="too many digits")
