"""Writing KPI values: one at a time (PUT) or in batches of up to 10,000 rows (JSON or CSV), safe to retry.

A different figure for a KPI, scope and period adds the next revision; the same figure again changes nothing.
Writers of the same KPI are serialised (row lock on Postgres, the write lock on SQLite), so concurrent
submitters get revisions 1..N with no gaps or duplicates.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.audit import service as audit
from api.auth.principal import Actor
from api.cooperative import in_turns
from api.db import bulk_insert, lock_rows, utcnow
from api.errors import AppError, Forbidden, InvalidInput, ProblemError
from api.kpis import scopes
from api.kpis.models import Kpi, KpiSubmission, KpiValue, Scope, ScopeKind, SubmissionFormat, SubmissionMode
from api.kpis.validation import FIGURES, Context, Problem, Published, RowIn, ValidRow, check_row, parse_row

MAX_ROWS = 10_000
Outcome = Literal["created", "updated", "unchanged"]
LineOf = Callable[[int], int | None]  # a row's line in the file it came from (CSV), or None
# Whether a row leaves the stored figure as it is, given the source of that figure's latest revision (an import keeps
# a figure the council submitted itself, api/benchmarks/imports.py).
Keeps = Callable[[ValidRow, str | None], bool]


def _no_lines(row: int) -> int | None:
    return None


def _located(line: int | None, message: str) -> str:
    """A row's problem, sending a CSV file's reader to the line the row starts on."""
    return message if line is None else f"line {line}: {message}"


@dataclass
class Result:
    """What a submission did (or, for a dry run, would do) with each row."""

    rows: int
    outcomes: list[tuple[ValidRow, Outcome, int]] = field(default_factory=list)  # row, outcome, revision
    previous: dict[tuple[int, int, str], tuple[Any, ...]] = field(default_factory=dict)  # figures replaced
    problems: list[Problem] = field(default_factory=list)
    kept: list[ValidRow] = field(default_factory=list)  # rows that differ but left the stored figure as it was
    submission: KpiSubmission | None = None
    written: list[dict[str, Any]] = field(default_factory=list)  # the kpi_value rows inserted, as inserted

    def count(self, outcome: Outcome) -> int:
        return sum(1 for _row, found, _revision in self.outcomes if found == outcome)

    @property
    def rejected_rows(self) -> int:
        return len({problem.row for problem in self.problems})


class SubmissionRejected(AppError):
    problem = problems.SUBMISSION_REJECTED

    def __init__(self, result: Result, errors: list[ProblemError]) -> None:
        super().__init__(
            f"{result.rejected_rows} of {result.rows} rows were rejected, so nothing was written "
            "(send mode=partial to land the valid rows).",
            errors=errors,
        )
        self.result = result

    def for_single(self) -> InvalidInput:
        """A single PUT's refusal: its problems located in its path, query and body rather than in batch rows."""
        where: dict[str, list[str | int]] = {
            "kpi": ["path", "code"],
            "period": ["path", "period"],
            "scope": ["query", "scope"],
        }
        return InvalidInput(
            "The figure was not accepted: " + "; ".join(p.reason for p in self.result.problems) + ".",
            errors=[
                ProblemError(loc=where.get(p.field, ["body", p.field]), msg=p.reason) for p in self.result.problems
            ],
        )


async def _context(
    session: AsyncSession, rows: Sequence[RowIn], known: Sequence[Kpi], published: Published | None
) -> Context:
    """The KPIs and scopes the rows name (and the borough, the scope of rows that name none)."""
    kpis = {kpi.code: kpi for kpi in known}
    if codes := {row.kpi for row in rows} - set(kpis):
        kpis |= {kpi.code: kpi for kpi in await session.scalars(select(Kpi).where(Kpi.code.in_(codes)))}
    names = {row.scope for row in rows if row.scope}
    wanted = or_(scopes.named(names), Scope.kind == ScopeKind.borough)
    found = (await session.scalars(select(Scope).where(wanted))).all()
    borough = min((scope for scope in found if scope.kind is ScopeKind.borough), key=lambda s: s.id, default=None)
    meant = {name: scope for name in names if (scope := scopes.pick(name, found)) is not None}
    return Context(kpis=kpis, scopes=meant, default_scope=borough, today=date.today(), published=published)


