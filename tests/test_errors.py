"""Every error is RFC 9457 problem+json, including the ones FastAPI and Starlette raise themselves."""

from httpx import AsyncClient

from tests.asserts import assert_problem


async def test_unknown_path_is_a_404_problem(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/nothing-here"), 404, detail_contains="/api/v1/nothing-here")
    assert body["title"] == "Not found"


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


async def test_integers_beyond_their_column_are_422_not_500(client: AsyncClient) -> None:
    for path, where in (
        ("/api/v1/kpi-submissions/18446744073709551616", ["path", "submission_id"]),
        ("/api/v1/kpi-submissions/2147483648", ["path", "submission_id"]),
        ("/api/v1/packs/-1", ["path", "pack_id"]),
        ("/api/v1/actions?page=100000000000000000000", ["query", "page"]),
        ("/api/v1/actions?limit=" + "9" * 5000, ["query", "limit"]),
        ("/api/v1/events?after=99999999999999999999", ["query", "after"]),
    ):
        body = assert_problem(await client.get(path), 422)
        assert [error["loc"] for error in body["errors"]] == [where], path


async def test_nul_and_overlong_text_in_queries_and_paths_are_422(client: AsyncClient) -> None:
    for path, where in (
        ("/api/v1/actions?q=graded%00care", ["query", "q"]),
        ("/api/v1/actions/graded%00care", ["path", "key"]),
        ("/api/v1/kpis/x/values?period=" + "9" * 21, ["query", "period"]),
        ("/api/v1/audit?since=0.5", ["query", "since"]),
        ("/api/v1/actions?updated_since=0001-01-01T00:00:00%2B14:00", ["query", "updated_since"]),
    ):
        body = assert_problem(await client.get(path), 422)
        assert [error["loc"] for error in body["errors"]] == [where], path
