"""The OpenAPI document describes every operation, its success and its problem responses."""

import re
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
        if path in ("/healthz", "/readyz") or path.startswith("/problems"):
            continue
        if path == "/shared-packs/{token}":  # a share link: opened without a key, so outside /api/v1
            continue
        prefix = "/open-data/v1/" if path.startswith("/open-data/v1/") else "/api/v1/"  # open data: no key either
        assert path.startswith(prefix)
        for segment in path.removeprefix(prefix).removesuffix(".csv").split("/"):
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
                if (path, code) != ("/readyz", "503"):
                    assert list(content) == ["application/problem+json"], (method, path, code)
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


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, operations in spec["paths"].items() for method, op in operations.items()]


OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
# resource_verb: a plural resource with `list`, a singular one with any other verb.
VERBS = {
    "list",
    "get",
    "create",
    "update",
    "archive",
    "delete",
    "put",
    "revoke",
    "resolve",
    "adopt",
    "issue",
    "withdraw",
}


async def test_every_operation_has_a_unique_resource_verb_operation_id(client: AsyncClient) -> None:
    spec = await _spec(client)
    names = [operation.get("operationId", "") for _path, _method, operation in _operations(spec)]
    assert len(names) == len(set(names)), "operationIds are unique"
    for path, method, operation in _operations(spec):
        name = operation["operationId"]
        assert OPERATION_ID.match(name), (method, path, name)
        resource, verb = name.rsplit("_", 1)
        assert verb in VERBS, (method, path, name)
        assert (method == "get") == (verb in ("list", "get", "resolve")), (method, path, name)
        assert verb != "list" or resource.endswith("s"), (method, path, name)
    named = {(method, path): operation["operationId"] for path, method, operation in _operations(spec)}
    assert named[("get", "/api/v1/kpis")] == "kpis_list"
    assert named[("put", "/api/v1/kpis/{code}/values/{period}")] == "kpi_value_put"
    assert named[("post", "/api/v1/actions/{key}/updates")] == "action_update_create"
    assert named[("get", "/api/v1/governance-bodies/{key}/pack")] == "pack_get"
    assert named[("get", "/healthz")] == "healthz_get"


async def test_every_operation_has_one_tag_and_every_tag_a_description(client: AsyncClient) -> None:
    spec = await _spec(client)
    described = {tag["name"]: tag.get("description") for tag in spec["tags"]}
    assert all(described.values()), described
    used = set()
    for path, method, operation in _operations(spec):
        assert len(operation["tags"]) == 1, (method, path, operation["tags"])
        assert operation["tags"][0] in described, (method, path)
        used.add(operation["tags"][0])
    assert used == set(described), "every tag listed is used"


async def test_errors_are_problem_json_only(client: AsyncClient) -> None:
    spec = await _spec(client)
    for path, method, operation in _operations(spec):
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")) and (path, code) != ("/readyz", "503"):
                assert list(response["content"]) == ["application/problem+json"], (method, path, code)


async def test_headers_are_documented_on_the_responses_that_send_them(client: AsyncClient) -> None:
    """What each route sends is checked on every response the suite receives (tests/documented.py); here, the
    headers every response of a kind carries."""
    spec = await _spec(client)
    for path, method, operation in _operations(spec):
        replays = any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", []))
        for code, response in operation["responses"].items():
            headers = response.get("headers", {})
            assert headers["X-Request-ID"]["required"], (method, path, code)
            if code in ("429", "503") and path != "/readyz":
                assert headers["Retry-After"]["required"], (method, path, code)
            if code == "401":
                assert headers["WWW-Authenticate"]["required"], (method, path, code)
            if code == "201" and method == "post" and not path.endswith("/updates"):  # an update has no URL
                assert headers["Location"]["required"], (method, path, code)
            assert ("Idempotent-Replayed" in headers) == (replays and code.startswith("2")), (method, path, code)


async def test_if_match_is_required_exactly_where_its_absence_is_answered_428(client: AsyncClient) -> None:
    spec = await _spec(client)
    for path, method, operation in _operations(spec):
        headers = {p["name"].lower(): p for p in operation.get("parameters", []) if p["in"] == "header"}
        if "428" not in operation["responses"]:
            assert not headers.get("if-match", {}).get("required"), (method, path)
        elif method == "put" and "if-none-match" in headers:  # an upsert: If-None-Match: * may stand in for If-Match
            assert not headers["if-match"]["required"], path
            assert not headers["if-none-match"]["required"], path
            assert "One of If-Match and If-None-Match" in headers["if-match"]["description"], path
        else:
            assert headers["if-match"]["required"], (method, path)
    changes = [(p, m) for p, m, op in _operations(spec) if m in ("patch", "delete") and "428" in op["responses"]]
    assert len(changes) >= 14


async def test_each_output_format_is_a_media_type_of_one_response(client: AsyncClient) -> None:
    spec = await _spec(client)
    for path in ("/api/v1/governance-bodies/{key}/pack", "/api/v1/bodies/{key}/pack", "/api/v1/packs/{pack_id}"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Pack"}
        assert content["text/csv"]["schema"]["type"] == content["text/html"]["schema"]["type"] == "string"
        binary = {"type": "string", "format": "binary"}
        assert content["application/pdf"]["schema"] == binary
        assert content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"] == binary
    assert spec["components"]["schemas"]["PackFormat"]["enum"] == ["json", "csv", "html", "pdf", "xlsx"]


def _maps(where: str, node: Any) -> list[str]:
    """Where the document has a free-form map: an object whose keys are open (additionalProperties other than false,
    propertyNames) or that names no properties at all."""
    found = []
    if isinstance(node, dict):
        open_keys = node.get("additionalProperties", False) is not False or "propertyNames" in node
        if open_keys or (node.get("type") == "object" and not node.get("properties")):
            found.append(where)
        for key, child in node.items():
            found += _maps(f"{where}/{key}", child)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _maps(f"{where}[{index}]", child)
    return found


async def test_no_body_is_a_free_form_map(client: AsyncClient) -> None:
    """Every body is a typed object or a list of them, so a generated client gets a field for everything; only a
    problem stays open to extension members, as RFC 9457 allows."""
    spec = await _spec(client)
    components = {name: schema for name, schema in spec["components"]["schemas"].items() if name != "Problem"}
    assert _maps("#/components/schemas", components) == []
    assert _maps("#/paths", spec["paths"]) == []
    assert spec["components"]["schemas"]["Problem"]["additionalProperties"] is True
