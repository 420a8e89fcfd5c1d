"""Optimistic concurrency on every field: N writers holding one ETag, each changing a list field (or one a list and
another a plain field), race. Exactly one gets 200, every other gets 412, and what is stored is exactly the winner's
change: never a merge of two lists, never a 500 from a child row's unique constraint."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient, Response

from api.seeding.sync import Tally
from tests.asserts import assert_problem

WRITERS = 8
ACTION = "/api/v1/actions/cin-child-in-need-review-care-planning-and-step-down"
PROJECT = "/api/v1/projects/lean-review"
OWNER = "/api/v1/owners/ad-slac"
KPI = "/api/v1/kpis/repeat-child-protection-plans-within-2-years"
OWNER_CODES = ["DCS", "AD SLAC", "AD EHPP", "AD Early Help", "AD Schools", "LSCB", "MALAP", "VEMT"]
FOCUS_AREAS = [
    "governance-and-leadership",
    "voice-of-the-child-and-customer-insight",
    "universal-and-open-access-services",
    "education-schools-and-learning",
    "early-help",
    "children-in-need-of-help-and-protection",
    "children-in-care-and-care-leavers",
]


@dataclass(frozen=True)
class Race:
    """What writer n sends (method and path included), and the item's URL to read afterwards."""

    name: str
    item: str
    write: Callable[[int], tuple[str, str, dict[str, Any]]]


def _patch(url: str, body: Callable[[int], dict[str, Any]]) -> Callable[[int], tuple[str, str, dict[str, Any]]]:
    return lambda n: ("PATCH", url, body(n))


RACES = [
    Race("action who", ACTION, _patch(ACTION, lambda n: {"who": [OWNER_CODES[n], OWNER_CODES[(n + 1) % WRITERS]]})),
    Race(
        "action milestones",
        ACTION,
        _patch(
            ACTION,
            lambda n: {"milestones": [{"title": f"Step {n}.{i}", "when": f"{i + 1:02d}/2017"} for i in range(3)]},
        ),
    ),
    Race(
        "action who against what",
        ACTION,
        _patch(ACTION, lambda n: {"who": [OWNER_CODES[n]]} if n % 2 else {"what": f"Review step down, take {n}"}),
    ),
    Race(
        "project focus areas",
        PROJECT,
        _patch(PROJECT, lambda n: {"focus_areas": [FOCUS_AREAS[n % 7], FOCUS_AREAS[(n + 3) % 7]]}),
    ),
    Race(
        "project focus areas against title",
        PROJECT,
        _patch(PROJECT, lambda n: {"focus_areas": [FOCUS_AREAS[n % 7]]} if n % 2 else {"title": f"LEAN review {n}"}),
    ),
    Race("owner aliases", OWNER, _patch(OWNER, lambda n: {"aliases": [f"AD-SLAC-{n}", f"ADSLAC{n}"]})),
    Race(
        "KPI targets of different periods",
        KPI,
        lambda n: ("PUT", f"{KPI}/targets/FY{2018 + n}-{(19 + n) % 100:02d}", {"kind": "numeric", "value": n + 1}),
    ),
]


async def _race(admin: AsyncClient, race: Race) -> tuple[Response, list[Response]]:
    etag = (await admin.get(race.item)).headers["etag"]
    requests = [race.write(n) for n in range(WRITERS)]
    responses = await asyncio.gather(
        *(admin.request(method, url, json=body, headers={"If-Match": etag}) for method, url, body in requests)
    )
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1, [(r.status_code, r.text[:200]) for r in responses]
    losers = [r for r in responses if r is not winners[0]]
    return winners[0], losers


@pytest.mark.parametrize("race", RACES, ids=[race.name for race in RACES])
async def test_one_etag_lets_exactly_one_writer_through(admin: AsyncClient, loaded: Tally, race: Race) -> None:
    winner, losers = await _race(admin, race)
    for loser in losers:
        assert_problem(loser, 412, detail_contains="changed since you read it")
    stored = await admin.get(race.item)
    assert stored.json() == winner.json(), "the stored item is exactly the winner's"
    assert stored.headers["etag"] == winner.headers["etag"]
    audit = (await admin.get("/api/v1/audit?limit=500")).json()["items"]
    changes = [e for e in audit if e["action"] in ("update", "set_target") and e["version"] is not None]
    assert len(changes) == 1, "only the winner's change is recorded"


async def test_a_loser_retrying_with_the_new_etag_gets_through(admin: AsyncClient, loaded: Tally) -> None:
    winner, _losers = await _race(admin, RACES[0])
    retry = await admin.patch(ACTION, json={"who": ["LSCB"]}, headers={"If-Match": winner.headers["etag"]})
    assert retry.status_code == 200, retry.text
    assert [owner["code"] for owner in retry.json()["owners"]] == ["LSCB"]
