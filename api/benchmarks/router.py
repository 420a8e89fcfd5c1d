"""/benchmarks: DfE's published statistics imported as KPI values for England, its regions and every local authority
(api/benchmarks/imports.py), and the mappings the seed ships for the DfE files it holds (seed/national/mappings.yaml).
"""

from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.benchmarks import imports, mapping
from api.benchmarks.mapping import Mapping
from api.benchmarks.schemas import ImportOptions, ImportResult, MappingQuery, MappingRead
from api.cooperative import one_bulk_job_at_a_time
from api.csv_input import FILE_FIELD, MULTIPART
from api.db import SessionDep
from api.errors import problem_responses
from api.idempotency.service import idempotent
from api.openapi import sends
from api.pagination import Page
from api.routing import domain_router
from api.schemas import SafeStr, inline_schema
from api.tags import Tag

router = domain_router()
MappingPath = Annotated[SafeStr, Path(max_length=80, description="The mapping's name, e.g. cpp-second-or-subsequent.")]
CSV_EXAMPLE = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,category,CPP_start,CPP_subsequent,CPP_subsequent_percent\n"
    "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,808,E06000004,Stockton-on-Tees,"
    "Child Protection Plans which are a second or subsequent plan,360,72,20\n"
)
REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The EES tidy-data CSV file, as DfE publishes it or saved from Excel.",
                        },
                        imports.MAPPING_FIELD: inline_schema(Mapping)
                        | {"description": "An inline mapping, in place of ?mapping=NAME (JSON)."},
                    },
                    "required": [FILE_FIELD],
                    "additionalProperties": False,
                },
                "encoding": {
                    FILE_FIELD: {"contentType": "text/csv"},
                    imports.MAPPING_FIELD: {"contentType": "application/json"},
                },
            },
        },
    }
}


@router.post(
    "/benchmarks/imports",
    operation_id="benchmark_import_create",
    tags=[Tag.benchmark_imports],
    status_code=201,
    response_model=ImportResult,
    openapi_extra=REQUEST_BODY,
    responses={
        **sends(201, "Location"),
        200: {"model": ImportResult, "description": "A dry run's report, or an import that changed nothing."},
        **problem_responses(409, 413, 415),
    },
)
@one_bulk_job_at_a_time
@idempotent()
async def import_statistics(
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Scope.kpi_submit))],
    options: Annotated[ImportOptions, Query()],
) -> JSONResponse:
    """Import a DfE Explore Education Statistics file as one KPI's values, through a mapping.

    The file comes as the body (text/csv) or in a form (multipart/form-data, field `file`), as DfE publishes it or
    saved from Excel (UTF-8 with or without a byte-order mark, or Windows-1252). The mapping is a shipped one
    (`?mapping=NAME`, see GET /benchmarks/mappings) or the form's `mapping` field, JSON of the same shape, for a file
    nobody anticipated. Needs `kpi:submit` and the key's grant for the mapping's KPI.

    Every England, region and local authority row becomes a value of a scope for that place, created on first sight
    and found by GSS code, LA number or name afterwards. The council's own figure is not replaced where it was
    submitted locally, unless `overwrite_local=true`. A re-import changes nothing (200). Any row that cannot be
    imported refuses the whole file (422 naming its line); `dry_run=true` reports everything and writes nothing.
    Send an `Idempotency-Key` to make retries safe.
    """
    file = await imports.received(request.headers.get("content-type", ""), await request.body(), options.mapping)
    result = await imports.import_file(
        session, file, actor=actor, dry_run=options.dry_run, overwrite_local=options.overwrite_local
    )
    headers = {"Location": f"/api/v1/kpi-submissions/{result.submission_id}"} if result.submission_id else None
    return JSONResponse(result.model_dump(mode="json"), status_code=201 if result.written else 200, headers=headers)


@router.get(
    "/benchmarks/mappings",
    operation_id="benchmark_mappings_list",
    tags=[Tag.benchmark_imports],
    response_model=Page[MappingRead],
)
async def list_mappings(query: Annotated[MappingQuery, Query()]) -> Page[MappingRead]:
    """The mappings shipped with the seed: how each DfE file it holds becomes a KPI's values."""
    found = [MappingRead(name=name, **found.model_dump()) for name, found in mapping.shipped().items()]
    page = found[query.offset : query.offset + query.limit]
    return Page[MappingRead](items=page, page=query.page, limit=query.limit, total=len(found))


@router.get(
    "/benchmarks/mappings/{name}",
    operation_id="benchmark_mapping_get",
    tags=[Tag.benchmark_imports],
    response_model=MappingRead,
    responses=problem_responses(404),
)
async def get_mapping(name: MappingPath) -> MappingRead:
    """One shipped mapping: send it back inline (without `name`) to adapt it to another file."""
    return MappingRead(name=name, **mapping.get_shipped(name).model_dump())
