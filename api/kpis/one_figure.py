"""One figure written in one statement on PostgreSQL: the hot write, `PUT /kpis/{code}/values/{period}`.

The general path (api/kpis/submissions.py, used by batches, by SQLite and by a PUT that carries an Idempotency-Key)
locks the KPI, reads the latest revision, writes the submission and the value through the ORM and numbers the audit
event at commit: nine statements and about 7 ms of Python for one figure. Here the same outcome takes two prepared
statements run on asyncpg's own connection (api/driver.py), each its own transaction: one reads the KPI, its scope
and the figure's latest revision; the other locks the KPI and writes the submission, the value and its numbered audit
event. The checks are the general path's own (`parse_row`, `check_row`, the request's preconditions), and every
guarantee holds:

- revisions stay gap-free and unique: the value is written as the revision read + 1, and the unique
  (kpi, scope, period, revision) index refuses it if another writer got there first; nothing is then written, and the
  figure is read, judged (it may now be unchanged, or a precondition may now fail) and written again, up to ATTEMPTS
  times, then left to the general way, which locks the KPI and writes it in its turn;
- writers of a KPI are still serialised with batches: the write takes the KPI's row lock first, as the general path
  does, so a batch that holds it is never refused because a single figure slipped in under it;
- the change feed stays gap-free and in commit order: the counter row is updated inside the statement after the
  value is written (its insert reads the value's RETURNING, so it cannot run first) and its lock is held only to the
  end of that statement and its commit, with no round trip to the client in between;
- nothing is written when any part fails: the statement is one transaction.
"""

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from asyncpg import PostgresError, UniqueViolationError
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.auth.principal import Actor
from api.db import get_engine, utcnow
from api.driver import DriverStatement, driver_of
from api.errors import NotFound
from api.kpis.models import Kpi, Scope, ScopeKind, StatusSymbol, SubmissionFormat, SubmissionMode, Tier, Unit
from api.kpis.schemas import KpiValueIn, KpiValueWritten
from api.kpis.submissions import Outcome, Result, SubmissionRejected, value_event
from api.kpis.validation import Context, ValidRow, check_row, parse_row
from api.periods import InvalidPeriod, PeriodType, parse_period
from api.versioning import Preconditions

# Reads and writes of a figure before leaving it to the general path's lock: a second writer of the same figure at
# the same moment costs a read and a write again, not the general path; a crowd of them waits its turn there.
ATTEMPTS = 3
VALUE_COLUMNS = (
    "period",
    "period_type",
    "period_start_date",
    "period_end_date",
    "revision",
    "value",
    "numerator",
    "denominator",
    "status_symbol",
    "provisional",
    "source",
    "note",
    "reason",
    "submitted_at",
    "submitted_by",
)


# The KPI, its scope (the borough where none is named; else by key, GSS code, LA number or name, as
# api/kpis/scopes.py reads a scope) and the latest revision of the figure, in one statement. A bare period such as
# 2016/17 means the KPI's kind of year, so both readings are sent and the KPI's type picks one, as the checks
# (validation._period) read it.
_READ = DriverStatement(
    text(
        f"""
        SELECT kpi.id, kpi.code, kpi.archived_at, kpi.period_type, kpi.tier, kpi.unit, kpi.decimal_places,
               scope.id AS scope_id, scope.key AS scope_key, scope.kind AS scope_kind,
               {", ".join(f"latest.{name}" for name in VALUE_COLUMNS)}
        FROM kpi
        LEFT JOIN LATERAL (
            SELECT id, key, kind FROM scope
            WHERE (:scope IS NULL AND kind = '{ScopeKind.borough.value}')
                OR key = :scope OR gss_code = upper(btrim(:scope)) OR old_la_code = btrim(:scope)
                OR (lower(name) = lower(btrim(:scope))
                    AND (SELECT count(*) FROM scope AS same WHERE lower(same.name) = lower(btrim(:scope))) = 1)
            ORDER BY CASE WHEN :scope IS NULL OR key = :scope THEN 0 WHEN gss_code = upper(btrim(:scope)) THEN 1
                WHEN old_la_code = btrim(:scope) THEN 2 ELSE 3 END, id
            LIMIT 1
        ) AS scope ON true
        LEFT JOIN LATERAL (
            SELECT {", ".join(VALUE_COLUMNS)} FROM kpi_value
            WHERE kpi_id = kpi.id AND scope_id = scope.id AND period = CASE
                WHEN kpi.period_type = '{PeriodType.academic_year.value}' THEN :academic ELSE :financial END
            ORDER BY revision DESC LIMIT 1
        ) AS latest ON true
        WHERE kpi.code = :code
        """  # noqa: S608 (constants)
    ).bindparams(*(bindparam(name, type_=String) for name in ("code", "scope", "academic", "financial")))
)

