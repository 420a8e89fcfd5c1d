"""The figure's PUT is answered before routing where it can be (api/kpis/figure_lane.py); the route answers the rest.
The same requests, one set through the app as it is and one through the app without the lane, get the same answers:
statuses, bodies, ETags and problems alike."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.models import Scope
from api.kpis.figure_lane import FigureLane
from api.main import create_app
from tests.conftest import Minter
from tests.factories import Scenario, make_kpi

LANE, ROUTE = "lane-figures", "route-figures"  # one KPI written each way, defined alike
Request = tuple[str, str, dict[str, Any] | None, dict[str, str]]  # method, path after the KPI, JSON body, headers
STEPS: list[Request] = [
    ("PUT", "/values/FY2015-16?scope=england", {"value": 64, "source": "DfE SSDA903", "note": "year end"}, {}),
    ("PUT", "/values/FY2015-16?scope=england", {"value": "64.0"}, {}),
    ("PUT", "/values/FY2015-16?scope=england", {"value": 66, "reason": "late returns"}, {"If-Match": '"1"'}),
    ("PUT", "/values/FY2015-16?scope=england", {"value": 67}, {"If-Match": '"1"'}),
    ("PUT", "/values/FY2015-16?scope=england", {"value": 67}, {"If-None-Match": "*"}),
    ("PUT", "/values/FY2014-15", {"numerator": 30, "denominator": 40}, {}),
    ("PUT", "/values/FY2014-15", {"value": 50, "numerator": 30, "denominator": 40}, {}),
    ("PUT", "/values/FY2014-15", {"status_symbol": "c", "value": 1}, {}),
    ("PUT", "/values/FY2014-15", {"value": 101}, {}),
    ("PUT", "/values/FY2014-15?scope=nowhere", {"value": 5}, {}),
    ("PUT", "/values/CY2016", {"value": 5}, {}),
    ("PUT", "/values/FY2099-00", {"value": 5}, {}),
    ("PUT", "/values/FY2014-15?scop=england", {"value": 5}, {}),
    ("PUT", "/values/FY2014-15?scope=england&scope=england", {"value": 5}, {}),
    ("PUT", "/values/FY2014-15", {"value": 5, "revision": 3}, {}),
    ("PUT", "/values/FY2014-15", {"value": "a\u0000b"}, {}),
    ("PUT", "/values/FY2014-15", {"note": "x" * 2001, "value": 5}, {}),
    ("PUT", "/values/FY2014-15", None, {"content-type": "application/json"}),
    ("PUT", "/values/FY2014-15", None, {"content-type": "text/plain"}),
]


@pytest.fixture
async def kpis(session: AsyncSession, scenario: Scenario) -> None:
    for code in (LANE, ROUTE):
        await make_kpi(session, code, decimal_places=0, polarity="higher_better")
    await session.commit()


@pytest.fixture
def without_lane() -> FastAPI:
    app = create_app()
    app.user_middleware = [middleware for middleware in app.user_middleware if _cls(middleware) is not FigureLane]
    return app


def _cls(middleware: Any) -> Any:
    return middleware.cls


async def _client(app: FastAPI, token: str) -> AsyncClient:
    return AsyncClient(
        transport=ASGITransport(app=app), base_url="http://test", headers={"Authorization": f"Bearer {token}"}
    )


def _comparable(response: Response, code: str) -> tuple[int, Any, str | None]:
    text = response.text.replace(code, "KPI")
    body = json.loads(text) if response.headers.get("content-type", "").endswith("json") else text
    if isinstance(body, dict):
        body.pop("submitted_at", None)
    return response.status_code, body, response.headers.get("etag")


async def _tell(client: AsyncClient, code: str, steps: list[Request]) -> list[tuple[int, Any, str | None]]:
    answers = []
    for method, path, body, headers in steps:
        url = f"/api/v1/kpis/{code}{path}"
        if body is None:
            response = await client.request(method, url, content=b'{"value": ', headers=headers)
        else:
            response = await client.request(method, url, json=body, headers=headers)
        answers.append(_comparable(response, code))
    return answers


async def test_the_lane_answers_as_the_route_does(
    app: FastAPI, without_lane: FastAPI, mint: Minter, kpis: None, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    answered: list[bool] = []
    original = FigureLane._answer

    async def counted(self: FigureLane, *args: Any) -> bool:
        answered.append(await original(self, *args))
        return answered[-1]

    monkeypatch.setattr(FigureLane, "_answer", counted)
    token = await mint(Scope.read, Scope.kpi_submit, name="performance officer")
    async with await _client(app, token) as lane, await _client(without_lane, token) as route:
        through_lane = await _tell(lane, LANE, STEPS)
        through_route = await _tell(route, ROUTE, STEPS)
    # PostgreSQL: the lane answered the writes and the refusals it words itself (412, 404, the checks' 422s) and
    # passed on what the route words (unknown query, bad body); SQLite: the route answered everything.
    assert (sum(answered) >= 10) if database_url.startswith("postgresql") else not answered
    for step, (answer, expected) in enumerate(zip(through_lane, through_route, strict=True)):
        assert answer == expected, (step, STEPS[step])
    statuses = [status for status, _body, _tag in through_lane]
    assert statuses[:5] == [201, 200, 200, 412, 412]
    assert set(statuses[7:]) <= {400, 404, 412, 415, 422}


Limited = Callable[..., AsyncIterator[AsyncClient]]


async def test_keys_the_lane_may_not_serve_get_the_routes_refusals(
    app: FastAPI, without_lane: FastAPI, mint: Minter, kpis: None
) -> None:
    """Grants and scopes: the lane passes these to the route, which words the 403."""
    for scopes, limits in (((Scope.read,), {}), ((Scope.read, Scope.kpi_submit), {"kpi_codes": ["cp-repeat-plans"]})):
        token = await mint(*scopes, name="limited", **limits)
        async with await _client(app, token) as lane, await _client(without_lane, token) as route:
            answers = [
                _comparable(await client.put(f"/api/v1/kpis/{code}/values/FY2015-16", json={"value": 5}), code)
                for client, code in ((lane, LANE), (route, ROUTE))
            ]
        assert answers[0] == answers[1]
        assert answers[0][0] == 403
