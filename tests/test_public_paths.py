"""Nothing answers without a key but what is meant to: every route the app has, with every method it takes, called
with no key under the default settings (anonymous reading off). Only the allow-list below answers; every other
route is 401, its path parameters filled with plausible values so the request reaches the route's access check."""

import re

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from starlette.routing import Mount, Route

from api.settings import get_settings

PLAUSIBLE = {
    "code": "neet-not-known-16-19",
    "key": "csmt",
    "period": "FY2016-17",
    "year": "FY2016-17",
    "fy": "FY2016-17",
    "name": "stockton-on-tees",
    "key_id": "k0000000000",
    "slug": "not-found",
    "token": "abcdefghijklmnop",
    "pack_id": "1",
    "share_id": "1",
    "submission_id": "1",
    "update_id": "1",
    "commentary_id": "1",
    "activity_id": "1",
    "subscription_id": "1",
    "delivery_id": "1",
    "meeting_id": "1",
    "number": "1",
}
# Paths that answer without a key, and why; each with the statuses it may answer a caller with none.
PUBLIC: dict[str, tuple[str, set[int]]] = {
    "/healthz": ("liveness probe for load balancers", {200}),
    "/readyz": ("readiness probe", {200, 503}),
    "/openapi.json": ("the API's description", {200}),
    "/docs": ("the API's documentation page", {200}),
    "/problems": ("what each problem type means (error bodies link here)", {200}),
    "/problems/{slug}": ("one problem type's page", {200}),
    "/open-data/v1/council-plan-kpis": ("open data: approved Council Plan KPI figures", {200}),
    "/open-data/v1/council-plan-kpis.csv": ("open data, as CSV", {200}),
    "/open-data/v1/council-plan-kpis/{code}": ("open data: one KPI", {200}),
    "/open-data/v1/council-plan-kpis/{code}/figures.csv": ("open data: one KPI, as CSV", {200}),
    # Needs a token it does not have: an unknown share link is 404, so nothing is shown.
    "/shared-packs/{token}": ("an issued pack through a share link: the token is the key", {404}),
}
ASSETS = "/docs/assets"  # the documentation page's own scripts and styles (a static mount)


def _concrete(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda match: PLAUSIBLE[match.group(1)], path)


def _every_route(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == ASSETS, f"an unexpected mount: {route.path}"
            continue
        assert isinstance(route, Route), route
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return found


async def test_the_default_is_no_anonymous_reading() -> None:
    assert get_settings().allow_anonymous_read is False


async def test_only_the_allow_list_answers_without_a_key(loaded: object, app: FastAPI, anonymous: AsyncClient) -> None:
    routes = _every_route(app)
    assert len(routes) > 120
    assert {path for _method, path in routes} >= set(PUBLIC), "every path allowed is still served"
    answered = {}
    for method, path in routes:
        response = await anonymous.request(method, _concrete(path), json={} if method != "GET" else None)
        answered[(method, path)] = response.status_code
    wrong = {
        route: status
        for route, status in answered.items()
        if status not in (PUBLIC[route[1]][1] if route[1] in PUBLIC else {401})
    }
    assert wrong == {}, "these answered without a key, or not as the allow-list says"


@pytest.mark.parametrize("path", sorted(PUBLIC))
async def test_each_public_path_is_documented(app: FastAPI, path: str) -> None:
    documented = set(app.openapi()["paths"]) | {"/openapi.json", "/docs"}
    assert path in documented
