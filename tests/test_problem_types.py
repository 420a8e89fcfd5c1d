"""Problem `type` URIs lead somewhere: the service serves a page for each, and lists them all."""

import re
from pathlib import Path

import pytest
from httpx import AsyncClient

from api import errors, problems, settings
from api.errors import AppError
from tests.asserts import assert_problem

API = Path(__file__).parents[1] / "api"


def _named_in_code() -> set[str]:
    """Every problem type the code names (problems.NOT_FOUND ...): the only way to make a problem (api/errors.py)."""
    names = set()
    for path in API.rglob("*.py"):
        if path.name != "problems.py":
            names |= set(re.findall(r"\bproblems\.([A-Z][A-Z_]+)\b", path.read_text(encoding="utf-8")))
    return names


def test_every_problem_type_the_code_names_is_listed_and_every_one_listed_is_used() -> None:
    named = {found for name in _named_in_code() if isinstance(found := getattr(problems, name), problems.ProblemType)}
    assert named == set(problems.CATALOGUE.values())
    assert set(problems.BY_STATUS.values()) <= named


def _subclasses(cls: type[AppError]) -> list[type[AppError]]:
    return [cls, *[sub for child in cls.__subclasses__() for sub in _subclasses(child)]]


def test_every_error_class_is_of_a_listed_problem_type() -> None:
    """(tests/conftest.py imports the app, and so every module that defines an error.)"""
    for error in _subclasses(AppError):
        assert problems.CATALOGUE[error.problem.slug] is error.problem, error


async def test_the_index_lists_each_type_with_its_title_status_and_meaning(anonymous: AsyncClient) -> None:
    response = await anonymous.get("/problems")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["slug"] for item in items] == list(problems.CATALOGUE)
    found = {item["slug"]: item for item in items}["precondition-required"]
    assert found == {
        "slug": "precondition-required",
        "type": "/problems/precondition-required",
        "title": "Precondition required",
        "status": 428,
        "meaning": problems.PRECONDITION_REQUIRED.meaning,
    }


async def test_a_problems_type_leads_to_a_page_saying_what_it_means(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/kpis/no-such-kpi"), 404)
    assert body["type"] == "/problems/not-found"
    page = await client.get(body["type"])  # relative to the service's address
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>404 Not found</h1>" in page.text
    assert problems.NOT_FOUND.meaning in page.text


async def test_an_unknown_type_is_a_404_problem(anonymous: AsyncClient) -> None:
    assert_problem(await anonymous.get("/problems/no-such-problem"), 404, detail_contains="no-such-problem")


async def test_pages_need_no_key(anonymous: AsyncClient) -> None:
    for slug in problems.CATALOGUE:
        assert (await anonymous.get(f"/problems/{slug}")).status_code == 200, slug


def test_the_base_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROBLEM_TYPE_BASE", "https://strategy.stockton.gov.uk/problems/")
    settings.get_settings.cache_clear()
    try:
        assert errors.problem_type_uri("conflict") == "https://strategy.stockton.gov.uk/problems/conflict"
    finally:
        monkeypatch.delenv("PROBLEM_TYPE_BASE")
        settings.get_settings.cache_clear()