def _forbidden(actor: Actor, parsed: list[tuple[int, RowIn]], line_of: LineOf) -> None:
    """Object-level grants: one row for a KPI this key may not submit rejects the whole batch."""
    refused = [(number, row.kpi) for number, row in parsed if not actor.principal.may_submit(row.kpi)]
    if refused:
        raise Forbidden(
            f"This key ({actor.principal.name}) may not submit {len(refused)} of these rows; nothing was written.",
            errors=[
                ProblemError(loc=["rows", n, "kpi"], msg=_located(line_of(n), f"this key may not submit KPI '{code}'"))
                for n, code in refused
            ],
        )


async def _latest(
    session: AsyncSession, rows: list[ValidRow]
) -> dict[tuple[int, int, str], tuple[int, tuple[Any, ...], str | None]]:
    """The newest revision (its figures and source) of every kpi/scope/period the rows touch, in one query."""
    if not rows:
        return {}
    rank = func.row_number().over(
        partition_by=(KpiValue.kpi_id, KpiValue.scope_id, KpiValue.period), order_by=KpiValue.revision.desc()
    )
    ranked = (
        select(
            KpiValue.kpi_id,
            KpiValue.scope_id,
            KpiValue.period,
            KpiValue.revision,
            KpiValue.value,
            KpiValue.numerator,
            KpiValue.denominator,
            KpiValue.status_symbol,
            KpiValue.provisional,
            KpiValue.source,
            rank.label("rank"),
        )
        .where(
            KpiValue.kpi_id.in_({row.kpi.id for row in rows}), KpiValue.period.in_({row.period.code for row in rows})
        )
        .subquery()
    )
    latest = (await session.execute(select(ranked).where(ranked.c.rank == 1))).all()
    return {
        (r.kpi_id, r.scope_id, r.period): (
            r.revision,
            (r.value, r.numerator, r.denominator, r.status_symbol, r.provisional),
            r.source,
        )
        async for r in in_turns(latest)
    }


async def _check(parsed_rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[tuple[int, RowIn]], list[Problem]]:
    parsed: list[tuple[int, RowIn]] = []
    problems: list[Problem] = []
    async for number, raw in in_turns(parsed_rows):
        row = parse_row(number, raw)
        if isinstance(row, list):
            problems.extend(row)
        else:
            parsed.append((number, row))
    return parsed, problems


async def submit(
    session: AsyncSession,
    raw_rows: list[tuple[int, dict[str, Any]]],
    *,
    actor: Actor,
    format: SubmissionFormat,
    mode: SubmissionMode = SubmissionMode.all_or_nothing,
    dry_run: bool = False,
    source: str | None = None,
    reason: str | None = None,
    expect: Callable[[int | None], None] | None = None,
    known: Sequence[Kpi] = (),
    line_of: LineOf = _no_lines,
    published: Published | None = None,
    keeps: Keeps | None = None,
    record_unchanged: bool = True,
) -> Result:
    """Check, then (unless a dry run) write the rows. ``expect`` is given each row's current revision (None for no
    figure yet) once the KPIs are locked, so a conditional PUT is judged on what is stored when it writes.
    ``known``: KPIs the caller has already read (not read again). ``line_of``: where each row is in its file.
    ``published``: the rows are a publisher's figures (an import), judged as validation.py says. ``keeps``: which
    changed rows leave the stored figure as it is. ``record_unchanged``: record a submission that changes nothing."""
    result = Result(rows=len(raw_rows))
    parsed, result.problems = await _check(raw_rows)
    _forbidden(actor, parsed, line_of)
    context = await _context(session, [row for _n, row in parsed], known, published)
    valid = await _validate(parsed, context, result)
    if not dry_run:
        await lock_rows(session, "kpi", [row.kpi.id for row in valid])
    latest = await _latest(session, valid)
    result.previous = {identity: figures for identity, (_revision, figures, _source) in latest.items()}
    async for checked in in_turns(valid):
        revision, figures, stored_by = latest.get(checked.identity, (0, (), None))
        if figures == checked.figures():
            result.outcomes.append((checked, "unchanged", revision))
        elif revision and keeps is not None and keeps(checked, stored_by):
            result.kept.append(checked)
        else:
            result.outcomes.append((checked, "created" if revision == 0 else "updated", revision + 1))
    if result.problems and mode is SubmissionMode.all_or_nothing and not dry_run:
        result.outcomes.clear()
        raise SubmissionRejected(result, [_problem_error(p, line_of) for p in result.problems])
    if expect is not None:
        for checked in valid:
            expect(latest[checked.identity][0] if checked.identity in latest else None)
    changes = any(outcome != "unchanged" for _row, outcome, _revision in result.outcomes)
    if not dry_run and (changes or record_unchanged):
        await _write(
            session, result, actor=actor, format=format, mode=mode, source=source, reason=reason, line_of=line_of
        )
    return result


