"""Read throughput of hot dashboard paths against a live uvicorn worker.

    python -m bench.reads                       # embedded SQLite, seeded in a temporary file
    python -m bench.reads --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

Starts one uvicorn worker on 127.0.0.1, loads the seed, mints a read key, then for each endpoint runs a fixed number
of concurrent clients for a bounded time and prints requests per second and latency percentiles. The load generator
shares the machine's two cores with the server, so figures are a floor, comparable run to run rather than absolute.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.server import live_server, seeded

ENDPOINTS = [
    ("focus areas (7 rows)", "/api/v1/focus-areas"),
    ("council plan KPIs (11 rows)", "/api/v1/kpis?tier=council_plan"),
    ("actions page (12 rows, owners joined)", "/api/v1/actions?limit=12"),
    ("one KPI with targets and latest values", "/api/v1/kpis/children-in-care"),
    ("scorecard: 11 Council Plan KPIs rated", "/api/v1/scorecard?tier=council_plan"),
    ("focus area with actions, projects, KPIs", "/api/v1/focus-areas/children-in-need-of-help-and-protection"),
]


async def _hammer(base: str, token: str, path: str, concurrency: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, limits=limits, headers=headers) as client:
        stop = time.monotonic() + seconds

        async def worker() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def _run(base: str, token: str, concurrency: int, seconds: float) -> None:
    print(f"{'endpoint':42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, path in ENDPOINTS:
        await _hammer(base, token, path, concurrency, 1.0)  # warm up
        latencies = await _hammer(base, token, path, concurrency, seconds)
        p50 = statistics.median(latencies) * 1000
        p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
        print(f"{label:42} {len(latencies) / seconds:8.0f} {p50:8.1f} {p95:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        database_url = args.database_url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        token = seeded(database_url, "bench dashboard", "read")
        # The limit is per key per minute; a benchmark is one key making thousands of requests.
        with live_server(database_url, RATE_LIMIT_PER_MINUTE="0") as base:
            print(f"database: {database_url.split('@')[-1]}; 1 uvicorn worker; {args.concurrency} clients")
            asyncio.run(_run(base, token, args.concurrency, args.seconds))


if __name__ == "__main__":
    main()
