"""Open data at /open-data/v1: approved Council Plan KPI figures for anyone, no key needed (api/opendata/service.py).

Outside /api/v1, so the access middleware asks for no key; each address is counted against the rate limit as
anonymous readers are. Answers carry a strong ETag made from their bytes and `Cache-Control: public`, so caches and
dashboards poll cheaply: If-None-Match with the ETag held answers 304 and no body."""

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel

from api.auth.deps import limit_address
from api.db import SessionDep
from api.errors import problem_responses
from api.kpis import service as kpi_service
from api.opendata import service
from api.opendata.schemas import LICENCE_URL, PREFIX, OpenKpiOne, OpenKpis
from api.routing import unnamed
from api.spreadsheets import BOM, write_csv
from api.strict import StrictRoute
from api.tags import Tag

MAX_AGE = 300  # seconds a cache may serve an answer without asking again: figures are approved a few times a month
router = APIRouter(
    prefix=PREFIX,
    route_class=StrictRoute,
    tags=[Tag.open_data],
    dependencies=[Depends(limit_address)],
    responses=problem_responses(400, 422, 429, 500, 503),
    generate_unique_id_function=unnamed,
)
CodePath = Annotated[
    str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="The KPI's code.")
]


def _header(description: str, *, required: bool = True) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "string"}}


HEADERS: dict[str, Any] = {
    "ETag": _header("A strong validator made from the answer's bytes: send it in If-None-Match to poll cheaply."),
    "Cache-Control": _header(f"`public, max-age={MAX_AGE}`: any cache may keep the answer for {MAX_AGE} seconds."),
    "Link": _header(f'`<{LICENCE_URL}>; rel="license"`: the Open Government Licence v3.0.'),
    "Access-Control-Allow-Origin": _header("`*`: a dashboard on any site may read open data."),
}
DISPOSITION = _header('The CSV\'s name: `inline; filename="<name>.csv"`.', required=False)
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag sent in If-None-Match is still current.", "headers": HEADERS}
}


def _responses(model: type[BaseModel] | None) -> dict[int | str, dict[str, Any]]:
    content = {"text/csv": {"schema": {"type": "string"}}} if model is None else {}
    headers = HEADERS | ({"Content-Disposition": DISPOSITION} if model is None else {})
    answer: dict[str, Any] = {"description": "The open data.", "headers": headers}
    if content:
        answer["content"] = content
    return {200: answer, **NOT_MODIFIED}


def _answer(request: Request, body: bytes, media_type: str, filename: str | None = None) -> Response:
    """The body with its validators, or 304 when the caller already holds it."""
    tag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Link": f'<{LICENCE_URL}>; rel="license"',
        "Access-Control-Allow-Origin": "*",  # any site's dashboard may read open data
    }
    held = {part.strip().removeprefix("W/") for part in request.headers.get("if-none-match", "").split(",")}
    if tag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(body, media_type=media_type, headers=headers)


def _csv(rows: list[dict[str, str]]) -> bytes:
    return (BOM + write_csv(service.CSV_COLUMNS, rows)).encode("utf-8")


async def _all(session: SessionDep) -> OpenKpis:
    borough = await kpi_service.borough(session)
    found = await service.publication(session, borough)
    return OpenKpis(**dict(found), kpis=await service.council_plan_kpis(session, borough))


async def _one(session: SessionDep, code: str) -> OpenKpiOne:
    borough = await kpi_service.borough(session)
    found = await service.publication(session, borough)
    [kpi] = await service.council_plan_kpis(session, borough, code)
    return OpenKpiOne(**dict(found), kpi=kpi)


def _json(made: BaseModel) -> bytes:
    return made.model_dump_json().encode("utf-8")


@router.get(
    "/council-plan-kpis.csv",
    operation_id="open_data_kpis_table_get",
    response_class=Response,
    responses=_responses(None),
)
async def council_plan_kpis_csv(request: Request, session: SessionDep) -> Response:
    """Every approved Council Plan KPI figure for the borough as CSV, one row a figure (no key needed; Open
    Government Licence v3.0)."""
    found = await _all(session)
    rows = service.csv_rows(found.kpis, found.area_code)
    return _answer(request, _csv(rows), "text/csv; charset=utf-8", "council-plan-kpis.csv")


@router.get(
    "/council-plan-kpis",
    operation_id="open_data_kpis_list",
    response_model=OpenKpis,
    responses=_responses(OpenKpis),
)
async def council_plan_kpis(request: Request, session: SessionDep) -> Response:
    """The Council Plan KPIs for children's services with their approved figures for the borough: the figures
    Cabinet's pack shows as final (no key needed; Open Government Licence v3.0, attribution in the body)."""
    return _answer(request, _json(await _all(session)), "application/json")


@router.get(
    "/council-plan-kpis/{code}/figures.csv",
    operation_id="open_data_kpi_table_get",
    response_class=Response,
    responses={**_responses(None), **problem_responses(404)},
)
async def council_plan_kpi_csv(request: Request, session: SessionDep, code: CodePath) -> Response:
    """One Council Plan KPI's approved figures as CSV (no key needed)."""
    found = await _one(session, code)
    return _answer(
        request, _csv(service.csv_rows([found.kpi], found.area_code)), "text/csv; charset=utf-8", f"{code}.csv"
    )


@router.get(
    "/council-plan-kpis/{code}",
    operation_id="open_data_kpi_get",
    response_model=OpenKpiOne,
    responses={**_responses(OpenKpiOne), **problem_responses(404)},
)
async def council_plan_kpi(request: Request, session: SessionDep, code: CodePath) -> Response:
    """One Council Plan KPI with its approved figures for the borough (no key needed)."""
    return _answer(request, _json(await _one(session, code)), "application/json")
