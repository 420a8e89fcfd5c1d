"""`make bench`: the service on PostgreSQL, one worker and two, on the strategy as `make run` loads it (small: the
seed and the DfE statistics it ships) and on a large council (bench/generate.py), every hot endpoint loaded with 32
connections; figures in one table per run, each read as a ratio of /healthz, and /healthz as a ratio of a bare
FastAPI app on the same stack.

    python -m bench.run [--server postgresql+asyncpg://postgres@127.0.0.1:5432] [--seconds 5] [--regenerate]

It uses five scratch databases on that server, bench_small, bench_seed, bench_large, bench_ingest and
bench_import, and rebuilds their schemas; the large council is generated once (3 minutes or so) and reused while its
data is complete. Loads come from wrk when it is installed (apt install wrk), else from a Python generator, which
takes a larger share of the two cores and so understates the service. Rate limiting is off: a benchmark is one key
making many thousands of requests.
"""

import argparse
import asyncio
import functools
import os
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api import db
from api.kpis.status import back_from
from api.periods import parse_period
from bench import generate, imports, ingest
from bench.load import WRK, Result, measure
from bench.server import live_server, mint_key, run_cli, sample, seeded

SMALL_KPI = "neet-not-known-16-19"
PERIOD_FOR = {
    "month": "2024-03",
    "financial_quarter": "FY2023-24-Q4",
    "financial_year": "FY2023-24",
    "academic_year": "AY2023-24",
    "calendar_year": "CY2023",
}


@dataclass(frozen=True)
class Setting:
    data: str
    url: str
    token: str
    kpi: str  # the KPI whose values and detail are read
    put_paths: list[str]  # figures written by the PUT load, spread over 20 KPIs and 12 periods each


