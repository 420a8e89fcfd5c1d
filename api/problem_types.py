"""GET /problems and /problems/{slug}: what each problem `type` means, where its URI leads (no key needed: a developer
follows it from an error body in a browser)."""

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api import problems
from api.errors import NotFound, problem_responses, problem_type_uri
from api.pagination import Page
from api.routing import unnamed
from api.settings import PROBLEM_TYPES_PATH
from api.strict import StrictRoute
from api.tags import Tag

router = APIRouter(route_class=StrictRoute, responses=problem_responses(500), generate_unique_id_function=unnamed)
Slug = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9-]+$", description="e.g. not-found.")]


class ProblemTypeRead(BaseModel):
    slug: str = Field(description="The last segment of the type URI, e.g. precondition-failed.")
    type: str = Field(
        json_schema_extra={"format": "uri-reference"}, description="The `type` a problem of this kind carries."
    )
    title: str = Field(description="The `title` a problem of this kind carries.")
    status: int = Field(description="The HTTP status it comes with.")
    meaning: str = Field(description="What went wrong, and what to do about it.")

    @classmethod
    def of(cls, kind: problems.ProblemType) -> "ProblemTypeRead":
        return cls(
            slug=kind.slug, type=problem_type_uri(kind.slug), title=kind.title, status=kind.status, meaning=kind.meaning
        )


@router.get(PROBLEM_TYPES_PATH.rstrip("/"), operation_id="problem_types_list", tags=[Tag.problem_types])
async def list_problem_types() -> Page[ProblemTypeRead]:
    """Every problem type the service answers with: its type URI, title, status and meaning."""
    items = [ProblemTypeRead.of(kind) for kind in problems.CATALOGUE.values()]
    return Page[ProblemTypeRead](items=items, page=1, limit=len(items), total=len(items))


@router.get(
    PROBLEM_TYPES_PATH + "{slug}",
    operation_id="problem_type_get",
    tags=[Tag.problem_types],
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **problem_responses(404, 422)},
)
async def get_problem_type(slug: Slug) -> HTMLResponse:
    """A page saying what one problem type means and what to do about it: where its type URI leads."""
    kind = problems.CATALOGUE.get(slug)
    if kind is None:
        raise NotFound("problem type", slug)
    return HTMLResponse(_page(kind))


def _page(kind: problems.ProblemType) -> str:
    title = escape(f"{kind.status} {kind.title}")
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}: Children's Services Strategy API</title>
<style>body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
code{{background:#f3f3f3;padding:0 .2em}}</style></head>
<body>
<h1>{title}</h1>
<p>{escape(kind.meaning)}</p>
<p>Problems of this type carry <code>"type": "{escape(problem_type_uri(kind.slug))}"</code>,
<code>"title": "{escape(kind.title)}"</code> and <code>"status": {kind.status}</code>; <code>detail</code> says what
went wrong this time, <code>instance</code> the path requested.</p>
<p><a href="{PROBLEM_TYPES_PATH.rstrip("/")}">Every problem type</a> (JSON) · <a href="/docs">API documentation</a></p>
</body>
</html>
"""
