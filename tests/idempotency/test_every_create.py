"""Idempotency-Key on every request that creates something: the same key and body replay the first response
(status, body, Location and ETag) and write nothing more; the same key with another body is refused."""

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from api.seeding.sync import Tally
from tests.asserts import assert_problem
from tests.auth.helpers import api_routes


@dataclass(frozen=True)
class Create:
    method: str
    path: str
    body: dict[str, Any]
    other: dict[str, Any]
    # A PUT another key makes first, where the item created needs one (a sign-off needs a figure someone submitted)
    first: tuple[str, dict[str, Any]] | None = None


FOCUS_AREA = "children-in-need-of-help-and-protection"
ACTION = "cin-implement-graded-care-profile-2"
CREATES = {
    "action": Create(
        "POST",
        "/api/v1/actions",
        {"key": "cin-private-fostering-audit", "focus_area": FOCUS_AREA, "what": "Audit private fostering"},
        {"key": "cin-private-fostering-audit", "focus_area": FOCUS_AREA, "what": "Audit it twice"},
    ),
    "action progress": Create(
        "POST",
        f"/api/v1/actions/{ACTION}/updates",
        {"status": "on_track", "as_of": "2016-09-30"},
        {"status": "at_risk", "as_of": "2016-09-30"},
    ),
    "project": Create(
        "POST",
        "/api/v1/projects",
        {"key": "edge-of-care-service", "title": "Edge of care service", "focus_areas": ["early-help"]},
        {"key": "edge-of-care-service", "title": "Edge of care", "focus_areas": ["early-help"]},
    ),
    "project progress": Create(
        "POST",
        "/api/v1/projects/lean-review/updates",
        {"status": "on_track", "rag": "green", "as_of": "2016-09-30"},
        {"status": "on_track", "rag": "amber", "as_of": "2016-09-30"},
    ),
    "team": Create(
        "POST",
        "/api/v1/teams",
        {"key": "children-in-care-team", "name": "Children in Care Team", "service_owner": "AD SLAC"},
        {"key": "children-in-care-team", "name": "Looked after children team", "service_owner": "AD SLAC"},
    ),
    "owner": Create(
        "POST",
        "/api/v1/owners",
        {"key": "head-of-virtual-school", "code": "HoVS", "kind": "role"},
        {"key": "head-of-virtual-school", "code": "HVS", "kind": "role"},
    ),
    "KPI": Create(
        "POST",
        "/api/v1/kpis",
        {
            "code": "ks2-rwm",
            "title": "KS2 RWM",
            "tier": "service_indicator",
            "unit": "percent",
            "polarity": "higher_better",
            "period_type": "academic_year",
        },  # noqa: E501
        {
            "code": "ks2-rwm",
            "title": "KS2",
            "tier": "service_indicator",
            "unit": "percent",
            "polarity": "higher_better",
            "period_type": "academic_year",
        },  # noqa: E501
    ),
    "adopted national indicator": Create(
        "POST",
        "/api/v1/national-indicators/low-birth-weight-babies/adoptions",
        {"code": "low-birth-weight"},
        {"code": "low-birth-weight", "tier": "council_plan"},
    ),
    "routing rule": Create(
        "POST",
        "/api/v1/routing-rules",
        {"key": "lscb-actions", "item_kind": "business_improvement_action", "owner": "LSCB", "body": "lscb"},
        {"key": "lscb-actions", "item_kind": "business_improvement_action", "owner": "LSCB", "body": "csmt"},
    ),
    "API key": Create(
        "POST",
        "/api/v1/api-keys",
        {"name": "case management", "scopes": ["read", "kpi:submit"]},
        {"name": "case management", "scopes": ["read"]},
    ),
    "issued pack": Create(
        "POST", "/api/v1/governance-bodies/csmt/packs", {"meeting_date": "2016-10-12"}, {"meeting_date": "2016-11-09"}
    ),
    "KPI commentary": Create(
        "POST",
        "/api/v1/kpis/neet-not-known-16-19/commentaries",
        {"period": "FY2016-17", "text": "Tracking cut the not known"},
        {"period": "FY2016-17", "text": "Tracking cut the NEET"},
    ),
    "assurance activity": Create(
        "POST",
        "/api/v1/assurance-activities",
        {
            "kind": "case_file_audit",
            "team": "reviewing-unit",
            "carried_out_on": "2016-09-14",
            "carried_out_by_role": "Service manager",
        },
        {
            "kind": "case_file_audit",
            "team": "reviewing-unit",
            "carried_out_on": "2016-09-15",
            "carried_out_by_role": "Service manager",
        },
    ),
    "webhook subscription": Create(
        "POST",
        "/api/v1/webhook-subscriptions",
        {"url": "https://integrations.example.org/hooks", "event_types": ["pack.issued"]},
        {"url": "https://integrations.example.org/hooks", "event_types": ["action.overdue"]},
    ),
    "meeting": Create(
        "POST",
        "/api/v1/meetings",
        {"body": "csmt", "meeting_date": "2016-10-12"},
        {"body": "csmt", "meeting_date": "2016-11-09"},
    ),
    "procedure change": Create(
        "POST",
        "/api/v1/procedure-changes",
        {"key": "missing-episodes", "title": "Record missing episodes"},
        {"key": "missing-episodes", "title": "Record missing episodes the same day"},
    ),
    "KPI figure": Create("PUT", "/api/v1/kpis/neet-not-known-16-19/values/FY2016-17", {"value": 7.4}, {"value": 7.5}),
    "KPI figure sign-off": Create(
        "POST",
        "/api/v1/kpis/neet-not-known-16-19/values/FY2016-17/sign-offs",
        {"decision": "approved", "revision": 1},
        {"decision": "returned", "revision": 1, "reasons": "Wrong cohort"},
        first=("/api/v1/kpis/neet-not-known-16-19/values/FY2016-17", {"value": 7}),
    ),
}