async def _validate(parsed: list[tuple[int, RowIn]], context: Context, result: Result) -> list[ValidRow]:
    """Rows that pass every rule; the rest (and later duplicates of a kpi/scope/period) go to result.problems."""
    valid: list[ValidRow] = []
    seen: dict[tuple[int, int, str], int] = {}
    async for number, row in in_turns(parsed):
        checked = check_row(number, row, context)
        if isinstance(checked, list):
            result.problems.extend(checked)
        elif (first := seen.setdefault(checked.identity, number)) != number:
            result.problems.append(Problem(number, "period", f"duplicates row {first} (same KPI, scope and period)"))
        else:
            valid.append(checked)
    return valid


def _problem_error(problem: Problem, line_of: LineOf) -> ProblemError:
    return ProblemError(loc=["rows", problem.row, problem.field], msg=_located(line_of(problem.row), problem.reason))


async def _write(
    session: AsyncSession,
    result: Result,
    *,
    actor: Actor,
    format: SubmissionFormat,
    mode: SubmissionMode,
    source: str | None,
    reason: str | None,
    line_of: LineOf,
) -> None:
    now = utcnow()
    submission = KpiSubmission(
        submitted_at=now,
        submitted_by=actor.name,
        api_key_id=actor.principal.api_key_pk,
        request_id=actor.request_id,
        format=format,
        mode=mode,
        source=source,
        reason=reason,
        row_count=result.rows,
        created=result.count("created"),
        updated=result.count("updated"),
        unchanged=result.count("unchanged") + len(result.kept),  # a kept row left its figure as it was
        rejected=result.rejected_rows,
        rejections=[
            {"row": p.row, "line": line_of(p.row), "field": p.field, "reason": p.reason} for p in result.problems
        ],
    )
    session.add(submission)
    await session.flush()
    values = [
        {
            "kpi_id": row.kpi.id,
            "scope_id": row.scope.id,
            "period": row.period.code,
            "period_type": row.period.type,
            "period_start_date": row.period.start,
            "period_end_date": row.period.end,
            "revision": revision,
            "value": row.value,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "status_symbol": row.status_symbol,
            "provisional": row.provisional,
            "source": source,
            "note": row.note,
            "reason": reason if outcome == "updated" else None,
            "submitted_at": now,
            "submitted_by": actor.name,
            "submitted_by_key_id": actor.principal.api_key_pk,
            "submission_id": submission.id,
        }
        async for row, outcome, revision in in_turns(result.outcomes)
        if outcome != "unchanged"
    ]
    await bulk_insert(session, KpiValue.__table__, values)  # type: ignore[arg-type]
    result.submission, result.written = submission, values
    if format is SubmissionFormat.single:
        await _audit_value(session, result, actor)
        return
    counts = {
        "rows": result.rows,
        "created": submission.created,
        "updated": submission.updated,
        "unchanged": submission.unchanged,
        "rejected": submission.rejected,
        **({"kept": len(result.kept)} if result.kept else {}),
        "format": format,
        "mode": mode,
    }
    await audit.record(session, actor, resource="kpi_submission", key=str(submission.id), action="submit", after=counts)


async def _audit_value(session: AsyncSession, result: Result, actor: Actor) -> None:
    """A single value's write is audited as a change to that value, with the figures before and after."""
    for row, outcome, revision in result.outcomes:
        if outcome != "unchanged":
            audit.add(session, value_event(row, outcome, revision, result.previous.get(row.identity), actor))


def value_event(
    row: ValidRow, outcome: Outcome, revision: int, previous: tuple[Any, ...] | None, actor: Actor
) -> dict[str, Any]:
    """The audit event of one figure written: the figures before (None for the first) and after."""
    return audit.event_row(
        actor,
        resource="kpi_value",
        key=f"{row.kpi.code}/{row.scope.key}/{row.period.code}",
        action="create" if outcome == "created" else "update",
        before=dict(zip(FIGURES, previous, strict=True)) if previous else None,
        after=dict(zip(FIGURES, row.figures(), strict=True)) | {"revision": revision},
    )
