"""KPI ingest throughput: a 10,000-row batch through the API as JSON and as CSV, beside a plain COPY.

    python -m bench.ingest [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench] [--repeat 3]

The rows are real: DfE's care leavers' activity by local authority (seed/national/la_care_leavers_activity.csv),
one KPI per age band and activity, one scope per authority, region and England, suppressed cells as status symbols.
The API runs as one uvicorn worker on 127.0.0.1; COPY writes the same rows into kpi_value with asyncpg.
The schema in the target database is dropped and rebuilt: point it at a scratch database.
"""

import argparse
import asyncio
import csv
import io
import re
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from api.benchmarks.ees import ValueFormat, parse_value, period_code
from api.kpis.models import StatusSymbol
from api.periods import parse_period
from bench.server import live_server, mint_key, run_cli

DATA = Path(__file__).resolve().parents[1] / "seed" / "national" / "la_care_leavers_activity.csv"
ROWS = 10_000
COLUMNS = ["kpi", "period", "scope", "value", "numerator", "denominator", "status_symbol", "provisional", "note"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70]


def dfe_rows(limit: int) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, tuple[str, str | None]]]:
    """Submission rows, with the KPIs (code -> title) and scopes (key -> name, GSS code) they need."""
    rows: list[dict[str, Any]] = []
    kpis: dict[str, str] = {}
    scopes: dict[str, tuple[str, str | None]] = {}
    with DATA.open(encoding="utf-8-sig", newline="") as file:
        for record in csv.DictReader(file):
            gss = record["new_la_code"] or record["region_code"] or record["country_code"]
            name = record["la_name"] or record["region_name"] or record["country_name"]
            code = "cl-" + _slug(f"{record['care_leaver_age']} {record['breakdown']}")
            kpis[code] = f"Care leavers aged {record['care_leaver_age']}: {record['breakdown']} (%)"
            scopes[gss.lower()] = (name, gss)
            period = period_code(record["time_period"], record["time_identifier"])
            percent = parse_value(record["care_leaver_percent"], ValueFormat.percent)
            figure = {"status_symbol": percent.value} if isinstance(percent, StatusSymbol) else {"value": str(percent)}
            rows.append({"kpi": code, "period": period, "scope": gss.lower(), **figure})
            if len(rows) == limit:
                break
    return rows, kpis, scopes


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


async def prepare(dsn: str, database_url: str, kpis: dict[str, str], scopes: dict[str, tuple[str, str | None]]) -> str:
    connection = await asyncpg.connect(dsn)
    await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await connection.close()
    run_cli(database_url, "migrate")
    connection = await asyncpg.connect(dsn)
    await connection.executemany(
        "INSERT INTO scope (key, name, kind, gss_code) VALUES ($1, $2, 'comparator', $3)",
        [(key, name, gss) for key, (name, gss) in scopes.items()],
    )
    await connection.executemany(
        "INSERT INTO kpi (code, title, position, tier, unit, decimal_places, polarity, period_type, created_at, "
        "updated_at) VALUES ($1, $2, $3, 'management_information', 'percent', 0, 'higher_better', 'financial_year', "
        "now(), now())",
        [(code, title, position) for position, (code, title) in enumerate(kpis.items(), 1)],
    )
    await connection.close()
    return mint_key(database_url, "bench", "kpi:submit")


async def clear_values(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    await connection.execute("TRUNCATE kpi_value_sign_off, kpi_value, kpi_submission, audit_event, idempotency_record")
    await connection.close()


async def copy_rows(dsn: str, rows: list[dict[str, Any]]) -> float:
    """The floor: the same rows written with COPY, no checks."""
    connection = await asyncpg.connect(dsn)
    kpi_ids = dict(await connection.fetch("SELECT code, id FROM kpi"))
    scope_ids = dict(await connection.fetch("SELECT key, id FROM scope"))
    now = datetime.now(UTC)
    started = time.perf_counter()
    records = []
    for row in rows:
        period = parse_period(row["period"])
        value = Decimal(row["value"]) if "value" in row else None
        records.append(
            (
                kpi_ids[row["kpi"]],
                scope_ids[row["scope"]],
                period.code,
                period.type.value,
                period.start,
                period.end,
                1,
                value,
                row.get("status_symbol"),
                False,
                now,
                "copy",
            )
        )
    await connection.copy_records_to_table(
        "kpi_value",
        records=records,
        columns=[
            "kpi_id",
            "scope_id",
            "period",
            "period_type",
            "period_start_date",
            "period_end_date",
            "revision",
            "value",
            "status_symbol",
            "provisional",
            "submitted_at",
            "submitted_by",
        ],
    )
    elapsed = time.perf_counter() - started
    await connection.close()
    return elapsed


async def post(base: str, token: str, content: bytes, content_type: str) -> float:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/kpi-submissions",
            content=content,
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )
        elapsed = time.perf_counter() - started
    response.raise_for_status()
    summary = response.json()
    assert summary["created"] == ROWS, summary
    return elapsed


async def measure(base: str, dsn: str, token: str, rows: list[dict[str, Any]], repeat: int) -> dict[str, list[float]]:
    payload = {"rows": rows, "source": "DfE: care leavers' activity"}
    bodies = (
        ("JSON batch via API", httpx.Request("POST", "/", json=payload).content, "application/json"),
        ("CSV batch via API", as_csv(rows), "text/csv"),
    )
    timings: dict[str, list[float]] = {"JSON batch via API": [], "CSV batch via API": [], "COPY (no checks)": []}
    for _ in range(repeat):
        for label, body, kind in bodies:
            await clear_values(dsn)
            timings[label].append(await post(base, token, body, kind))
        await clear_values(dsn)
        timings["COPY (no checks)"].append(await copy_rows(dsn, rows))
    return timings


def main(database_url: str, repeat: int) -> None:
    dsn = database_url.replace("+asyncpg", "")
    rows, kpis, scopes = dfe_rows(ROWS)
    token = asyncio.run(prepare(dsn, database_url, kpis, scopes))
    with live_server(database_url, MAX_BODY_BYTES=str(50 * 2**20)) as base:
        timings = asyncio.run(measure(base, dsn, token, rows, repeat))
    copy_rate = ROWS / statistics.median(timings["COPY (no checks)"])
    print(f"{ROWS:,} rows ({len(kpis)} KPIs x {len(scopes)} scopes x periods), median of {repeat} runs")
    print(f"{'path':22} {'seconds':>8} {'rows/s':>9} {'of COPY':>8}")
    for label, seconds in timings.items():
        rate = ROWS / statistics.median(seconds)
        print(f"{label:22} {statistics.median(seconds):8.3f} {rate:9,.0f} {rate / copy_rate:8.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.database_url, arguments.repeat)