_FIGURE = Numeric(18, 6)
_WRITE = DriverStatement(
    text(
        """
        WITH locked AS (SELECT id FROM kpi WHERE id = :kpi_id FOR UPDATE),
        submission AS (
            INSERT INTO kpi_submission (submitted_at, submitted_by, api_key_id, request_id, format, mode, source,
                reason, row_count, created, updated, unchanged, rejected, rejections)
            SELECT :submitted_at, :submitted_by, :key_pk, :request, :format, :mode, :source,
                :reason, 1, :created, 1 - :created, 0, 0, CAST('[]' AS JSON)
            FROM locked
            RETURNING id
        ),
        value AS (
            INSERT INTO kpi_value (kpi_id, scope_id, period, period_type, period_start_date, period_end_date,
                revision, value, numerator, denominator, status_symbol, provisional, source, note, reason,
                submitted_at, submitted_by, submitted_by_key_id, submission_id)
            SELECT :kpi_id, :scope_id, :period, :period_type, :period_start_date, :period_end_date, :revision, :value,
                :numerator, :denominator, :status_symbol, :provisional, :source, :note, :value_reason, :submitted_at,
                :submitted_by, :key_pk, submission.id
            FROM submission
            RETURNING id
        ),
        """
        + audit.numbered_events_sql(after="value")
    ).bindparams(
        bindparam("count", type_=Integer),
        bindparam("kpi_id", type_=Integer),
        bindparam("scope_id", type_=Integer),
        bindparam("revision", type_=Integer),
        bindparam("created", type_=Integer),
        bindparam("key_pk", type_=Integer),
        bindparam("submitted_at", type_=DateTime(timezone=True)),
        bindparam("period_start_date", type_=Date),
        bindparam("period_end_date", type_=Date),
        bindparam("provisional", type_=Boolean),
        *(bindparam(name, type_=_FIGURE) for name in ("value", "numerator", "denominator")),
        *(
            bindparam(name, type_=String)
            for name in ("submitted_by", "request", "format", "mode", "period", "period_type")
        ),
        *(bindparam(name, type_=String) for name in ("source", "status_symbol")),
        *(bindparam(name, type_=Text) for name in ("reason", "value_reason", "note")),
        *audit.EVENT_BINDS,
    )
)


def serves() -> bool:
    """The one-statement write is PostgreSQL's."""
    return get_engine().dialect.name == "postgresql"


def applies(session: AsyncSession) -> bool:
    """The one-statement write serves a request that has no transaction of its own yet (an Idempotency-Key claims
    one, and the figure is then written in it, through the general path)."""
    return serves() and not session.in_transaction()


def row_of(code: str, period: str, scope: str | None, data: KpiValueIn) -> dict[str, Any]:
    """The PUT's figure as a batch row, for the checks both ways share."""
    return {"kpi": code, "period": period, "scope": scope, **data.figures()}


def answer(
    checked: ValidRow, outcome: Outcome, revision: int, stored: dict[str, Any]
) -> tuple[int, int, KpiValueWritten]:
    """The PUT's answer: its status, the revision that stands (the ETag) and the body."""
    body = KpiValueWritten.model_validate(stored | {"scope": {"key": checked.scope.key}, "outcome": outcome})
    return (201 if outcome == "created" else 200), revision, body


async def write(
    actor: Actor, code: str, period: str, scope: str | None, data: KpiValueIn, conditions: Preconditions
) -> tuple[int, int, KpiValueWritten] | None:
    """A figure's PUT on this path (the route's and the lane's, api/kpis/figure_lane.py): its answer, or None if
    another writer took the revision first (then write it through the general path)."""
    expect = conditions.check if conditions.given else None
    try:
        done = await put(
            actor, row_of(code, period, scope, data), source=data.source, reason=data.reason, expect=expect
        )
    except SubmissionRejected as rejected:
        raise rejected.for_single() from rejected
    return answer(*done) if done is not None else None


async def put(
    actor: Actor,
    row: dict[str, Any],
    *,
    source: str | None,
    reason: str | None,
    expect: Callable[[int | None], None] | None,
) -> tuple[ValidRow, Outcome, int, dict[str, Any]] | None:
    """Check and write one figure; returns the row as checked, the outcome, the revision that stands and that
    revision's columns, or None if other writers took the next revision first ATTEMPTS times (the caller then writes
    through the general path, which waits its turn on the KPI's lock: a figure many are writing at once is written
    in turn rather than retried without end)."""
    try:  # driver_of() sees a failure first: a broken connection or a busy server is a 503 (ConnectionError)
        async with get_engine().connect() as connection, driver_of(connection) as driver:
            for _attempt in range(ATTEMPTS):
                checked, latest = await _read(driver, row)
                if expect is not None:
                    expect(latest["revision"] if latest else None)
                previous = _figures(latest) if latest is not None else None
                if latest is not None and previous == checked.figures():
                    return checked, "unchanged", latest["revision"], latest
                outcome: Outcome = "updated" if latest else "created"
                written = _value(checked, actor, latest["revision"] + 1 if latest else 1, source, reason, outcome)
                event = value_event(checked, outcome, written["revision"], previous, actor)
                try:
                    await _WRITE.run(driver, **_parameters(checked, written, event, actor, reason, outcome))
                except UniqueViolationError:
                    continue  # that revision was taken meanwhile, and nothing was written: read and judge again
                return checked, outcome, written["revision"], written
            return None
    except PostgresError:
        return None  # a bound no check knew of: the general path meets it and words it as every route does


