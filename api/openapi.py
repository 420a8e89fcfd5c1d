"""The OpenAPI document, made to say exactly what the service enforces where FastAPI's defaults say less:

- text never holds a NUL character (every string gets a pattern that excludes it);
- changing or archiving a record needs If-Match (the header is required on PATCH and DELETE; 428 without it).
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

NO_NUL = "^[^\\u0000]*$"


def _no_nul(node: Any) -> None:
    """Every string schema without a pattern, format or fixed values of its own gets NO_NUL."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & node.keys():
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def _if_match_required(spec: dict[str, Any]) -> None:
    for operations in spec["paths"].values():
        for method, operation in operations.items():
            if method not in ("patch", "delete"):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
                    parameter["required"] = True
                    parameter["schema"] = parameter["schema"].get("anyOf", [parameter["schema"]])[0]


def refine(spec: dict[str, Any]) -> dict[str, Any]:
    _no_nul(spec)
    _if_match_required(spec)
    return spec


def install(app: FastAPI) -> None:
    """Serve the refined document (built once, on first request)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            refine(generate())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
