"""Every error is RFC 9457 problem+json, including the ones FastAPI and Starlette raise themselves."""

from httpx import AsyncClient

from tests.asserts import assert_problem


async def test_unknown_path_is_a_404_problem(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/nothing-here"), 404, detail_contains="/api/v1/nothing-here")
    assert body["title"] == "Not Found"


async def test_wrong_method_is_a_405_problem(client: AsyncClient) -> None:
    response = await client.delete("/api/v1/focus-areas")
    assert_problem(response, 405, detail_contains="DELETE")
    assert "GET" in response.headers["allow"]


async def test_validation_errors_list_each_field(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/actions?page=0&limit=x"), 422)
    assert {tuple(e["loc"]) for e in body["errors"]} == {("query", "page"), ("query", "limit")}
    assert all(e["msg"] for e in body["errors"])


async def test_overlong_key_is_a_422_not_a_500(client: AsyncClient) -> None:
    assert_problem(await client.get("/api/v1/actions/" + "x" * 81), 422)
