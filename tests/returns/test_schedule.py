"""GET, PUT and DELETE /api/v1/kpis/{code}/return-schedule: ETags, permissions, bad input, the audit trail."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Scope
from tests.factories import make_kpi
from tests.returns.conftest import CODE, SCHEDULE, Calendar


class TestReadAndReplace:
    async def test_the_schedule_as_created_with_its_defaults(self, calendar: Calendar, client: AsyncClient) -> None:
        answer = await client.get(SCHEDULE)
        assert answer.status_code == 200
        assert answer.headers["ETag"] == '"1"'
        body = answer.json()
        assert body["kpi"] == CODE
        assert (body["accountable_owner"], body["submitting_owner"]) == ("AD SLAC", "AD EHPP")
        # The KPI's own period, ten working days, from the quarter the strategy starts in (1 April 2016).
        assert (body["frequency"], body["due_basis"], body["due_days"]) == ("financial_quarter", "working_days", 10)
        assert body["first_period"] == "FY2016-17-Q1"
        assert body["last_period"] == "FY2017-18-Q4"  # the quarter the strategy ends in (31 March 2018)
        assert body["archived_at"] is None

    async def test_returns_end_with_the_last_period_or_never(self, calendar: Calendar, governor: AsyncClient) -> None:
        owed: dict[str, str | int] = {"kpi": CODE, "as_at": "2019-06-30", "limit": 100}
        periods = [item["period"] for item in (await governor.get("/api/v1/returns", params=owed)).json()["items"]]
        assert (periods[0], periods[-1], len(periods)) == ("FY2016-17-Q1", "FY2017-18-Q4", 8)
        short = {"accountable_owner": "AD SLAC", "last_period": "FY2016-17-Q2"}
        answer = await governor.put(SCHEDULE, json=short, headers={"If-Match": '"1"'})
        assert answer.json()["last_period"] == "FY2016-17-Q2"
        periods = [item["period"] for item in (await governor.get("/api/v1/returns", params=owed)).json()["items"]]
        assert periods == ["FY2016-17-Q1", "FY2016-17-Q2"]
        open_ended = await governor.put(
            SCHEDULE, json={"accountable_owner": "AD SLAC", "last_period": None}, headers={"If-Match": '"2"'}
        )
        assert open_ended.json()["last_period"] is None
        periods = [item["period"] for item in (await governor.get("/api/v1/returns", params=owed)).json()["items"]]
        assert periods[-1] == "FY2019-20-Q1"  # every quarter ended by 30 June 2019

    @pytest.mark.parametrize(
        ("last", "message"),
        [("FY2015-16-Q4", "comes before the first"), ("2017-03", "is not a period of"), ("FY2017-18-Q9", "")],
    )
    async def test_a_last_period_before_the_first_or_of_another_kind_is_refused(
        self, calendar: Calendar, governor: AsyncClient, last: str, message: str
    ) -> None:
        body = {"accountable_owner": "AD SLAC", "last_period": last}
        answer = await governor.put(SCHEDULE, json=body, headers={"If-Match": '"1"'})
        assert answer.status_code == 422, answer.text
        assert message in answer.json()["detail"]
        assert answer.json()["errors"][0]["loc"] == ["body", "last_period"]

    async def test_created_answers_201_with_location_and_etag(self, calendar: Calendar, governor: AsyncClient) -> None:
        await governor.delete(SCHEDULE, headers={"If-Match": '"1"'})
        # A withdrawn schedule still exists: replacing it needs its ETag, and brings it back.
        assert (await governor.put(SCHEDULE, json={"accountable_owner": "AD SLAC"})).status_code == 428
        back = await governor.put(SCHEDULE, json={"accountable_owner": "AD SLAC"}, headers={"If-Match": '"2"'})
        assert back.status_code == 200
        assert back.json()["archived_at"] is None
        assert back.json()["submitting_owner"] == "AD SLAC"  # defaults to the accountable owner

    async def test_a_new_schedule_is_201(
        self, calendar: Calendar, governor: AsyncClient, session: AsyncSession
    ) -> None:
        await make_kpi(session, "monthly-one")
        await session.commit()
        url = "/api/v1/kpis/monthly-one/return-schedule"
        answer = await governor.put(
            url, json={"accountable_owner": "Ad EHPP", "frequency": "month", "first_period": "2016-09", "due_days": 5}
        )
        assert answer.status_code == 201, answer.text
        assert answer.headers["Location"] == url
        assert answer.headers["ETag"] == '"1"'
        assert answer.json()["accountable_owner"] == "AD EHPP"  # named by its alias
        assert answer.json()["frequency"] == "month"  # a month's figures for a yearly KPI

    async def test_replacing_needs_the_current_etag(self, calendar: Calendar, governor: AsyncClient) -> None:
        change = {"accountable_owner": "AD SLAC", "submitting_owner": "AD SLAC", "due_days": 15}
        assert (await governor.put(SCHEDULE, json=change)).status_code == 428
        assert (await governor.put(SCHEDULE, json=change, headers={"If-Match": '"7"'})).status_code == 412
        assert (await governor.put(SCHEDULE, json=change, headers={"If-None-Match": "*"})).status_code == 412
        answer = await governor.put(SCHEDULE, json=change, headers={"If-Match": '"1"'})
        assert answer.status_code == 200
        assert answer.headers["ETag"] == '"2"'
        assert (answer.json()["due_days"], answer.json()["submitting_owner"]) == (15, "AD SLAC")
        same = await governor.put(SCHEDULE, json=change, headers={"If-Match": '"2"'})
        assert same.headers["ETag"] == '"2"'  # nothing changed, nothing written

    async def test_delete_withdraws_and_the_returns_stop(
        self, calendar: Calendar, governor: AsyncClient, client: AsyncClient
    ) -> None:
        assert len((await client.get("/api/v1/returns", params={"as_at": "2017-04-30"})).json()["items"]) == 4
        assert (await governor.delete(SCHEDULE)).status_code == 428
        assert (await governor.delete(SCHEDULE, headers={"If-Match": '"9"'})).status_code == 412
        answer = await governor.delete(SCHEDULE, headers={"If-Match": '"1"'})
        assert answer.status_code == 200
        assert answer.json()["archived_at"] is not None
        assert (await client.get(SCHEDULE)).json()["archived_at"] is not None
        assert (await client.get("/api/v1/returns", params={"as_at": "2017-04-30"})).json()["total"] == 0

    async def test_unknown_kpi_or_no_schedule_is_404(
        self, calendar: Calendar, session: AsyncSession, client: AsyncClient
    ) -> None:
        await make_kpi(session, "unscheduled")
        await session.commit()
        assert (await client.get("/api/v1/kpis/no-such-kpi/return-schedule")).status_code == 404
        assert (await client.get("/api/v1/kpis/unscheduled/return-schedule")).status_code == 404

    async def test_every_write_is_audited_with_its_actor(
        self, calendar: Calendar, governor: AsyncClient, admin: AsyncClient
    ) -> None:
        await governor.put(SCHEDULE, json={"accountable_owner": "AD EHPP"}, headers={"If-Match": '"1"'})
        answer = await admin.get("/api/v1/audit", params={"resource": "kpi_return_schedule", "id": CODE})
        events = answer.json()["items"]
        assert [e["action"] for e in events] == ["update", "create"]
        assert all(e["actor"].endswith("(governance officer)") for e in events)
        changed = {c["field"]: (c["before"], c["after"]) for c in events[0]["changes"]}
        assert changed == {"accountable_owner": ("AD SLAC", "AD EHPP")}  # the submitting owner was AD EHPP already


class TestPermissions:
    async def test_a_key_without_governance_write_gets_403(
        self, calendar: Calendar, key_client: Callable[..., Awaitable[AsyncClient]]
    ) -> None:
        async with await key_client(Scope.read, Scope.kpi_submit) as submitter:
            answer = await submitter.put(SCHEDULE, json={"accountable_owner": "AD SLAC"}, headers={"If-Match": '"1"'})
            assert answer.status_code == 403
            assert (await submitter.delete(SCHEDULE, headers={"If-Match": '"1"'})).status_code == 403

    async def test_a_key_limited_to_other_owners_gets_403(
        self, calendar: Calendar, key_client: Callable[..., Awaitable[AsyncClient]], client: AsyncClient
    ) -> None:
        async with await key_client(Scope.read, Scope.governance_write, owner_codes=["LSCB"]) as lscb:
            change = {"accountable_owner": "LSCB"}  # may not take over AD SLAC's schedule
            assert (await lscb.put(SCHEDULE, json=change, headers={"If-Match": '"1"'})).status_code == 403
            assert (await lscb.delete(SCHEDULE, headers={"If-Match": '"1"'})).status_code == 403
        assert (await client.get(SCHEDULE)).headers["ETag"] == '"1"'


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"accountable_owner": "Nobody"}, "accountable_owner"),
            ({"accountable_owner": "AD SLAC", "submitting_owner": "Nobody"}, "submitting_owner"),
            ({"accountable_owner": "AD SLAC", "due_days": 61}, "due_days"),
            ({"accountable_owner": "AD SLAC", "due_days": -1}, "due_days"),
            ({"accountable_owner": "AD SLAC", "due_basis": "fortnights"}, "due_basis"),
            ({"accountable_owner": "AD SLAC", "frequency": "financial_year"}, "frequency"),  # coarser than a quarter
            ({"accountable_owner": "AD SLAC", "first_period": "2016-07"}, "first_period"),  # a month, not a quarter
            ({"accountable_owner": "AD SLAC", "first_period": "FY2016-17-Q5"}, "first_period"),
            ({"accountable_owner": "AD SLAC", "version": 3}, "version"),
            ({"accountable_owner": "AD SLAC", "colour": "red"}, "colour"),
            ({}, "accountable_owner"),
        ],
    )
    async def test_bad_body_is_422_naming_the_field_and_writes_nothing(
        self, calendar: Calendar, governor: AsyncClient, client: AsyncClient, body: dict[str, Any], field: str
    ) -> None:
        answer = await governor.put(SCHEDULE, json=body, headers={"If-Match": '"1"'})
        assert answer.status_code == 422, answer.text
        assert any(field in error["loc"] for error in answer.json()["errors"])
        after = await client.get(SCHEDULE)
        assert after.headers["ETag"] == '"1"'
        assert after.json()["accountable_owner"] == "AD SLAC"

    async def test_unknown_query_parameter_is_422(self, calendar: Calendar, governor: AsyncClient) -> None:
        answer = await governor.put(
            SCHEDULE, params={"force": "yes"}, json={"accountable_owner": "AD SLAC"}, headers={"If-Match": '"1"'}
        )
        assert answer.status_code == 422
