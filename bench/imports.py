"""Importing DfE's statistics: all of la_care_leavers_activity.csv (20,040 rows, 3.3 MB) through
POST /api/v1/benchmarks/imports on PostgreSQL, in rows of the file per second.

    python -m bench.imports [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_import] [--repeat 3]

The strategy is seeded into its own scratch database (its schema dropped and rebuilt) and one uvicorn worker serves
it on 127.0.0.1. Three imports of the same file, each the median of --repeat runs, each sent as a text/csv body:

- first: every place a new scope (164 of them) and every figure new (835, each summed from 4 rows);
- into known places: the figures cleared, the places kept;
- again: nothing changes (every figure read, judged and found as held).
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.server import live_server, seeded

DATA = Path(__file__).resolve().parents[1] / "seed" / "national" / "la_care_leavers_activity.csv"
MAPPING = "care-leavers-in-eet-17-21"
SEEDED_PLACES = ("stockton-on-tees", "england", "north-east")
CASES = ("first import (places and figures new)", "into known places (figures new)", "again (nothing changes)")


async def _clear(dsn: str, *, places: bool) -> None:
    connection = await asyncpg.connect(dsn)
    await connection.execute("TRUNCATE kpi_value_sign_off, kpi_value, kpi_submission, idempotency_record")
    if places:
        await connection.execute("DELETE FROM scope WHERE NOT key = ANY($1::text[])", list(SEEDED_PLACES))
    await connection.close()


async def _post(base: str, token: str, content: bytes) -> tuple[float, dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/benchmarks/imports",
            params={"mapping": MAPPING},
            content=content,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        )
        elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


async def measure(base: str, dsn: str, token: str, repeat: int) -> dict[str, list[float]]:
    content = DATA.read_bytes()
    timings: dict[str, list[float]] = {case: [] for case in CASES}
    for _ in range(repeat):
        await _clear(dsn, places=True)
        first, summary = await _post(base, token, content)
        assert (summary["values_created"], summary["places_created"]) == (835, 164), summary
        await _clear(dsn, places=False)
        known, summary = await _post(base, token, content)
        assert (summary["values_created"], summary["places_created"]) == (835, 0), summary
        again, summary = await _post(base, token, content)
        assert (summary["values_unchanged"], summary["written"]) == (835, False), summary
        for case, seconds in zip(CASES, (first, known, again), strict=True):
            timings[case].append(seconds)
    return timings


async def _ensure_database(database_url: str) -> None:
    url = make_url(database_url)
    connection = await asyncpg.connect(url.set(drivername="postgresql", database="postgres").render_as_string(False))
    if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database):
        await connection.execute(f'CREATE DATABASE "{url.database}"')
    await connection.close()


def main(database_url: str, repeat: int) -> None:
    rows = DATA.read_bytes().count(b"\n") - 1
    asyncio.run(_ensure_database(database_url))
    token = seeded(database_url, "bench", "read", "kpi:submit", fresh=True)
    with live_server(database_url, RATE_LIMIT_PER_MINUTE="0") as base:
        timings = asyncio.run(measure(base, database_url.replace("+asyncpg", ""), token, repeat))
    print(f"{DATA.name}: {rows:,} rows through mapping {MAPPING}, median of {repeat} runs")
    print(f"{'import':40} {'seconds':>8} {'rows/s':>9}")
    for case, seconds in timings.items():
        median = statistics.median(seconds)
        print(f"{case:40} {median:8.3f} {rows / median:9,.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bench_import")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.database_url, arguments.repeat)