def _readings(text: str) -> dict[str, str | None]:
    """A period's code read as an academic and as a financial year (None where it is no period: the checks say why)."""
    found: dict[str, str | None] = {}
    for name, year_type in (("academic", PeriodType.academic_year), ("financial", PeriodType.financial_year)):
        try:
            found[name] = parse_period(text, year_type=year_type).code
        except InvalidPeriod:
            found[name] = None
    return found


async def _read(driver: Any, row: dict[str, Any]) -> tuple[ValidRow, dict[str, Any] | None]:
    """The figure as the general path would judge it, with the KPI and scope it names, and the latest revision."""
    parsed = parse_row(1, row)
    found = await _READ.run(driver, code=row["kpi"], scope=row["scope"], **_readings(row["period"]))
    if not found:
        raise NotFound("KPI", row["kpi"])
    if isinstance(parsed, list):
        raise SubmissionRejected(Result(rows=1, problems=parsed), [])
    (kpi_id, code, archived_at, period_type, tier, unit, places, scope_id, scope_key, scope_kind) = found[0][:10]
    kpi = Kpi(
        id=kpi_id,
        code=code,
        archived_at=archived_at,
        period_type=PeriodType(period_type),
        tier=Tier(tier),
        unit=Unit(unit),
        decimal_places=places,
    )
    scope = Scope(id=scope_id, key=scope_key, kind=ScopeKind(scope_kind)) if scope_id is not None else None
    named = {parsed.scope: scope} if scope is not None and parsed.scope else {}
    context = Context(kpis={code: kpi}, scopes=named, default_scope=None if parsed.scope else scope, today=date.today())
    checked = check_row(1, parsed, context)
    if isinstance(checked, list):
        raise SubmissionRejected(Result(rows=1, problems=checked), [])
    latest = dict(zip(VALUE_COLUMNS, found[0][10:], strict=True)) if found[0][10] is not None else None
    if latest is not None and latest["period"] != checked.period.code:  # read as the checks read it, always
        raise AssertionError(f"read {latest['period']} for {checked.period.code}")
    return checked, latest


def _figures(latest: dict[str, Any]) -> tuple[Any, ...]:
    symbol = latest["status_symbol"]
    return (
        latest["value"],
        latest["numerator"],
        latest["denominator"],
        StatusSymbol(symbol) if symbol is not None else None,
        latest["provisional"],
    )


def _value(
    checked: ValidRow, actor: Actor, revision: int, source: str | None, reason: str | None, outcome: Outcome
) -> dict[str, Any]:
    """The value's columns, as they are written and answered."""
    return {
        "period": checked.period.code,
        "period_type": checked.period.type,
        "period_start_date": checked.period.start,
        "period_end_date": checked.period.end,
        "revision": revision,
        "value": checked.value,
        "numerator": checked.numerator,
        "denominator": checked.denominator,
        "status_symbol": checked.status_symbol,
        "provisional": checked.provisional,
        "source": source,
        "note": checked.note,
        "reason": reason if outcome == "updated" else None,
        "submitted_at": utcnow(),
        "submitted_by": actor.name,
    }


def _parameters(
    checked: ValidRow,
    written: dict[str, Any],
    event: dict[str, Any],
    actor: Actor,
    reason: str | None,
    outcome: Outcome,
) -> dict[str, Any]:
    events = audit.event_columns([event])
    for name in ("before", "after"):  # the driver takes JSON as text
        events[name] = [None if document is None else json.dumps(document) for document in events[name]]
    return {
        **written,
        "status_symbol": written["status_symbol"].value if written["status_symbol"] else None,
        "period_type": written["period_type"].value,
        "value_reason": written["reason"],
        "reason": reason,
        "kpi_id": checked.kpi.id,
        "scope_id": checked.scope.id,
        "key_pk": actor.principal.api_key_pk,
        "request": actor.request_id,
        "format": SubmissionFormat.single.value,
        "mode": SubmissionMode.all_or_nothing.value,
        "created": 1 if outcome == "created" else 0,
        "count": 1,
        **events,
    }
