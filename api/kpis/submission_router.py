from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field
from sqlalchemy import select

from api.auth.deps import require
from api.auth.models import Scope
from api.auth.principal import Actor
from api.cooperative import one_bulk_job_at_a_time
from api.csv_input import FILE_FIELD, MULTIPART
from api.db import SessionDep
from api.errors import NotFound, problem_responses
from api.idempotency.service import idempotent
from api.kpis import submissions
from api.kpis.batch_formats import Batch, read_batch
from api.kpis.models import KpiSubmission, SubmissionMode
from api.kpis.schemas import Rejection, SubmissionIn, SubmissionSummary
from api.openapi import sends
from api.pagination import ChangedQuery, Page, fetch_page
from api.params import IdPath
from api.routing import domain_router
from api.schemas import QueryModel, inline_schema
from api.tags import Tag

router = domain_router()
CSV_EXAMPLE = (
    "kpi,period,scope,value,numerator,denominator,status_symbol,provisional,note\n"
    "neet-not-known-16-19,FY2016-17,,7,,,,true,December-February average, whole percent\n"
)
REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": inline_schema(SubmissionIn)},
            "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE},
            MULTIPART: {
                "schema": {
                    "type": "object",
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The CSV file, as text/csv would send it (options go in the query).",
                        }
                    },
                    "required": [FILE_FIELD],
                    "additionalProperties": False,
                },
                "encoding": {FILE_FIELD: {"contentType": "text/csv"}},
            },
        },
    }
}


class SubmissionQuery(ChangedQuery):
    """Submissions are never changed, so updated_since selects those submitted since."""


class SubmitOptions(QueryModel):
    dry_run: bool = Field(False, description="Check every row and report, writing nothing.")
    mode: SubmissionMode = Field(SubmissionMode.all_or_nothing, description="partial: land the valid rows.")
    source: str | None = Field(None, max_length=200, description="Where the figures come from (CSV uploads).")


def summarise(result: submissions.Result, batch: Batch, options: SubmitOptions, actor: Actor) -> SubmissionSummary:
    submission = result.submission
    return SubmissionSummary(
        id=submission.id if submission else None,
        dry_run=options.dry_run,
        mode=options.mode,
        format=batch.format,
        source=batch.source or options.source,
        submitted_at=submission.submitted_at if submission else None,
        submitted_by=actor.name,
        rows=result.rows,
        created=result.count("created"),
        updated=result.count("updated"),
        unchanged=result.count("unchanged"),
        rejected=result.rejected_rows,
        rejections=[
            Rejection(row=p.row, line=batch.line_of(p.row), field=p.field, reason=p.reason) for p in result.problems
        ],
    )


@router.post(
    "/kpi-submissions",
    operation_id="kpi_submission_create",
    tags=[Tag.kpi_submissions],
    status_code=201,
    response_model=SubmissionSummary,
    openapi_extra=REQUEST_BODY,
    responses={
        **sends(201, "Location"),
        200: {"model": SubmissionSummary, "description": "A dry run's report (nothing written)."},
        **problem_responses(400, 413, 415),
    },
)
@one_bulk_job_at_a_time
@idempotent()
async def submit_kpi_values(
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Scope.kpi_submit))],
    options: Annotated[SubmitOptions, Query()],
) -> JSONResponse:
    """Submit up to 10,000 KPI values as JSON or CSV; the summary counts created, updated, unchanged and rejected rows.

    CSV comes as the body (text/csv) or as a file uploaded in a form (multipart/form-data, field `file`), saved from
    a spreadsheet as it is: UTF-8 or Windows-1252, `12.5%` and `1,234` in the figures, empty columns at the right.

    By default one rejected row rejects the batch (422, every problem listed); `mode=partial` lands the valid rows.
    Send an `Idempotency-Key` to make retries safe: the same key and body replay the first response.
    """
    batch = await read_batch(request.headers.get("content-type", ""), await request.body())
    result = await submissions.submit(
        session,
        batch.rows,
        actor=actor,
        format=batch.format,
        mode=options.mode,
        dry_run=options.dry_run,
        source=batch.source or options.source,
        reason=batch.reason,
        line_of=batch.line_of,
    )
    payload = summarise(result, batch, options, actor).model_dump(mode="json")
    status_code = 200 if options.dry_run else 201
    headers = {"Location": f"/api/v1/kpi-submissions/{payload['id']}"} if payload["id"] else None
    return JSONResponse(payload, status_code=status_code, headers=headers)


class SubmissionRecord(SubmissionSummary):
    model_config = ConfigDict(from_attributes=True)

    request_id: str | None
    reason: str | None


def _record(submission: KpiSubmission) -> SubmissionRecord:
    return SubmissionRecord(
        id=submission.id,
        dry_run=False,
        mode=submission.mode,
        format=submission.format,
        source=submission.source,
        submitted_at=submission.submitted_at,
        submitted_by=submission.submitted_by,
        rows=submission.row_count,
        created=submission.created,
        updated=submission.updated,
        unchanged=submission.unchanged,
        rejected=submission.rejected,
        request_id=submission.request_id,
        reason=submission.reason,
        rejections=[Rejection.model_validate({"line": None} | rejection) for rejection in submission.rejections],
    )


@router.get(
    "/kpi-submissions",
    operation_id="kpi_submissions_list",
    tags=[Tag.kpi_submissions],
    response_model=Page[SubmissionRecord],
)
async def list_kpi_submissions(
    session: SessionDep, query: Annotated[SubmissionQuery, Query()]
) -> Page[SubmissionRecord]:
    """Past submissions, newest first: who sent what, and what became of each row."""
    statement = select(KpiSubmission).order_by(KpiSubmission.id.desc())
    if query.updated_since is not None:
        statement = statement.where(KpiSubmission.submitted_at >= query.updated_since)
    rows, total = await fetch_page(session, statement, query)
    return Page[SubmissionRecord](items=[_record(row) for row in rows], page=query.page, limit=query.limit, total=total)


@router.get(
    "/kpi-submissions/{submission_id}",
    operation_id="kpi_submission_get",
    tags=[Tag.kpi_submissions],
    response_model=SubmissionRecord,
    responses=problem_responses(404),
)
async def get_kpi_submission(session: SessionDep, submission_id: IdPath) -> SubmissionRecord:
    """One past submission."""
    submission = await session.get(KpiSubmission, submission_id)
    if submission is None:
        raise NotFound("KPI submission", str(submission_id))
    return _record(submission)
