"""GET /api/v1/returns: each status from real submissions, as at a date and as known at a moment, filters, paging."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import AsyncClient

from api.auth.models import Scope
from tests.factories import entered_at
from tests.returns.conftest import CODE, Calendar, submit, submitted_at

# FY2016-17's quarters, ten working days after each ends (worked out in tests/returns/test_due.py's way):
# Q1 ends Thu 30 June 2016 -> 1 July (1), 4-8 July (2-6), 11-14 July (7-10): Thursday 14 July 2016.
# Q2 ends Fri 30 September 2016 -> 3-7 October (1-5), 10-14 October (6-10): Friday 14 October 2016.
# Q3 ends Sat 31 December 2016 -> 2 January is a bank holiday; 3-6 January (1-4), 9-13 (5-9), 16 (10): 16 January.
# Q4 ends Fri 31 March 2017 -> Good Friday 14 and Easter Monday 17 April skipped: Tuesday 18 April 2017.
DUE = {
    "FY2016-17-Q1": "2016-07-14",
    "FY2016-17-Q2": "2016-10-14",
    "FY2016-17-Q3": "2017-01-16",
    "FY2016-17-Q4": "2017-04-18",
}


@pytest.fixture
async def returned(calendar: Calendar, submitter: AsyncClient) -> Calendar:
    """Q1 returned on its due date (16:00 BST), Q2 six days late, Q3 only England's figure, Q4 nothing."""
    await entered_at(datetime(2016, 4, 1, tzinfo=UTC))  # the schedule was set before the year began
    await submit(submitter, "FY2016-17-Q1", 40)
    await submitted_at("FY2016-17-Q1", datetime(2016, 7, 14, 15, 0, tzinfo=UTC))
    await submit(submitter, "FY2016-17-Q2", 42)
    await submitted_at("FY2016-17-Q2", datetime(2016, 10, 20, 9, 0, tzinfo=UTC))
    await submit(submitter, "FY2016-17-Q3", 80, scope="england")
    return calendar


