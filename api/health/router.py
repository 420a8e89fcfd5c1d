import asyncio
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api import schema
from api.db import availability, get_probe_engine
from api.errors import problem_responses
from api.routing import unnamed
from api.settings import get_settings
from api.strict import StrictRoute
from api.tags import Tag

router = APIRouter(route_class=StrictRoute, responses=problem_responses(500), generate_unique_id_function=unnamed)


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    database: Literal["reachable", "unreachable"]
    migrations: Literal["at_head", "behind", "unknown"]
    current_revisions: list[str]
    head_revisions: list[str]


async def _current_revisions() -> set[str]:
    async with get_probe_engine().connect() as connection:
        return await schema.current_revisions(connection)


@router.get("/healthz", operation_id="healthz_get", tags=[Tag.health], response_model=Health)
async def healthz() -> Health:
    """The process is up (no dependencies are checked)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="readyz_get",
    tags=[Tag.health],
    response_model=Readiness,
    responses={
        503: {"model": Readiness, "description": "Database unreachable or migrations not at head."},
        **problem_responses(500),
    },
)
async def readyz() -> JSONResponse:
    """Ready to serve: the database answers (within READYZ_TIMEOUT) and its schema is at the latest migration."""
    heads = schema.head_revisions()
    try:
        async with asyncio.timeout(get_settings().readyz_timeout + 0.5):
            current = await _current_revisions()
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        availability.down(error)
        body = Readiness(
            status="not_ready",
            database="unreachable",
            migrations="unknown",
            current_revisions=[],
            head_revisions=sorted(heads),
        )
        return JSONResponse(body.model_dump(), status_code=503)
    availability.up()
    at_head = current == heads
    body = Readiness(
        status="ready" if at_head else "not_ready",
        database="reachable",
        migrations="at_head" if at_head else "behind",
        current_revisions=sorted(current),
        head_revisions=sorted(heads),
    )
    return JSONResponse(body.model_dump(), status_code=200 if at_head else 503)
