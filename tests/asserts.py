"""Assertions on the shapes every endpoint shares."""

from typing import Any

from httpx import Response

from api import problems
from api.errors import problem_type_uri


def assert_problem(response: Response, status: int, *, detail_contains: str = "") -> dict[str, Any]:
    """An RFC 9457 problem+json body with the given status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] in {problem_type_uri(slug) for slug in problems.CATALOGUE}, body["type"]
    assert body["title"]
    assert body["detail"]
    assert detail_contains in body["detail"], body["detail"]
    return body


def assert_page(response: Response, *, total: int, page: int = 1, limit: int = 50) -> list[dict[str, Any]]:
    """A 200 page envelope; returns its items."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict), "lists are objects, never bare arrays"
    assert (body["total"], body["page"], body["limit"]) == (total, page, limit)
    items: list[dict[str, Any]] = body["items"]
    return items
