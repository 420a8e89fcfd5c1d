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


def _request_schemas(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(where, schema) for every parameter and every request body in the document, references resolved."""
    components = spec["components"]["schemas"]

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        return resolve(components[schema["$ref"].rsplit("/", 1)[-1]]) if "$ref" in schema else schema

    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                found.append((f"{method} {path} {parameter['name']}", resolve(parameter["schema"])))
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                if "schema" in content and media_type.endswith("json"):
                    found.append((f"{method} {path} body", resolve(content["schema"])))
    return found


def _leaves(where: str, schema: dict[str, Any], components: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if "$ref" in schema:
        return _leaves(where, components[schema["$ref"].rsplit("/", 1)[-1]], components)
    leaves = [(where, schema)]
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        leaves += _leaves(where, option, components)
    for name, child in schema.get("properties", {}).items():
        leaves += _leaves(f"{where}.{name}", child, components)
    if "items" in schema:
        leaves += _leaves(f"{where}[]", schema["items"], components)
    return leaves


async def test_every_input_is_bounded(client: AsyncClient) -> None:
    """Text has a length and excludes NUL, integers a range, lists a size: the shared types in api/schemas.py bound
    every input once; an endpoint that forgets to use them fails here."""
    spec = await _spec(client)
    components = spec["components"]["schemas"]
    for where, schema in _request_schemas(spec):
        for leaf_where, leaf in _leaves(where, schema, components):
            kind = leaf.get("type")
            if kind == "string" and not {"enum", "const", "format"} & leaf.keys():
                assert "maxLength" in leaf, f"{leaf_where}: text without a maximum length"
                assert "pattern" in leaf, f"{leaf_where}: text that may hold NUL"
            if kind == "integer":
                assert "maximum" in leaf, f"{leaf_where}: an integer without a maximum"
            if kind == "array":
                assert "maxItems" in leaf or leaf_where.endswith("body.rows"), f"{leaf_where}: a list without a size"
