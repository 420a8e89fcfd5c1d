"""The OpenAPI document describes every operation, its success and its problem responses."""

from typing import Any

from httpx import AsyncClient


async def _spec(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


async def test_openapi_3_with_a_docs_page(client: AsyncClient) -> None:
    spec = await _spec(client)
    assert spec["openapi"].startswith("3.")
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_paths_are_versioned_plural_kebab_case(client: AsyncClient) -> None:
    spec = await _spec(client)
    for path in spec["paths"]:
        if path in ("/healthz", "/readyz"):
            continue
        assert path.startswith("/api/v1/")
        for segment in path.removeprefix("/api/v1/").split("/"):
            assert segment.startswith("{") or segment == segment.lower().replace("_", "-"), path


async def test_every_operation_documents_success_and_problem_responses(client: AsyncClient) -> None:
    spec = await _spec(client)
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            assert operation.get("summary"), (method, path)
            assert operation.get("description"), (method, path)
            problems = [code for code in responses if code.startswith(("4", "5"))]
            assert "500" in problems, (method, path)
            for code in problems:
                content = responses[code]["content"]
                if code != "503":
                    assert "application/problem+json" in content, (method, path, code)
            if "{" in path:
                assert "404" in responses or path == "/readyz", (method, path)
            if path.startswith("/api/v1/"):
                assert {"401", "403", "429"} <= set(responses), (method, path)
                assert operation["security"] == [{"HTTPBearer": []}], (method, path)
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
