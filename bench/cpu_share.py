"""Where a read's CPU goes under load, one worker and two: the service's processes, PostgreSQL's and wrk's.

    .venv/bin/python -m bench.cpu_share [--seconds 8] [--path /api/v1/kpis/neet-not-known-16-19/values]

Needs wrk and the large council that `make bench` builds (bench_large). Two workers scale only as far as the two
cores allow: when the service, PostgreSQL and the load generator together keep both cores busy, a third process's
CPU per request is what decides the gain, and this prints it."""

import argparse
import os
import resource
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from bench.server import cpu_seconds, live_server, mint_key

CONNECTIONS = 32
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
POSTGRES = "postgres:"  # a backend's process title


def postgres_seconds() -> float:
    """CPU time used so far by PostgreSQL's server processes (Linux)."""
    total = 0.0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if (process / "cmdline").read_bytes().startswith(POSTGRES.encode()):
                fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:  # gone meanwhile
            continue
    return total


def children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Share:
    workers: int
    requests_per_second: float
    service: float  # seconds of CPU over the run
    postgres: float
    load: float
    seconds: float

    def line(self) -> str:
        done = self.requests_per_second * self.seconds
        each = " ".join(
            f"{name} {used / done * 1e6:,.0f} us ({used / self.seconds:.2f} cores)"
            for name, used in (("service", self.service), ("PostgreSQL", self.postgres), ("wrk", self.load))
        )
        busy = (self.service + self.postgres + self.load) / self.seconds
        return f"{self.workers} worker(s): {self.requests_per_second:,.0f} req/s; {each}; {busy:.2f} cores in all"


def _wrk(url: str, token: str, seconds: int) -> float:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])


def measure(url: str, workers: int, path: str, token: str, seconds: int) -> Share:
    pool = str(CONNECTIONS // workers)
    with live_server(url, workers=workers, RATE_LIMIT_PER_MINUTE="0", DB_POOL_SIZE=pool) as base:
        _wrk(base + path, token, 2)  # warm every worker's caches
        before = (cpu_seconds(base), postgres_seconds(), children_seconds())
        rate = _wrk(base + path, token, seconds)
        after = (cpu_seconds(base), postgres_seconds(), children_seconds())
    used = [end - start for start, end in zip(before, after, strict=True)]
    return Share(workers, rate, used[0], used[1], used[2], seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server (its database bench_large)")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--path", default="/api/v1/kpis/neet-not-known-16-19/values")
    args = parser.parse_args()
    url = make_url(args.server).set(database="bench_large").render_as_string(hide_password=False)
    token = mint_key(url, "cpu share", "read")
    for workers in (1, 2):
        print(measure(url, workers, args.path, token, args.seconds).line(), flush=True)


if __name__ == "__main__":
    main()