def _database(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def _create(server: str, names: list[str]) -> None:
    engine = db.make_engine(_database(server, "postgres"), timeouts=db.ADMIN_TIMEOUTS)
    engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        for name in names:
            if not await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


async def _complete(url: str) -> bool:
    """The large council is all there (a run that was cut short leaves it incomplete)."""
    engine = db.make_engine(url)
    try:
        async with engine.connect() as connection:
            actions = await connection.scalar(text("SELECT count(*) FROM business_improvement_action"))
            updates = await connection.scalar(text("SELECT count(*) FROM progress_update"))
            values = await connection.scalar(text("SELECT count(*) FROM kpi_value"))
            rewritten = await connection.scalar(text("SELECT max(revision) FROM kpi_value"))
    except Exception:  # no schema yet
        return False
    finally:
        await engine.dispose()
    scale = generate.SCALE
    complete = actions >= scale.actions and updates >= scale.actions * scale.action_updates and values > 200_000
    # A run's loads leave revisions no council has: the PUT load up to 200 on each of the borough's figures it
    # writes (the Council Plan KPIs' among them), the batch clients a revision of some 80,000 figures a scope each
    # round. Reused, the large council's latest-revision reads scanned them (the scorecard's figures took 4.7 ms in
    # PostgreSQL for 121 rows, over 2,126 revisions, after two runs), and the large/small ratios were measured
    # against a council that grew with every run. So it is reused only as built: with no figure revised.
    return bool(complete and (rewritten or 0) <= MAX_REVISIONS)


def _put_paths(base: str, token: str, read: str | None = None) -> tuple[str, list[str]]:
    """A monthly KPI to read (the most figures), and the figures the PUT load writes: 20 other KPIs, each over
    PUT_PERIODS periods back from the latest-but-one. The KPI read is one no load writes, so that every run (and both
    worker counts) reads the same series; the writes are spread so that no figure gathers the thousands of revisions
    that a few rounds of load on one figure would give it and no council's figure has (the scorecard's and the
    pack's latest-revision reads slow down with them: 22 to 50 ms for the scorecard computed alone at about 1,700
    revisions of each figure it reads)."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        kpis = client.get("/api/v1/kpis?limit=500").json()["items"]
    monthly = [kpi["code"] for kpi in kpis if kpi["period_type"] == "month"]
    read = read or (monthly[-1] if monthly else SMALL_KPI)
    writable = [kpi for kpi in kpis if kpi["tier"] != "context" and kpi["code"] != read][:20]
    paths = [
        f"/api/v1/kpis/{kpi['code']}/values/{period.code}"
        for kpi in writable
        for period in back_from(parse_period(PERIOD_FOR[kpi["period_type"]]), PUT_PERIODS)
    ]
    return read, paths


PUT_PERIODS = 12
PUT = "a single figure PUT (240 figures)"
# Of any figure: a large council an earlier run has loaded is built again (see _complete). As built, 18 figures are
# at revision 2 (their cause not looked into).
MAX_REVISIONS = 2
PACK = "the CSMT pack"
PACK_GZIPPED = "the CSMT pack, gzipped"  # as a browser or httpx asks for it (api/compression.py)
# How the targets apply to the pack. Its reads are the one answer that grows with the council: the large
# council's CSMT pack lists 2,000 actions and 1,482 exceptions against the seed's 56 and 53 (1.35 MB of JSON against
# 48 KB), and the issue gives it a limit of its own, 300 ms for the large council, which "within 2x of the seed" (the
# seed's pack is computed in 25-40 ms) would leave with no meaning. So a cache miss is judged by the 300 ms, and
# "within 2x" by the pack as it is served to those who poll it, gzipped from the read cache; its plain bytes and its
# cache miss against the seed's are printed beside them, not judged (README, "How the pack is judged").
PACK_JUDGED = (
    "the pack grows with the council (2,000 actions against 56); its cache miss is judged by its own 300 ms and its "
    "2x as served gzipped"
)
UNDER_LOAD = "under batches: "
READS = (
    "a KPI's values (a page of 50)",
    "one KPI (targets, latest figures)",
    "scorecard: Council Plan KPIs rated",
    "an action page (50, owners, flags)",
)


def endpoints(setting: Setting) -> list[tuple[str, str]]:
    return [
        ("/healthz", "/healthz"),
        ("a KPI's values (a page of 50)", f"/api/v1/kpis/{setting.kpi}/values"),
        ("one KPI (targets, latest figures)", f"/api/v1/kpis/{setting.kpi}"),
        ("scorecard: Council Plan KPIs rated", "/api/v1/scorecard?tier=council_plan"),
        ("an action page (50, owners, flags)", "/api/v1/actions?limit=50"),
        (PACK, "/api/v1/governance-bodies/csmt/pack"),
    ]


def _table(title: str, rows: list[tuple[str, Result]], healthz: float, ceiling: float | None) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of /healthz':>12} {'server CPU/req':>15}")
    for name, result in rows:
        ratio = f"{result.requests_per_second / healthz:12.1%}" if name not in ("/healthz", BARE) else ""
        if name == "/healthz" and ceiling:
            ratio = f"{result.requests_per_second / ceiling:8.0%} of bare"
        cpu = f"{result.server_cpu_us:12.0f} us" if result.server_cpu_us is not None else ""
        print(f"{name:40} {result.row} {ratio:>12} {cpu:>15}{_trouble(result)}")


def _trouble(result: Result) -> str:
    """What went wrong during a load, if anything: failed requests, and workers uvicorn had to replace."""
    said = [f"{result.errors} errors"] if result.errors else []
    if result.restarted:
        said.append(f"{result.restarted} worker{'s' if result.restarted > 1 else ''} replaced: no CPU figure")
    return f"  ({'; '.join(said)})" if said else ""


@contextmanager
def batches_posting(base: str, token: str, batches: list[list[dict[str, object]]]) -> Iterator[list[float]]:
    """A client per batch, posting it in a loop (each round a new figure, so each is a real write)."""
    stop = threading.Event()
    seconds: list[float] = []

    def post(offset: int) -> None:
        rows = batches[offset]
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            round_ = offset
            while not stop.is_set():
                round_ += len(batches)
                batch = [row | {"value": str((int(float(str(row["value"]))) + round_) % 90 + 5)} for row in rows]
                started = time.perf_counter()
                client.post("/api/v1/kpi-submissions", json={"rows": batch}).raise_for_status()
                seconds.append(time.perf_counter() - started)

    threads = [threading.Thread(target=post, args=(n,), daemon=True) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    try:
        yield seconds
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)


Figures = dict[tuple[str, int], dict[str, Result]]  # (data, workers) -> endpoint -> its load result
BARE = "bare FastAPI /ping"


ROUNDS = 3  # of each load in a comparison, taken in turn


def interleaved(loads: dict[str, Callable[[], Result]], rounds: int = ROUNDS) -> dict[str, Result]:
    """Loads whose figures are compared (the service against the bare app, two workers against one), run in turn,
    ``rounds`` times over, each judged by its median round. This machine's speed drifts by 15-30% within minutes (a
    neighbour's load, CPU frequency: `/healthz`, which reads no data, measured 86% of bare on one data set and 73% on
    the other in one run); taken in turn, a drift lands on both sides of a ratio instead of on one."""
    taken: dict[str, list[Result]] = {name: [] for name in loads}
    for _ in range(rounds):
        for name, load in loads.items():
            taken[name].append(load())
    return {
        name: sorted(results, key=lambda result: result.requests_per_second)[len(results) // 2]
        for name, results in taken.items()
    }


def _load(base: str, path: str, token: str, args: argparse.Namespace, *, gzip: bool = False) -> Callable[[], Result]:
    server = functools.partial(sample, base)
    return functools.partial(
        measure, base + path, token, seconds=args.seconds, connections=args.connections, server=server, gzip=gzip
    )


def run_setting(setting: Setting, workers: int, args: argparse.Namespace) -> dict[str, Result]:
    # A pooled connection for each connection the load holds open, across the workers: a request that waits for a
    # connection can be overtaken by newer ones (SQLAlchemy's pool hands a returned connection to whoever asks
    # first), so a pool smaller than the concurrency shows as a long tail (p99 in the hundreds of ms) at 32
    # connections on one worker, not as lower throughput.
    pool = str(max(2, args.connections // workers))
    with (
        live_server(setting.url, workers=workers, app="bench.bare:app") as bare,
        live_server(setting.url, workers=workers, RATE_LIMIT_PER_MINUTE="0", DB_POOL_SIZE=pool) as base,
    ):
        # the ceiling, /healthz and the PUT (the ratios judged) in turn (see interleaved), the reads once each
        put = functools.partial(
            measure,
            base + setting.put_paths[0],
            setting.token,
            seconds=args.seconds,
            connections=args.connections,
            put_paths=setting.put_paths,
            server=functools.partial(sample, base),
        )
        judged = interleaved(
            {BARE: _load(bare, "/ping", "", args), "/healthz": _load(base, "/healthz", "", args), PUT: put}
        )
        ceiling = judged[BARE]
        rows = [("/healthz", judged["/healthz"])]
        rows += [(name, _load(base, path, setting.token, args)()) for name, path in endpoints(setting)[1:]]
        pack = dict(endpoints(setting))[PACK]
        rows.append((PACK_GZIPPED, _load(base, pack, setting.token, args, gzip=True)()))
        rows.append((PUT, judged[PUT]))
        healthz = rows[0][1].requests_per_second
        title = f"{setting.data} data, {workers} worker{'s' if workers > 1 else ''}, {args.connections} connections"
        title += f" (bare, /healthz and the PUT: median of {ROUNDS} rounds in turn)"
        _table(title, [(BARE, ceiling), *rows], healthz, ceiling.requests_per_second)
        if setting.data == "large" and workers == 1:
            rows += _under_load(base, setting, args, healthz)
    return {BARE: ceiling, **dict(rows)}


Scaling = dict[str, tuple[Result, Result]]  # endpoint -> (one worker, two workers)


def scaling(setting: Setting, args: argparse.Namespace) -> Scaling:
    """Two workers against one, the bare app's and each read's, with all four servers up and every load taken in
    turn (see interleaved): the bare app's own gain is what this machine allows."""
    with (
        live_server(setting.url, workers=1, app="bench.bare:app") as bare_1,
        live_server(setting.url, workers=2, app="bench.bare:app") as bare_2,
        live_server(setting.url, workers=1, RATE_LIMIT_PER_MINUTE="0", DB_POOL_SIZE=str(args.connections)) as one,
        live_server(setting.url, workers=2, RATE_LIMIT_PER_MINUTE="0", DB_POOL_SIZE=str(args.connections // 2)) as two,
    ):
        loads = {f"{BARE} 1": _load(bare_1, "/ping", "", args), f"{BARE} 2": _load(bare_2, "/ping", "", args)}
        for name, path in endpoints(setting)[1:5]:
            loads[f"{name} 1"] = _load(one, path, setting.token, args)
            loads[f"{name} 2"] = _load(two, path, setting.token, args)
        taken = interleaved(loads)
    names = [BARE, *READS]
    result = {name: (taken[f"{name} 1"], taken[f"{name} 2"]) for name in names}
    print(
        f"\n{setting.data} data, 2 workers against 1, {args.connections} connections, median of {ROUNDS} rounds in turn"
        f"\n(linear: the gain if a request cost two workers what it costs one; CPU/req: the server's, of which user:"
        " in its own code, the rest the kernel's for it; machine: every process's on two workers, wrk's and"
        " PostgreSQL's too)"
    )
    print(
        f"{'endpoint':40} {'1 worker':>9} {'2 workers':>10} {'gain':>6} {'linear':>7}"
        f" {'CPU/req 1':>10} {'user 1':>8} {'CPU/req 2':>10} {'user 2':>8} {'machine 2':>10}"
    )
    cores = machine_cores()
    for name, (first, second) in result.items():
        measured = (
            first.server_cpu_us,
            first.server_user_cpu_us,
            second.server_cpu_us,
            second.server_user_cpu_us,
            second.machine_cpu_us,
        )
        cpu = [f"{us:5.0f} us" if us else "" for us in measured]
        gain = second.requests_per_second / first.requests_per_second
        linear = linear_gain(first, second, cores)
        print(
            f"{name:40} {first.requests_per_second:9,.0f} {second.requests_per_second:10,.0f} {gain:5.2f}x"
            f" {f'{linear:6.2f}x' if linear else '':>7} {cpu[0]:>10} {cpu[1]:>8} {cpu[2]:>10} {cpu[3]:>8} {cpu[4]:>10}"
            f"{_trouble(first)}{_trouble(second)}"
        )
    return result


def machine_cores() -> int:
    """The cores this process (and so the servers and wrk it starts) may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def linear_gain(one: Result, two: Result, cores: int) -> float | None:
    """What two workers would serve over one if each request cost the server no more than it costs one worker: the
    requests the machine's cores can serve at that cost plus what the rest of the machine spends on each (wrk,
    PostgreSQL, the kernel: measured with two workers, where every core is busy), and never more than twice one
    worker's. A read that costs the server less than the bare app's /ping gains less from a second worker on two
    cores that wrk shares, though it scales as well: wrk's cost per request is the same, and a larger share. None
    where the CPU time was not measured (no /proc, or a worker replaced during a load)."""
    if not one.server_cpu_us or two.server_cpu_us is None or two.machine_cpu_us is None:
        return None
    outside = max(0.0, two.machine_cpu_us - two.server_cpu_us)
    return min(2.0, cores * 1e6 / (one.server_cpu_us + outside) / one.requests_per_second)


COMPUTED_ROUNDS = 9


def computed_latencies(settings: list[Setting]) -> dict[str, dict[str, float]]:
    """Each read alone, computed every time (the read cache off): what a cache miss costs, and how it grows with
    the data. Both data sets' servers are up together and their requests taken in turn, one of each per round, so
    that a drift in the machine's speed (see interleaved) lands on both sides of the large/small ratio; the median
    of COMPUTED_ROUNDS rounds. Answers are asked for plain, as in the runs before they could be gzipped: what is
    timed is the computation (gzip adds about 4 ms to the large pack, then kept with it in the read cache)."""
    with ExitStack() as servers:
        clients = [
            servers.enter_context(
                httpx.Client(
                    base_url=servers.enter_context(
                        live_server(setting.url, RATE_LIMIT_PER_MINUTE="0", READ_CACHE_ENTRIES="0")
                    ),
                    headers={"Authorization": f"Bearer {setting.token}", "Accept-Encoding": "identity"},
                    timeout=60,
                )
            )
            for setting in settings
        ]
        timings: dict[str, dict[str, list[float]]] = {setting.data: defaultdict(list) for setting in settings}
        for client, setting in zip(clients, settings, strict=True):  # one unmeasured request each: connections
            for _name, path in endpoints(setting)[1:]:
                client.get(path).raise_for_status()
        for _ in range(COMPUTED_ROUNDS):
            for client, setting in zip(clients, settings, strict=True):
                for name, path in endpoints(setting)[1:]:
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    timings[setting.data][name].append(time.perf_counter() - started)
    return {
        data: {name: statistics.median(times) * 1000 for name, times in by_name.items()}
        for data, by_name in timings.items()
    }


def _summary(figures: Figures, computed: dict[str, dict[str, float]], scaled: Scaling | None) -> None:
    """The issue's targets, each judged on figures from this run."""
    large = figures.get(("large", 1), {})
    if not large:
        return
    healthz = large["/healthz"].requests_per_second
    checks: list[tuple[str, float, float, str]] = [
        ("/healthz of bare FastAPI (measured just before)", healthz / large[BARE].requests_per_second, 0.8, "%")
    ]
    for name, target in zip(READS, (0.2, 0.2, 0.1, 0.1), strict=False):
        checks.append((f"{name} of /healthz", large[name].requests_per_second / healthz, target, "%"))
    checks.append((f"{PUT} of /healthz", large[PUT].requests_per_second / healthz, 0.1, "%"))
    for name, result in large.items():
        if name not in (PUT, "/healthz", BARE) and not name.startswith(UNDER_LOAD):
            checks.append((f"p99 ms, {name}", result.p99_ms, 100, "max"))
        elif name.startswith(UNDER_LOAD):
            checks.append((f"p99 ms, {name}", result.p99_ms, 250, "max"))
    small = figures.get(("small", 1), {})
    for name in (*READS, PACK_GZIPPED, PACK):  # served at 32 connections: from the read cache, as polls are
        if name in large and name in small:
            kind = "reference" if name == PACK else "x"
            checks.append((f"p50 served, large / small: {name}", large[name].p50_ms / small[name].p50_ms, 2, kind))
    if "large" in computed and "small" in computed:
        for name, ms in computed["large"].items():
            kind = "reference" if name == PACK else "x"
            checks.append((f"computed alone, large / small: {name}", ms / computed["small"][name], 2, kind))
        checks.append(("computed alone, ms: the CSMT pack (large)", computed["large"][PACK], 300, "max"))
    if scaled:
        # Two workers cannot double req/s on two cores that also run wrk and PostgreSQL. A read scales near-linearly
        # if the CPU its own code spends per request holds with two workers, as the bare app's does, and 10% more
        # (two processes and wrk contending for two cores' caches); and if it keeps 90% of the gain its CPU per
        # request leaves room for on this machine (linear_gain: what wrk and PostgreSQL take of the cores counted),
        # so that more work per request, in its code or the kernel's, or a second worker kept waiting with cores
        # idle, shows. Where a load's CPU time was not measured (no /proc, or a worker replaced during it), 80% of
        # the bare app's gain: a rougher allowance, too strict for reads cheaper than /ping (README, "Two workers
        # against one").
        bare_1, bare_2 = scaled[BARE]
        allowed = min(2.0, bare_2.requests_per_second / bare_1.requests_per_second)  # 2x at most: noise
        bare_cpu = (bare_2.server_user_cpu_us or 1) / (bare_1.server_user_cpu_us or 1)
        print(
            f"\n2 workers / 1 for bare FastAPI on this machine: {allowed:.2f}x, CPU per request in its code"
            f" {bare_cpu:.2f}x"
        )
        for name in READS:
            one, two = scaled[name]
            gain = two.requests_per_second / one.requests_per_second
            linear = linear_gain(one, two, machine_cores())
            if linear is not None:
                checks.append((f"2 workers / 1: {name} (linear: {linear:.2f}x)", gain, 0.9 * linear, "min-x"))
            else:
                checks.append((f"2 workers / 1: {name} (bare: {allowed:.2f}x)", gain, 0.8 * allowed, "min-x"))
            if one.server_user_cpu_us and two.server_user_cpu_us:
                growth = two.server_user_cpu_us / one.server_user_cpu_us
                label = f"2 workers / 1, CPU per request in its code: {name} (bare: {bare_cpu:.2f}x)"
                checks.append((label, growth, 1.1 * max(1.0, bare_cpu), "x"))
            if one.server_cpu_us and two.server_cpu_us:
                growth = two.server_cpu_us / one.server_cpu_us
                checks.append((f"2 workers / 1, CPU per request with the kernel's: {name}", growth, 0, "reference"))
    print("\ntargets (large data, one worker unless said)")
    for label, value, target, kind in checks:
        met = value <= target if kind in ("max", "x") else value >= target
        verdict = "(ref)  " if kind == "reference" else "met    " if met else "NOT MET"
        shown = {
            "%": f"{value:8.1%} (>= {target:.0%})",
            "max": f"{value:8.0f} (<= {target:.0f})",
            "reference": f"{value:8.2f}x (for reference: see below)",
        }.get(kind, f"{value:8.2f}x ({'<=' if kind == 'x' else '>='} {target:.2f}x)")
        print(f"  {verdict} {label:60} {shown}")
    print(f"\n(ref): {PACK_JUDGED}")
    if scaled:
        print(f"(ref): {KERNEL_JUDGED}")


KERNEL_JUDGED = (
    "a worker's CPU per request counts the kernel's sending and receiving for it, which grows on two cores that two "
    "workers share with wrk (loopback TCP, more wake-ups); its code's is judged, and the gain, which counts both"
)


def _under_load(base: str, setting: Setting, args: argparse.Namespace, healthz: float) -> list[tuple[str, Result]]:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {setting.token}"}) as client:
        monthly = client.get("/api/v1/kpis?limit=500&period_type=month").json()["items"]
        codes = [kpi["code"] for kpi in monthly if kpi["code"] != setting.kpi]
        scopes = [scope["key"] for scope in client.get("/api/v1/scopes?limit=5").json()["items"]]
    # Four performance officers, each with the KPIs they own: writers of the same KPI queue for it (and a queue
    # longer than DB_STATEMENT_TIMEOUT is a 503), which is not what this measures.
    batches = [
        [
            {"kpi": code, "period": f"20{17 + n // 12}-{n % 12 + 1:02d}", "scope": scope, "value": "50"}
            for code in codes[client::4]
            for scope in scopes
            for n in range(60)
        ][:10_000]
        for client in range(4)
    ]
    with batches_posting(base, setting.token, batches) as seconds:
        time.sleep(1)
        read = [
            (name, measure(base + path, setting.token, seconds=args.seconds, connections=args.connections))
            for name, path in endpoints(setting)[1:4]
        ]
    _table("large data, 1 worker, the same reads while 4 clients post 10,000-row batches", read, healthz, None)
    if seconds:
        print(f"{'batches written meanwhile':40} {len(seconds):9} {statistics.median(seconds) * 1000:8.0f} ms each")
    return [(f"{UNDER_LOAD}{name}", result) for name, result in read]


def prepare(args: argparse.Namespace) -> list[Setting]:
    asyncio.run(_create(args.server, ["bench_small", "bench_seed", "bench_large", "bench_ingest", "bench_import"]))
    small_url, large_url = _database(args.server, "bench_small"), _database(args.server, "bench_large")
    small_token = seeded(small_url, "bench", "admin", fresh=True)
    # As `make run` loads it: the DfE statistics the seed ships give the borough's KPIs their real figures and
    # England's, the regions' and every local authority's beside them. The seed alone holds no figure for any
    # Council Plan KPI (its 2015/16 projections are baselines, not figures), so its scorecard rates nothing and
    # reads no comparator: a large/small ratio against it measures an empty scorecard against a full one, not how
    # a read grows with the data. It is still measured alone, for reference (SEED_ALONE).
    run_cli(small_url, "benchmarks", "import-shipped")
    if args.regenerate or not asyncio.run(_complete(large_url)):
        print("generating the large council (bench/generate.py) ...", flush=True)
        large_token, timings = generate.build(large_url)
        for stage, spent in timings.items():
            print(f"  {stage:55s} {spent:7.1f} s")
    else:  # reused: brought to the schema this checkout expects first
        run_cli(large_url, "migrate")
        large_token = mint_key(large_url, "bench", "admin")
    settings = []
    for data, url, token in (("small", small_url, small_token), ("large", large_url, large_token)):
        with live_server(url, RATE_LIMIT_PER_MINUTE="0") as base:
            kpi, paths = _put_paths(base, token, read=None if data == "large" else SMALL_KPI)
        settings.append(Setting(data, url, token, kpi, paths))
    seed_url = _database(args.server, "bench_seed")  # timed alone only: no load, so nothing for the PUT to write
    settings.append(Setting(SEED_ALONE, seed_url, seeded(seed_url, "bench", "admin", fresh=True), SMALL_KPI, []))
    return settings


SEED_ALONE = "seed alone"  # the seed without the DfE statistics it ships: computed alone only, for reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--regenerate", action="store_true", help="build the large council again")
    args = parser.parse_args()
    print(f"load: {'wrk' if WRK else 'a Python generator (install wrk for truer figures)'}")
    settings = prepare(args)
    # Before any load writes: the PUT load leaves tens of thousands of revisions on the figures it writes (29,530
    # rows over 151 of the seed's figures, up to 230 revisions each, in one run), and measured after it the seed's
    # reads were the slower for them (its pack 34 -> 69 ms, its scorecard 6 -> 18 ms), which made the ratios between
    # the two councils look better than they are.
    computed = computed_latencies(settings)
    for data, by_name in computed.items():
        print(
            f"\n{data} data, each read alone, computed (read cache off), median of {COMPUTED_ROUNDS}, "
            "in turn with the other data set's, before any load"
        )
        for name, ms in by_name.items():
            print(f"{name:40} {ms:27.1f} ms")
    if SEED_ALONE in computed and "large" in computed:
        print(f"\nlarge / {SEED_ALONE} (for reference: the seed alone rates no figure; see prepare)")
        for name, ms in computed["large"].items():
            print(f"{name:40} {ms / computed[SEED_ALONE][name]:26.2f}x")
    figures: Figures = {}
    for setting in (setting for setting in settings if setting.data != SEED_ALONE):
        for workers in args.workers:
            figures[(setting.data, workers)] = run_setting(setting, workers, args)
    print("\n10,000-row batches against a plain COPY of the same rows (bench/ingest.py):")
    ingest.main(_database(args.server, "bench_ingest"), repeat=3)
    print("\nDfE's care leavers' file through POST /benchmarks/imports (bench/imports.py):")
    imports.main(_database(args.server, "bench_import"), repeat=3)
    large = next((setting for setting in settings if setting.data == "large"), None)
    scaled = scaling(large, args) if large is not None and 2 in args.workers else None
    _summary(figures, computed, scaled)


if __name__ == "__main__":
    main()
