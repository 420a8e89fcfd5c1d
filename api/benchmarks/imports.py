"""Importing DfE's published statistics: an Explore Education Statistics file, read through a mapping, becomes one
KPI's values for England, its regions and every local authority (POST /benchmarks/imports, and the command line).

Every figure goes the way a KPI batch goes (api/kpis/submissions.py): the same checks, revisions, audit event, change
feed and submission record, with the format `ees` and the mapping's source ("DfE published"). What differs:

- Every place a used row names becomes a scope (api/benchmarks/geography.py) before its figures are written.
- Published figures are judged as published (api/kpis/validation.py): counts the mapping says are rounded are checked
  within that rounding, and a percentage that disagrees with its counts is kept, with a note, and reported.
- The council's own figure (the borough's) is not replaced where its latest revision came from elsewhere (submitted
  locally) unless the import says `overwrite_local`; it is counted as kept.
- Nothing changed is nothing written: a re-import records no submission and no event.
- One transaction: a refused import writes nothing, places included; a dry run does everything in a savepoint and
  rolls it back. Writers of the KPI are serialised (its row is locked first), so two identical imports at once end
  as one; places another import creates at the same moment are found, not made twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import csv_input, problems
from api.audit import service as audit
from api.auth.principal import Actor
from api.benchmarks import geography, mapping, tidy
from api.benchmarks.mapping import Mapping
from api.benchmarks.schemas import ImportProblem, ImportResult
from api.db import lock_rows
from api.errors import AppError, Forbidden, InvalidInput, ProblemError, UnsupportedMediaType
from api.kpis import submissions
from api.kpis.models import Kpi, ScopeKind, SubmissionFormat
from api.kpis.validation import Published, ValidRow

MAX_FILE_ROWS = 200_000
MAPPING_FIELD = "mapping"


class ImportRejected(AppError):
    problem = problems.IMPORT_REJECTED

    def __init__(self, problems: Sequence[tidy.FileProblem]) -> None:
        rows = len({problem.line for problem in problems})
        super().__init__(
            f"{rows} row{'' if rows == 1 else 's'} of the file cannot be imported, so nothing was written "
            "(dry_run=true reports every problem without writing).",
            errors=[
                ProblemError(loc=["file", problem.line or 0, problem.column], msg=_located(problem))
                for problem in problems
            ],
        )


def _located(problem: tidy.FileProblem) -> str:
    return problem.reason if problem.line is None else f"line {problem.line}: {problem.reason}"


@dataclass(frozen=True)
class Received:
    """What an import request carries: the file, and the mapping (shipped, by name; or inline, name None)."""

    table: csv_input.Table
    mapping: Mapping
    name: str | None


async def received(content_type: str, body: bytes, mapping_name: str | None) -> Received:
    """The file (text/csv, or the `file` of a form) and its mapping (?mapping=NAME, or the form's `mapping`, JSON)."""
    media_type = csv_input.media_type(content_type)
    if media_type == csv_input.MULTIPART:
        upload = await csv_input.uploaded(content_type, body, fields=(MAPPING_FIELD,))
        charset, body, sent = upload.charset, upload.content, upload.fields.get(MAPPING_FIELD)
    elif media_type in csv_input.CSV_MEDIA_TYPES:
        charset, sent = csv_input.charset_of(content_type), None
    else:
        raise UnsupportedMediaType(
            f"Send the file as text/csv, or in a multipart/form-data form (field 'file'), not '{media_type or 'none'}'."
        )
    if (sent is None) == (mapping_name is None):
        raise InvalidInput(
            "Name one mapping: ?mapping=NAME for a shipped one (GET /api/v1/benchmarks/mappings), or an inline one as "
            "JSON in the form's 'mapping' field" + (", not both." if sent is not None else "."),
            errors=[ProblemError(loc=["query", "mapping"], msg="give a shipped mapping's name or an inline mapping")],
        )
    found = mapping.named(mapping_name) if mapping_name is not None else mapping.inline(sent or b"")
    table = csv_input.read_csv(csv_input.decode(body, charset), max_records=MAX_FILE_ROWS)
    return Received(table, found, mapping_name)


async def import_file(
    session: AsyncSession, file: Received, *, actor: Actor, dry_run: bool = False, overwrite_local: bool = False
) -> ImportResult:
    """Import one file's figures through its mapping (see the module's notes); a dry run writes nothing."""
    wanted = file.mapping
    if not actor.principal.may_submit(wanted.kpi):
        raise Forbidden(
            f"This key ({actor.principal.name}) may not submit KPI '{wanted.kpi}', which the mapping imports.",
            errors=[ProblemError(loc=["mapping", "kpi"], msg=f"this key may not submit KPI '{wanted.kpi}'")],
        )
    kpi = await session.scalar(select(Kpi).where(Kpi.code == wanted.kpi, Kpi.archived_at.is_(None)))
    if kpi is None:
        raise InvalidInput(
            f"The mapping's KPI '{wanted.kpi}' is not a KPI of this service (or is archived).",
            errors=[ProblemError(loc=["mapping", "kpi"], msg=f"unknown KPI '{wanted.kpi}'")],
        )
    reading = tidy.read(file.table, wanted)
    if not reading.figures and not reading.problems:
        raise InvalidInput(f"No row of the file is one the mapping imports: {tidy.unmatched(file.table, wanted)}.")
    if reading.problems and not dry_run:
        raise ImportRejected(reading.problems)
    if dry_run:
        async with audit.undone(session):
            return await _imported(session, file, kpi, reading, actor=actor, dry_run=True, overwrite=overwrite_local)
    await lock_rows(session, "kpi", [kpi.id])  # before the places: a twin import waits here, then finds it all done
    events = audit.recorded(session)
    result = await _imported(session, file, kpi, reading, actor=actor, dry_run=False, overwrite=overwrite_local)
    return result.model_copy(update={"written": audit.recorded(session) > events})


async def _imported(
    session: AsyncSession,
    file: Received,
    kpi: Kpi,
    reading: tidy.Reading,
    *,
    actor: Actor,
    dry_run: bool,
    overwrite: bool,
) -> ImportResult:
    wanted = file.mapping
    figures = sorted(reading.figures, key=lambda figure: figure.period, reverse=True)  # a place keeps its newest code
    scopes, created = await geography.ensure_places(session, [figure.place for figure in figures], actor)
    rows = [(number, _row(kpi, scopes[f.place.gss_code].key, f)) for number, f in enumerate(figures, 1)]

    def keeps(row: ValidRow, source: str | None) -> bool:
        return not overwrite and row.scope.kind is ScopeKind.borough and source != wanted.source

    try:
        result = await submissions.submit(
            session,
            rows,
            actor=actor,
            format=SubmissionFormat.ees,
            dry_run=dry_run,
            source=wanted.source,
            reason=f"imported through {f'mapping {file.name}' if file.name else 'an inline mapping'}",
            known=[kpi],
            line_of=lambda number: figures[number - 1].line,
            published=Published(wanted.counts_rounded_to or 0, frozenset(wanted.counts_rounded_at)),
            keeps=keeps,
            record_unchanged=False,
        )
    except submissions.SubmissionRejected as rejected:
        raise ImportRejected(_file_problems(rejected.result, figures)) from rejected
    return ImportResult(
        mapping=file.name,
        kpi=kpi.code,
        dry_run=dry_run,
        source=wanted.source,
        rows_read=reading.rows_read,
        rows_used=reading.rows_used,
        values_created=result.count("created"),
        values_updated=result.count("updated"),
        values_unchanged=result.count("unchanged"),
        values_kept_local=len(result.kept),
        places_created=created,
        periods=sorted({figure.period for figure in figures}),
        problems=_problems(reading, result, figures),
        submission_id=result.submission.id if result.submission else None,
        written=False,
    )


def _row(kpi: Kpi, scope: str, figure: tidy.MappedFigure) -> dict[str, Any]:
    figures = {
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "status_symbol": figure.status_symbol,
    }
    return {"kpi": kpi.code, "period": figure.period, "scope": scope} | {
        k: v for k, v in figures.items() if v is not None
    }


def _problems(
    reading: tidy.Reading, result: submissions.Result, figures: list[tidy.MappedFigure]
) -> list[ImportProblem]:
    """Every problem by its line: rows that cannot be imported (only a dry run gets this far with them), then
    figures kept as published though they disagree with their counts."""
    refused = [*reading.problems, *_file_problems(result, figures)]
    problems = [ImportProblem(line=p.line, field=p.column, reason=p.reason, written=False) for p in refused]
    problems += [
        ImportProblem(line=figures[row.row - 1].line, field="value", reason=row.flag, written=True)
        for row, _outcome, _revision in result.outcomes
        if row.flag
    ]
    return sorted(problems, key=lambda problem: problem.line or 0)


def _file_problems(result: submissions.Result, figures: list[tidy.MappedFigure]) -> list[tidy.FileProblem]:
    """A figure's problems, as the file's: at the line of the row it was made from."""
    return [tidy.FileProblem(figures[p.row - 1].line, p.field, p.reason) for p in result.problems]
