"""Load generators: wrk where it is installed, a Python one otherwise. Both hold a fixed number of connections open
for a bounded time against 127.0.0.1 and report requests per second and latency percentiles."""

import asyncio
import functools
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench.server import ServerSample

WRK = shutil.which("wrk")


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers, timeouts and socket errors
    server_cpu_us: float | None = None  # the server's CPU time per request (all its workers), when measured
    server_user_cpu_us: float | None = None  # of server_cpu_us, the time in the server's own code (not the kernel's
    # sending and receiving for it)
    machine_cpu_us: float | None = None  # the whole machine's busy CPU time per request meanwhile (the server's, the
    # load generator's, PostgreSQL's and the kernel's), when measured
    restarted: int = 0  # of the server's workers, how many were gone by the end (uvicorn replaces a worker that dies,
    # or one that leaves its health check unanswered for 5 s): a load that lost one lost its requests in flight too

    @property
    def row(self) -> str:
        return f"{self.requests_per_second:9,.0f} {self.p50_ms:8.1f} {self.p99_ms:8.1f}"


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


PUT_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("PUT", path, nil, string.format('{"value": %d}', counter % 90 + 5))
end
"""


def wrk(
    url: str,
    token: str,
    *,
    seconds: float,
    connections: int,
    put_paths: list[str] | None = None,
    gzip: bool = False,
) -> Result:
    """wrk with latency percentiles; PUT bodies when put_paths are given (figures that change every request).
    ``gzip``: ask for answers gzipped, as browsers and httpx do (wrk itself asks for nothing, so gets them plain)."""
    assert WRK is not None
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-H", f"Authorization: Bearer {token}"]
    if gzip:
        command += ["-H", "Accept-Encoding: gzip"]
    with tempfile.TemporaryDirectory() as scratch:
        if put_paths:
            script = Path(scratch) / "put.lua"
            listed = ", ".join(f'"{path}"' for path in put_paths)
            script.write_text(f"paths = {{{listed}}}\nwrk.headers['Content-Type'] = 'application/json'\n{PUT_SCRIPT}")
            command += ["-s", str(script)]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    # The distribution's own lines ("     99%   33.07ms"): "91.99%" in the thread table must not match.
    p50 = _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)[1])  # type: ignore[index]
    p99 = _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)[1])  # type: ignore[index]
    # "Non-2xx or 3xx responses: 3" and "Socket errors: connect 0, read 2, write 0, timeout 1" (each only when some)
    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses:|connect|read|write|timeout)\s+(\d+)", output)
    )
    return Result(rate, p50, p99, errors)


async def _python(
    url: str, token: str, seconds: float, connections: int, put_paths: list[str] | None, gzip: bool
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    # httpx asks for gzip unless told otherwise: plain, as wrk, unless gzip is asked for
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip" if gzip else "identity"}
    async with httpx.AsyncClient(limits=limits, headers=headers, timeout=30) as client:
        stop = time.monotonic() + seconds
        sent = 0

        async def worker() -> None:
            nonlocal errors, sent
            while time.monotonic() < stop:
                sent += 1
                started = time.perf_counter()
                if put_paths:
                    path = put_paths[sent % len(put_paths)]
                    response = await client.put(url.rsplit("/api/", 1)[0] + path, json={"value": sent % 90 + 5})
                else:
                    response = await client.get(url)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code >= 300

        await asyncio.gather(*(worker() for _ in range(connections)))
    return latencies, errors


def python_load(
    url: str,
    token: str,
    *,
    seconds: float,
    connections: int,
    put_paths: list[str] | None = None,
    gzip: bool = False,
) -> Result:
    """The same measurement without wrk (slower: the generator takes a larger share of the cores)."""
    latencies, errors = asyncio.run(_python(url, token, seconds, connections, put_paths, gzip))
    quantiles = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / seconds, quantiles[49] * 1000, quantiles[98] * 1000, errors)


WARM_UP_SECONDS = 1


def measure(
    url: str,
    token: str,
    *,
    seconds: float,
    connections: int,
    put_paths: list[str] | None = None,
    server: Callable[[], ServerSample] | None = None,
    gzip: bool = False,
) -> Result:
    """Steady state: one request first (a cold read is computed once, then served from the read cache until the data
    changes; its cost alone is measured apart, see bench/run.py), and a second of the same load unmeasured (the
    pool's connections opened, the statement caches filled), then the load measured. ``server``: the server's
    processes now, to report its CPU time per request (the measure of how a worker's cost holds as workers are
    added, whatever share of the cores the load generator and the database take) and any worker replaced meanwhile
    (whose CPU time then no longer adds up). ``gzip``: ask for answers gzipped (api/compression.py)."""
    if not put_paths:
        headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
        httpx.get(url, headers=headers | ({"Authorization": f"Bearer {token}"} if token else {}), timeout=120)
    generate = functools.partial(wrk if WRK else python_load, url, token, connections=connections, gzip=gzip)
    generate(seconds=WARM_UP_SECONDS, put_paths=put_paths)
    if server is None:
        return generate(seconds=seconds, put_paths=put_paths)
    before = server()
    result = generate(seconds=seconds, put_paths=put_paths)
    if not result.requests_per_second:
        return result
    after = server()
    restarted = len(before.workers - after.workers)
    if restarted:
        return replace(result, restarted=restarted)
    requests = result.requests_per_second * seconds
    used = after.cpu_seconds - before.cpu_seconds
    busy = (
        (after.machine_busy_seconds - before.machine_busy_seconds) / requests * 1e6
        if after.machine_busy_seconds is not None and before.machine_busy_seconds is not None
        else None
    )
    user = (after.user_seconds - before.user_seconds) / requests * 1e6
    return replace(result, server_cpu_us=used / requests * 1e6, server_user_cpu_us=user, machine_cpu_us=busy)
