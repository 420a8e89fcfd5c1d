"""Idempotency-Key on POST /kpi-submissions: safe retries for scripts and the case-management system."""

import asyncio
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import func, select, update

from api import db
from api.auth.models import Scope
from api.db import utcnow
from api.idempotency.models import IdempotencyRecord
from api.kpis.models import KpiSubmission
from tests.asserts import assert_problem
from tests.conftest import Minter
from tests.factories import Scenario

URL = "/api/v1/kpi-submissions"
ROWS = {"rows": [{"kpi": "cp-repeat-plans", "period": "FY2016-17", "value": "21.4"}]}
OTHER_ROWS = {"rows": [{"kpi": "cp-repeat-plans", "period": "FY2016-17", "value": "21.5"}]}


async def submissions() -> int:
    async with db.get_sessionmaker()() as session:
        return int(await session.scalar(select(func.count()).select_from(KpiSubmission)) or 0)


class TestIdempotencyKey:
    async def test_the_same_key_and_body_replays_the_first_response(
        self, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        headers = {"Idempotency-Key": "lcs-2016-17-run-1"}
        first = await submitter.post(URL, json=ROWS, headers=headers)
        second = await submitter.post(URL, json=ROWS, headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert await submissions() == 1

    async def test_the_same_key_with_another_body_is_refused(self, submitter: AsyncClient, scenario: Scenario) -> None:
        headers = {"Idempotency-Key": "lcs-2016-17-run-2"}
        await submitter.post(URL, json=ROWS, headers=headers)
        refused = await submitter.post(URL, json=OTHER_ROWS, headers=headers)
        assert_problem(refused, 422, detail_contains="already used with a different request")
        assert await submissions() == 1

    async def test_keys_belong_to_one_api_key(
        self, submitter: AsyncClient, anonymous: AsyncClient, mint: Minter, scenario: Scenario
    ) -> None:
        other = {"Authorization": f"Bearer {await mint(Scope.kpi_submit, name='other system')}"}
        headers = {"Idempotency-Key": "nightly"}
        await submitter.post(URL, json=ROWS, headers=headers)
        theirs = await anonymous.post(URL, json=OTHER_ROWS, headers=headers | other)
        assert theirs.status_code == 201
        assert "idempotent-replayed" not in theirs.headers

    async def test_a_failed_request_does_not_use_up_the_key(self, submitter: AsyncClient, scenario: Scenario) -> None:
        headers = {"Idempotency-Key": "retry-after-fix"}
        bad = {"rows": [{"kpi": "cp-repeat-plans", "period": "FY2016-17", "value": "210"}]}
        assert_problem(await submitter.post(URL, json=bad, headers=headers), 422)
        assert (await submitter.post(URL, json=ROWS, headers=headers)).status_code == 201

    async def test_keys_are_kept_24_hours_then_forgotten(self, submitter: AsyncClient, scenario: Scenario) -> None:
        headers = {"Idempotency-Key": "day-old"}
        await submitter.post(URL, json=ROWS, headers=headers)
        async with db.get_sessionmaker()() as session:
            record = await session.scalar(select(IdempotencyRecord))
        assert record is not None
        assert record.expires_at - record.created_at >= timedelta(hours=24)
        async with db.get_engine().begin() as connection:
            await connection.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))
        fresh = await submitter.post(URL, json=OTHER_ROWS, headers=headers)
        assert (fresh.status_code, fresh.json()["updated"]) == (201, 1)

    async def test_concurrent_twins_write_once_and_answer_alike(
        self, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        headers = {"Idempotency-Key": "double-click"}
        responses = await asyncio.gather(*(submitter.post(URL, json=ROWS, headers=headers) for _ in range(5)))
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        assert await submissions() == 1

    async def test_an_overlong_key_is_rejected(self, submitter: AsyncClient, scenario: Scenario) -> None:
        response = await submitter.post(URL, json=ROWS, headers={"Idempotency-Key": "k" * 201})
        assert_problem(response, 422)

    async def test_a_form_sent_again_replays_though_its_boundary_is_new(
        self, submitter: AsyncClient, scenario: Scenario
    ) -> None:
        headers = {"Idempotency-Key": "upload-1"}
        csv_file = b"kpi,period,value\ncp-repeat-plans,FY2016-17,21.4\n"
        first = await submitter.post(URL, files={"file": ("returns.csv", csv_file, "text/csv")}, headers=headers)
        second = await submitter.post(URL, files={"file": ("returns.csv", csv_file, "text/csv")}, headers=headers)
        assert first.request.headers["content-type"] != second.request.headers["content-type"]
        assert (first.status_code, second.headers["idempotent-replayed"]) == (201, "true")
        other = csv_file.replace(b"21.4", b"21.5")
        refused = await submitter.post(URL, files={"file": ("returns.csv", other, "text/csv")}, headers=headers)
        assert_problem(refused, 422, detail_contains="already used with a different request")
        assert await submissions() == 1
