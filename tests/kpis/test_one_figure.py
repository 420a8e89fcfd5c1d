"""A single figure's PUT takes one of two ways: on PostgreSQL, without an Idempotency-Key, three statements outside
the ORM (api/kpis/one_figure.py); otherwise the general path of batches (api/kpis/submissions.py). Whichever it
takes, it must answer and record the same: the same answers, revisions, submissions, audit events and change feed."""

import asyncio
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.audit.models import AuditEvent
from api.kpis.models import Kpi, KpiSubmission, KpiValue
from tests.factories import Scenario, make_kpi

KPI = "lac-placement-stability"
# The same story told for each scope: a first figure, the same again, a correction, a withheld figure.
STEPS: list[dict[str, Any]] = [
    {"value": 64, "source": "DfE SSDA903", "note": "year end"},
    {"value": "64.0"},
    {"value": 66, "reason": "late returns added"},
    {"status_symbol": "c", "reason": "suppressed: small numbers"},
]
VOLATILE = {"submitted_at", "scope", "occurred_at", "request_id", "resource_key"}


@pytest.fixture
async def kpi(session: AsyncSession, scenario: Scenario) -> str:
    await make_kpi(session, KPI, decimal_places=0, polarity="higher_better")
    await session.commit()
    return KPI


async def _tell(client: AsyncClient, scope: str, *, idempotent: bool) -> list[Response]:
    answers = []
    for number, body in enumerate(STEPS):
        headers = {"Idempotency-Key": f"{scope}-{number}"} if idempotent else {}
        answers.append(
            await client.put(f"/api/v1/kpis/{KPI}/values/FY2015-16?scope={scope}", json=body, headers=headers)
        )
    return answers


def _stable(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name not in VOLATILE}


async def _records(scope_key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    async with db.get_sessionmaker()() as session:
        values = (
            await session.scalars(
                select(KpiValue)
                .join(KpiValue.scope)
                .where(KpiValue.kpi_id == select(Kpi.id).where(Kpi.code == KPI).scalar_subquery())
                .where(KpiValue.scope.has(key=scope_key), KpiValue.period == "FY2015-16")
                .order_by(KpiValue.revision)
            )
        ).all()
        submissions = (
            await session.scalars(
                select(KpiSubmission)
                .where(KpiSubmission.id.in_([value.submission_id for value in values]))
                .order_by(KpiSubmission.id)
            )
        ).all()
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.resource == "kpi_value", AuditEvent.resource_key.like(f"{KPI}/{scope_key}/%"))
                .order_by(AuditEvent.seq)
            )
        ).all()
    figures = ("revision", "value", "numerator", "denominator", "status_symbol", "provisional", "source", "note")
    return (
        [{name: getattr(value, name) for name in (*figures, "reason", "submitted_by")} for value in values],
        [
            {
                name: getattr(s, name)
                for name in ("format", "mode", "source", "reason", "row_count", "created", "updated")
            }
            for s in submissions
        ],
        [{name: getattr(e, name) for name in ("action", "actor", "before", "after", "version")} for e in events],
    )


async def test_both_ways_answer_and_record_the_same(submitter: AsyncClient, kpi: str, scenario: Scenario) -> None:
    quick = await _tell(submitter, "stockton-on-tees", idempotent=False)
    general = await _tell(submitter, "england", idempotent=True)
    assert [a.status_code for a in quick] == [a.status_code for a in general] == [201, 200, 200, 200]
    assert [_stable(a.json()) for a in quick] == [_stable(a.json()) for a in general]
    assert [a.headers["etag"] for a in quick] == [a.headers["etag"] for a in general] == ['"1"', '"1"', '"2"', '"3"']
    assert [a.json()["outcome"] for a in quick] == ["created", "unchanged", "updated", "updated"]
    assert await _records("stockton-on-tees") == await _records("england")


async def test_the_change_feed_stays_gap_free_across_both_ways(
    submitter: AsyncClient, kpi: str, scenario: Scenario
) -> None:
    await _tell(submitter, "stockton-on-tees", idempotent=False)
    await _tell(submitter, "england", idempotent=True)
    events: list[dict[str, Any]] = []
    cursor, more = "0", True
    while more:
        page = (await submitter.get(f"/api/v1/events?after={cursor}")).json()
        events, cursor, more = events + page["events"], page["next_cursor"], page["has_more"]
    numbers = [int(event["cursor"]) for event in events]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert sum(1 for event in events if event["resource"] == "kpi_value") == 6  # 3 writes each, none unchanged


async def test_a_lost_race_is_written_in_turn(submitter: AsyncClient, kpi: str, scenario: Scenario) -> None:
    """Writers of one figure at once: each is written in its turn as the next revision (the one-statement write
    that loses the race goes the locked way), none refused."""
    url = f"/api/v1/kpis/{KPI}/values/FY2015-16"
    answers = await asyncio.gather(*(submitter.put(url, json={"value": 40 + n}) for n in range(12)))
    assert sorted(a.status_code for a in answers) == [200] * 11 + [201], [a.text for a in answers if a.is_error]
    assert sorted(a.json()["revision"] for a in answers) == list(range(1, 13))


@pytest.mark.parametrize("idempotent", [False, True], ids=["one statement", "general path"])
async def test_a_scope_is_named_by_key_gss_code_la_number_or_name(
    submitter: AsyncClient, kpi: str, scenario: Scenario, idempotent: bool
) -> None:
    """DfE's files and spreadsheets name a place four ways; each names the same scope, both ways of writing."""
    url = f"/api/v1/kpis/{KPI}/values/FY2015-16"
    for number, alias in enumerate(["808", "E06000004", "e06000004", "Stockton-on-Tees", "STOCKTON-ON-TEES"]):
        headers = {"Idempotency-Key": f"alias-{number}"} if idempotent else {}
        answer = await submitter.put(url, params={"scope": alias}, json={"value": 60 + number}, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        assert answer.json()["scope"] == "stockton-on-tees"
        assert answer.json()["revision"] == number + 1
    refused = await submitter.put(url, params={"scope": "809"}, json={"value": 1})
    assert refused.status_code == 422
    assert "unknown scope '809'" in refused.text
