"""`strategy kpi submit`: a figures file sent in chunks, every rejection reported by the line of the file.

All or nothing (the default): with more than one chunk, every chunk is first checked with a dry run, and nothing is
written unless every row passes; then the chunks are submitted. ``partial``: each chunk lands its valid rows. Every
chunk's POST carries its own Idempotency-Key (the SDK's), so a retried chunk is replayed, never written twice.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from strategy_client import ApiError, Client, StrategyError
from strategy_client.cli.figures_file import FiguresFile, Row, to_csv
from strategy_client.cli.progress import Tracker

Mode = Literal["all_or_nothing", "partial"]
LOCATED = re.compile(r"^line \d+: ")  # the service's "line N: " of the chunk it was sent, not of the file
ROW = re.compile(r"\brow (\d+)\b")  # "duplicates row 3": a row of the chunk
OUT_OF_COLUMNS = "a value stands to the right of the last named column"


@dataclass(frozen=True)
class Rejection:
    line: int
    kpi: str
    period: str
    field: str
    reason: str


@dataclass
class Outcome:
    rows: int
    dry_run: bool
    mode: Mode
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    submissions: list[int] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({rejection.line for rejection in self.rejections})

    @property
    def written(self) -> bool:
        return bool(self.submissions)


class ChunkFailed(Exception):
    """A chunk failed after others were written: what was written, and the failure."""

    def __init__(self, outcome: Outcome, error: StrategyError) -> None:
        super().__init__(str(error))
        self.outcome, self.error = outcome, error


class Upload:
    def __init__(
        self, client: Client, figures: FiguresFile, *, chunk_size: int, mode: Mode, dry_run: bool, source: str | None
    ) -> None:
        self.client, self.figures, self.source = client, figures, source
        self.chunk_size, self.mode, self.dry_run = chunk_size, mode, dry_run
        self.outcome = Outcome(rows=len(figures.rows), dry_run=dry_run, mode=mode)

    def run(self, tracker: Tracker) -> Outcome:
        chunks = self._chunks()
        if self.dry_run:
            self._each(chunks, tracker, "checking", dry_run=True)
        elif self.mode == "partial" or (len(chunks) == 1 and not self.outcome.rejections):
            self._each(chunks, tracker, "submitting", dry_run=False)  # the service itself is all or nothing
        else:
            self._each(chunks, tracker, "checking", dry_run=True, count=False)
            if not self.outcome.rejections:
                self._each(chunks, tracker, "submitting", dry_run=False)
        self.outcome.rejections.sort(key=lambda rejection: rejection.line)
        return self.outcome

    def _chunks(self) -> list[list[Row]]:
        """The rows to send in chunks; rows refused here (a value beyond the columns, a duplicate of a row in another
        chunk, which the service cannot see) are rejected and left out."""
        rows = [row for row in self.figures.rows if not (row.beyond and self._reject(row, "row", OUT_OF_COLUMNS))]
        chunks = [rows[start : start + self.chunk_size] for start in range(0, len(rows), self.chunk_size)]
        first: dict[tuple[str, str, str], tuple[int, int]] = {}
        kept: list[list[Row]] = []
        for number, chunk in enumerate(chunks):
            kept.append([])
            for row in chunk:
                identity = (row.cells["kpi"].lower(), row.cells.get("scope", "").lower(), row.cells["period"].upper())
                where, line = first.setdefault(identity, (number, row.line))
                if where != number:
                    self._reject(row, "period", f"duplicates line {line} (same KPI, scope and period)")
                else:
                    kept[-1].append(row)
        return [chunk for chunk in kept if chunk]

    def _reject(self, row: Row, column: str, reason: str) -> bool:
        self.outcome.rejections.append(Rejection(row.line, row.cells["kpi"], row.cells["period"], column, reason))
        return True

    def _each(
        self, chunks: Sequence[list[Row]], tracker: Tracker, name: str, *, dry_run: bool, count: bool = True
    ) -> None:
        tracker.phase(name, sum(len(chunk) for chunk in chunks))
        for chunk in chunks:
            rejected = len(self.outcome.rejections)
            try:
                self._send(chunk, dry_run=dry_run, count=count)
            except StrategyError as error:
                if self.outcome.written:
                    raise ChunkFailed(self.outcome, error) from error
                raise
            tracker.advance(len(chunk))
            if self.mode == "all_or_nothing" and not dry_run and len(self.outcome.rejections) > rejected:
                return  # refused though its dry run passed (someone wrote in between): send no more

    def _send(self, chunk: list[Row], *, dry_run: bool, count: bool) -> None:
        try:
            record = self.client.kpi_submissions.create(
                csv=to_csv(self.figures.columns, chunk), dry_run=dry_run, mode=self.mode, source=self.source
            )
        except ApiError as error:
            refused = row_errors(error)
            if refused is None:
                raise
            for number, column, reason in refused:
                self._reject(chunk[number - 1], column, _in_file(reason, chunk))
            named = {number for number, _column, _reason in refused}
            rest = [row for n, row in enumerate(chunk, 1) if n not in named]
            if error.status == 403 and self.mode == "partial" and rest:  # land the rows this key may submit
                self._send(rest, dry_run=dry_run, count=count)
            return
        for rejection in record.rejections:
            self._reject(chunk[rejection.row - 1], rejection.field, _in_file(rejection.reason, chunk))
        if count:
            self.outcome.created += record.created
            self.outcome.updated += record.updated
            self.outcome.unchanged += record.unchanged
        if record.id is not None:
            self.outcome.submissions.append(record.id)


def row_errors(error: ApiError) -> list[tuple[int, str, str]] | None:
    """A refusal that names rows (422: rows rejected; 403: rows this key may not submit) as (row, column, reason);
    None for any other failure."""
    if error.status not in (403, 422):
        return None
    found: list[tuple[int, str, str]] = []
    for item in error.problem.errors or []:
        match item.loc:
            case ["rows", int(row), str(column)]:
                found.append((row, column, LOCATED.sub("", item.msg)))
            case _:
                return None
    return found or None


def _in_file(reason: str, chunk: list[Row]) -> str:
    """A reason naming another row of the chunk ("duplicates row 3") names that row's line of the file instead."""
    return ROW.sub(
        lambda found: f"line {chunk[int(found[1]) - 1].line}" if int(found[1]) <= len(chunk) else found[0], reason
    )