# What is answered once only (a minted secret) and replayed as null.
SECRETS: dict[str, dict[str, None]] = {"webhook subscription": {"secret": None}}


async def _writes(admin: AsyncClient) -> int:
    """Audit events so far: every write records exactly one."""
    return int((await admin.get("/api/v1/audit?limit=1")).json()["total"])


@pytest.mark.parametrize("name", list(CREATES))
async def test_a_retry_replays_the_first_answer_and_writes_nothing(
    admin: AsyncClient, submitter: AsyncClient, loaded: Tally, name: str
) -> None:
    create = CREATES[name]
    if create.first is not None:
        assert (await submitter.put(create.first[0], json=create.first[1])).status_code == 201
    headers = {"Idempotency-Key": f"retry-{name}"}
    before = await _writes(admin)
    first = await admin.request(create.method, create.path, json=create.body, headers=headers)
    assert first.status_code in (200, 201), first.text
    again = await admin.request(create.method, create.path, json=create.body, headers=headers)
    assert again.status_code == first.status_code
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    for header in ("location", "etag"):
        assert again.headers.get(header) == first.headers.get(header), header
    expected = first.json() | ({"key": None} if name == "API key" else {}) | SECRETS.get(name, {})
    assert again.json() == expected, "the replay is the first answer (a minted secret is never kept)"
    assert await _writes(admin) == before + 1, "the retry wrote nothing"
    refused = await admin.request(create.method, create.path, json=create.other, headers=headers)
    assert_problem(refused, 422, detail_contains="already used with a different request")
    assert await _writes(admin) == before + 1


async def test_concurrent_twins_create_once(admin: AsyncClient, loaded: Tally) -> None:
    create = CREATES["action progress"]
    headers = {"Idempotency-Key": "double-click"}
    responses = await asyncio.gather(
        *(admin.request(create.method, create.path, json=create.body, headers=headers) for _ in range(5))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    updates = (await admin.get(f"/api/v1/actions/{ACTION}/updates")).json()
    assert updates["total"] == 1


async def test_every_creating_route_takes_an_idempotency_key(app: FastAPI, anonymous: AsyncClient) -> None:
    spec = (await anonymous.get("/openapi.json")).json()
    creating = [
        (method, route.path)
        for route in api_routes(app)
        for method in route.methods or ()
        if method == "POST" or (method, route.path) == ("PUT", "/api/v1/kpis/{code}/values/{period}")
    ]
    assert len(creating) >= len(CREATES) + 1
    for method, path in creating:
        parameters = spec["paths"][path][method.lower()].get("parameters", [])
        assert "Idempotency-Key" in [p["name"] for p in parameters], (method, path)