async def _returns(client: AsyncClient, **params: Any) -> list[dict[str, Any]]:
    answer = await client.get("/api/v1/returns", params=params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def _by_period(items: list[dict[str, Any]]) -> dict[str, tuple[str, int | None]]:
    return {item["period"]: (item["status"], item["days_late"]) for item in items}


class TestStatuses:
    async def test_received_late_and_missing_as_at_the_end_of_april_2017(
        self, returned: Calendar, client: AsyncClient
    ) -> None:
        items = await _returns(client, as_at="2017-04-30")
        assert [item["period"] for item in items] == list(DUE)
        assert [item["due_date"] for item in items] == list(DUE.values())
        assert _by_period(items) == {
            "FY2016-17-Q1": ("received", None),
            "FY2016-17-Q2": ("late", 6),  # received 20 October, due 14 October
            "FY2016-17-Q3": ("missing", 104),  # England's figure is not the borough's return; 16 Jan -> 30 Apr
            "FY2016-17-Q4": ("missing", 12),  # 18 April -> 30 April
        }
        first = items[0]
        assert first["kpi"] == CODE
        assert first["kpi_title"] == "Assessments in 45 days"
        assert first["period_label"] == "2016/17 Q1"
        assert first["frequency"] == "financial_quarter"
        assert first["received_at"].startswith("2016-07-14T15:00:00")
        assert (first["accountable_owner"], first["submitting_owner"]) == ("AD SLAC", "AD EHPP")
        assert items[2]["received_at"] is None

    async def test_a_return_is_due_until_the_end_of_its_due_date(self, returned: Calendar, client: AsyncClient) -> None:
        on_the_day = _by_period(await _returns(client, as_at="2017-04-18"))
        assert on_the_day["FY2016-17-Q4"] == ("due", None)
        day_after = _by_period(await _returns(client, as_at="2017-04-19"))
        assert day_after["FY2016-17-Q4"] == ("missing", 1)

    async def test_only_periods_ended_by_as_at_are_owed(self, returned: Calendar, client: AsyncClient) -> None:
        items = await _returns(client, as_at="2016-12-31")  # Q3 ends that day; Q4 has not
        assert [item["period"] for item in items] == ["FY2016-17-Q1", "FY2016-17-Q2", "FY2016-17-Q3"]
        assert items[2]["status"] == "due"

    async def test_as_at_before_a_late_return_arrived_shows_it_missing(
        self, returned: Calendar, client: AsyncClient
    ) -> None:
        q2 = _by_period(await _returns(client, as_at="2016-10-17"))["FY2016-17-Q2"]
        assert q2 == ("missing", 3)

    async def test_known_at_leaves_out_figures_submitted_later(self, returned: Calendar, client: AsyncClient) -> None:
        known = _by_period(await _returns(client, as_at="2017-04-30", known_at="2016-09-01T00:00:00Z"))
        assert known["FY2016-17-Q1"] == ("received", None)
        assert known["FY2016-17-Q2"] == ("missing", 198)  # 14 October 2016 -> 30 April 2017

    async def test_a_schedule_made_after_known_at_owes_nothing_then(
        self, calendar: Calendar, client: AsyncClient
    ) -> None:
        assert await _returns(client, as_at="2017-04-30", known_at="2016-09-01T00:00:00Z") == []

    async def test_a_correction_does_not_move_the_day_received(
        self, returned: Calendar, submitter: AsyncClient, client: AsyncClient
    ) -> None:
        await submit(submitter, "FY2016-17-Q1", 41)  # revision 2, today
        assert _by_period(await _returns(client, as_at="2017-04-30"))["FY2016-17-Q1"] == ("received", None)


class TestFilters:
    @pytest.mark.parametrize(
        "params",
        [{"status": "late,missing"}, {"status": ["late", "missing"]}, {"status": ["missing", "late,missing"]}],
    )
    async def test_status_repeated_or_comma_separated(
        self, returned: Calendar, client: AsyncClient, params: dict[str, Any]
    ) -> None:
        items = await _returns(client, as_at="2017-04-30", **params)
        assert [item["period"] for item in items] == ["FY2016-17-Q2", "FY2016-17-Q3", "FY2016-17-Q4"]

    async def test_owner_matches_the_accountable_or_the_submitting_owner(
        self, returned: Calendar, client: AsyncClient
    ) -> None:
        assert len(await _returns(client, as_at="2017-04-30", owner="AD SLAC")) == 4
        assert len(await _returns(client, as_at="2017-04-30", owner="AD EHPP")) == 4
        assert await _returns(client, as_at="2017-04-30", owner="LSCB") == []

    async def test_due_before_kpi_and_period(self, returned: Calendar, client: AsyncClient) -> None:
        due = await _returns(client, as_at="2017-04-30", due_before="2016-10-14")
        assert [item["period"] for item in due] == ["FY2016-17-Q1", "FY2016-17-Q2"]
        assert len(await _returns(client, as_at="2017-04-30", kpi=CODE)) == 4
        only = await _returns(client, as_at="2017-04-30", period="FY2016-17-Q3")
        assert [item["period"] for item in only] == ["FY2016-17-Q3"]

    async def test_paging(self, returned: Calendar, client: AsyncClient) -> None:
        answer = await client.get("/api/v1/returns", params={"as_at": "2017-04-30", "limit": 3, "page": 2})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["page"], body["limit"], body["total"]) == (2, 3, 4)
        assert [item["period"] for item in body["items"]] == ["FY2016-17-Q4"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"status": "overdue"}, "status"),
            ({"owner": "Nobody"}, "owner"),
            ({"kpi": "no-such-kpi"}, "kpi"),
            ({"period": "2016/99"}, "period"),
            ({"as_at": "31/03/2017"}, "as_at"),
            ({"known_at": "2999-01-01T00:00:00Z"}, "known_at"),
            ({"statuss": "late"}, "statuss"),
            ({"owner": ["AD SLAC", "LSCB"]}, "owner"),
        ],
    )
    async def test_bad_query_is_422_naming_it(
        self, calendar: Calendar, client: AsyncClient, params: dict[str, Any], field: str
    ) -> None:
        answer = await client.get("/api/v1/returns", params=params)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert any(error["loc"][-1] == field or field in error["loc"] for error in answer.json()["errors"])

    async def test_reading_needs_the_read_scope(
        self, calendar: Calendar, key_client: Callable[..., Awaitable[AsyncClient]]
    ) -> None:
        async with await key_client(Scope.kpi_submit) as writer_only:
            assert (await writer_only.get("/api/v1/returns")).status_code == 403
