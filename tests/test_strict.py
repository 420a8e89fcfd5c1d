"""Strict requests: unknown or repeated query parameters are refused on every endpoint, and every method a path
allows is named in `Allow` (on a 405 and in answer to OPTIONS); HEAD is served wherever GET is."""

from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from httpx import AsyncClient

from api.strict import StrictRoute, require_strict_routes
from tests.asserts import assert_problem
from tests.auth.helpers import SAMPLE_PATH_VALUES, api_routes
from tests.factories import Scenario

UNKNOWN = "surely_not_a_parameter"


def _concrete(path: str) -> str:
    for name, value in SAMPLE_PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{period}", "FY2016-17").replace("{fy}", "FY2016-17").replace("{submission_id}", "1")


def _spec_methods(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Each documented path, made concrete, with its documented methods (a literal segment beats a parameter:
    /projects/savings is not also a /projects/{key})."""
    return {_concrete(path): {method.upper() for method in operations} for path, operations in spec["paths"].items()}


class TestUnknownQueryParameters:
    async def test_every_endpoint_refuses_an_unknown_query_parameter(self, app: FastAPI, admin: AsyncClient) -> None:
        for route in api_routes(app):
            for method in sorted(route.methods or ()):
                path = _concrete(route.path)
                response = await admin.request(method, f"{path}?{UNKNOWN}=1", json={})
                body = assert_problem(response, 422)
                assert ["query", UNKNOWN] in [error["loc"] for error in body["errors"]], (method, path, body)

    async def test_health_endpoints_refuse_them_too(self, anonymous: AsyncClient) -> None:
        for path in ("/healthz", "/readyz"):
            assert_problem(await anonymous.get(f"{path}?verbose=1"), 422)

    async def test_a_misspelt_scope_writes_nothing(self, submitter: AsyncClient, scenario: Scenario) -> None:
        before = (await submitter.get("/api/v1/kpis/cp-repeat-plans/values?history=true&limit=500")).json()["total"]
        response = await submitter.put("/api/v1/kpis/cp-repeat-plans/values/FY2016-17?scop=england", json={"value": 9})
        body = assert_problem(response, 422, detail_contains="query.scop")
        assert "scope" in body["errors"][0]["msg"], "the message names the parameters the endpoint takes"
        after = (await submitter.get("/api/v1/kpis/cp-repeat-plans/values?history=true&limit=500")).json()["total"]
        assert after == before

    async def test_a_single_valued_parameter_given_twice_is_refused(self, client: AsyncClient) -> None:
        body = assert_problem(await client.get("/api/v1/actions?page=1&page=2"), 422)
        assert body["errors"] == [{"loc": ["query", "page"], "msg": "given more than once"}]

    def test_a_router_made_without_the_strict_route_class_stops_the_app_starting(self) -> None:
        loose = APIRouter()

        @loose.get("/loose")
        async def handler() -> dict[str, str]:
            return {}

        with pytest.raises(TypeError, match="/loose"):
            require_strict_routes([APIRouter(route_class=StrictRoute), loose])

    async def test_known_parameters_still_work(self, client: AsyncClient, scenario: Scenario) -> None:
        response = await client.get("/api/v1/kpis/cp-repeat-plans/values?scope=england&limit=5")
        assert response.status_code == 200, response.text


class TestAllowedMethods:
    async def test_a_405_names_every_method_of_the_path(self, client: AsyncClient) -> None:
        response = await client.post("/api/v1/actions/some-key")
        assert_problem(response, 405, detail_contains="PATCH")
        assert response.headers["allow"] == "GET, HEAD, PATCH, DELETE, OPTIONS"

    async def test_options_answers_with_every_method_the_document_lists(
        self, app: FastAPI, anonymous: AsyncClient
    ) -> None:
        spec = (await anonymous.get("/openapi.json")).json()
        for path, methods in _spec_methods(spec).items():
            response = await anonymous.options(path)
            assert response.status_code == 204, (path, response.text)
            allowed = set(response.headers["allow"].split(", "))
            expected = methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
            assert allowed == expected, path

    async def test_a_literal_path_is_not_taken_for_a_parameter(self, admin: AsyncClient) -> None:
        for method, path in (("PATCH", "/api/v1/projects/savings"), ("DELETE", "/api/v1/api-keys/current")):
            response = await admin.request(method, path)
            assert_problem(response, 405)
            assert response.headers["allow"] == "GET, HEAD, OPTIONS"

    async def test_options_on_no_such_path_is_404(self, anonymous: AsyncClient) -> None:
        assert_problem(await anonymous.options("/api/v1/nothing-here"), 404)

    async def test_head_is_get_without_the_body(self, client: AsyncClient, scenario: Scenario) -> None:
        got = await client.get("/api/v1/kpis/cp-repeat-plans")
        head = await client.head("/api/v1/kpis/cp-repeat-plans")
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["etag"] == got.headers["etag"]
        assert head.headers["content-length"] == got.headers["content-length"]
