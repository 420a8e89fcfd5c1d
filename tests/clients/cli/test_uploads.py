"""How `kpi submit` sends a file in chunks, against a stand-in for the service: dry runs first, one Idempotency-Key per
request, rejections named by the line of the file, and what is said when a chunk fails after others landed."""

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from strategy_client import Client, ServerError
from strategy_client.cli.figures_file import read_figures
from strategy_client.cli.progress import Quiet
from strategy_client.cli.uploads import ChunkFailed, Mode, Upload
from tests.clients.cli.conftest import write_csv

Judge = Callable[[list[dict[str, str]], bool], list[dict[str, Any]]]  # a chunk's rows, dry run -> rejections


class Service:
    """Answers POST /kpi-submissions as the service would, rejecting what ``judge`` says; keeps every request."""

    def __init__(self, judge: Judge, fail_on: int | None = None) -> None:
        self.judge, self.fail_on = judge, fail_on
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) == self.fail_on:
            return httpx.Response(
                500, json={"type": "about:blank", "title": "Internal error", "status": 500, "detail": "boom"}
            )
        rows = list(csv.DictReader(io.StringIO(request.content.decode())))
        dry_run = request.url.params["dry_run"] == "true"
        rejections = self.judge(rows, dry_run)
        if rejections and not dry_run and request.url.params["mode"] == "all_or_nothing":
            return httpx.Response(422, json=refusal(rejections))
        summary = {
            "id": None if dry_run else len(self.requests),
            "dry_run": dry_run,
            "mode": request.url.params["mode"],
            "format": "csv",
            "source": request.url.params.get("source"),
            "submitted_at": None,
            "submitted_by": "performance officer",
            "rows": len(rows),
            "created": len(rows) - len(rejections),
            "updated": 0,
            "unchanged": 0,
            "rejected": len(rejections),
            "rejections": rejections,
        }
        return httpx.Response(200 if dry_run else 201, json=summary)


def refusal(rejections: list[dict[str, Any]]) -> dict[str, Any]:
    """The service's 422 for a batch refused whole: each problem at its row, worded with the batch's own line."""
    errors = [{"loc": ["rows", r["row"], r["field"]], "msg": f"line {r['line']}: {r['reason']}"} for r in rejections]
    return {"type": "about:blank", "title": "Submission rejected", "status": 422, "detail": "...", "errors": errors}


def upload(tmp_path: Path, service: Service, *, mode: Mode = "all_or_nothing", dry_run: bool = False) -> Upload:
    lines = ["kpi,period,value", *(f"kpi-{n},FY2016-17,{n}" for n in range(1, 6))]  # rows on lines 2-6
    figures = read_figures(write_csv(tmp_path / "f.csv", lines))
    client = Client("http://service", "csk_k1_x", transport=httpx.MockTransport(service), max_retries=0)
    return Upload(client, figures, chunk_size=2, mode=mode, dry_run=dry_run, source="f.csv")


def nothing_wrong(rows: list[dict[str, str]], dry_run: bool) -> list[dict[str, Any]]:
    return []


def kpi_5_is_unknown(rows: list[dict[str, str]], dry_run: bool) -> list[dict[str, Any]]:
    return [
        {"row": n, "line": n + 1, "field": "kpi", "reason": "unknown KPI 'kpi-5'"}
        for n, row in enumerate(rows, 1)
        if row["kpi"] == "kpi-5"
    ]


def test_every_chunk_is_checked_then_sent_each_request_with_its_own_idempotency_key(tmp_path: Path) -> None:
    service = Service(nothing_wrong)

    outcome = upload(tmp_path, service).run(Quiet())

    assert [r.url.params["dry_run"] for r in service.requests] == ["true"] * 3 + ["false"] * 3
    keys = [r.headers.get("idempotency-key") for r in service.requests]
    assert all(keys)
    assert len(set(keys)) == 6
    assert (outcome.created, outcome.submissions, outcome.rejections) == (5, [4, 5, 6], [])


def test_a_rejection_in_the_last_chunk_is_named_by_its_file_line_and_nothing_is_written(tmp_path: Path) -> None:
    service = Service(kpi_5_is_unknown)

    outcome = upload(tmp_path, service).run(Quiet())

    assert all(r.url.params["dry_run"] == "true" for r in service.requests)
    assert [(r.line, r.kpi, r.field) for r in outcome.rejections] == [(6, "kpi-5", "kpi")]
    assert outcome.submissions == []


def test_partial_sends_each_chunk_once(tmp_path: Path) -> None:
    service = Service(kpi_5_is_unknown)

    outcome = upload(tmp_path, service, mode="partial").run(Quiet())

    assert [(r.url.params["dry_run"], r.url.params["mode"]) for r in service.requests] == [("false", "partial")] * 3
    assert ([r.line for r in outcome.rejections], outcome.created) == ([6], 4)


def test_a_chunk_failing_after_others_landed_says_which_landed(tmp_path: Path) -> None:
    service = Service(nothing_wrong, fail_on=5)  # the second real chunk

    with pytest.raises(ChunkFailed) as failed:
        upload(tmp_path, service).run(Quiet())

    assert failed.value.outcome.submissions == [4]
    assert isinstance(failed.value.error, ServerError)


def test_a_chunk_refused_after_its_dry_run_passed_stops_the_upload(tmp_path: Path) -> None:
    def only_when_sent(rows: list[dict[str, str]], dry_run: bool) -> list[dict[str, Any]]:
        return [] if dry_run else kpi_3_is_archived(rows)

    service = Service(only_when_sent)

    outcome = upload(tmp_path, service).run(Quiet())

    assert [r.url.params["dry_run"] for r in service.requests] == ["true"] * 3 + ["false"] * 2
    assert (outcome.submissions, [(r.line, r.reason) for r in outcome.rejections]) == (
        [4],
        [(4, "KPI 'kpi-3' is archived")],
    )


def kpi_3_is_archived(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {"row": n, "line": n + 1, "field": "kpi", "reason": "KPI 'kpi-3' is archived"}
        for n, row in enumerate(rows, 1)
        if row["kpi"] == "kpi-3"
    ]
