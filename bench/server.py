"""A live uvicorn worker on 127.0.0.1 for benchmarks, and the set-up they share."""

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def run_cli(database_url: str, *args: str) -> str:
    """`python -m api ...` against a database; returns what it printed."""
    env = os.environ | {"DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "api", *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def mint_key(database_url: str, name: str, *scopes: str) -> str:
    flags = [part for scope in scopes for part in ("--scope", scope)]
    return run_cli(database_url, "keys", "create", "--name", name, *flags).strip().splitlines()[-1]


def seeded(database_url: str, name: str, *scopes: str, seed_path: Path | None = None, fresh: bool = False) -> str:
    """Migrate a database, load the strategy (or another seed) and mint a key with these scopes, in one process (the
    three commands `make run` uses, without paying for three interpreters); returns the key. ``fresh``: drop the
    schema first."""
    env = os.environ | {"DATABASE_URL": database_url, "BENCH_FRESH": "1" if fresh else ""}
    if seed_path is not None:
        env["SEED_PATH"] = str(seed_path)
    command = [sys.executable, "-m", "bench.server", name, *scopes]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"preparing {database_url.split('@')[-1]} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


async def _drop_schema(database_url: str) -> None:
    from sqlalchemy import text

    from api import db

    if database_url.startswith("sqlite"):
        Path(database_url.split("///", 1)[-1]).unlink(missing_ok=True)
        return
    engine = db.make_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _seed_and_mint(name: str, scopes: list[str]) -> str:
    from api import db, schema
    from api.auth import service as auth_service
    from api.auth.models import Scope
    from api.auth.principal import system_actor
    from api.auth.schemas import ApiKeyCreate
    from api.seeding import service as seeding
    from api.settings import get_settings

    if os.environ.get("BENCH_FRESH"):
        await _drop_schema(get_settings().database_url)
    await asyncio.to_thread(schema.upgrade, get_settings().database_url)
    await seeding.load_seed(get_settings().seed_path)
    async with db.get_sessionmaker()() as session, session.begin():
        data = ApiKeyCreate(name=name, scopes=[Scope(scope) for scope in scopes])
        _key, token = await auth_service.create_key(session, data, actor=system_actor("bench"))
    await db.dispose_engines()
    return token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(
    database_url: str, *, workers: int = 1, app: str = "api.main:create_app", **settings: str
) -> Iterator[str]:
    """Uvicorn serving the API (or another app) on a free loopback port; yields its base URL and stops it after."""
    port = _free_port()
    env = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": "warning", **settings}
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    if app.endswith("create_app"):
        command.append("--factory")
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    PIDS[base] = server.pid
    try:
        asyncio.run(_wait_until_ready(base, "/readyz" if app.endswith("create_app") else "/ping"))
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        del PIDS[base]


PIDS: dict[str, int] = {}  # a live server's base URL -> its uvicorn process


@dataclass(frozen=True)
class ServerSample:
    """A live server's processes at one moment: the CPU time they have used, and which are its workers; and the
    CPU time the whole machine has spent busy (every process, and the kernel's work for them)."""

    cpu_seconds: float  # in the service's code and in the kernel on its behalf
    workers: frozenset[int]  # the uvicorn process's children (its workers, and multiprocessing's resource tracker),
    # or the uvicorn process itself when it runs one worker
    machine_busy_seconds: float | None  # None where /proc/stat is not to be read
    user_seconds: float  # of cpu_seconds, those in the processes' own code (not the kernel's)


def machine_busy_seconds() -> float | None:
    """CPU time all the machine's cores have spent busy since boot: /proc/stat's user, nice, system, irq and softirq
    (not idle, nor waiting for a disk, nor stolen by the hypervisor)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(n) for n in stat.readline().split()[1:]]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def sample(base: str) -> ServerSample:
    """The server at ``base``: its uvicorn process and every process under it (Linux's /proc)."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    user: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        user[pid] = int(fields[11]) / os.sysconf("SC_CLK_TCK")
    root = PIDS[base]
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    workers = frozenset(pid for pid, parent in parents.items() if parent == root) or frozenset({root})
    return ServerSample(
        sum(used.get(pid, 0.0) for pid in tree),
        workers,
        machine_busy_seconds(),
        sum(user.get(pid, 0.0) for pid in tree),
    )


def cpu_seconds(base: str) -> float:
    """CPU time used so far by the server at ``base``: its uvicorn process and every worker it started."""
    return sample(base).cpu_seconds


async def _wait_until_ready(base: str, path: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(600):  # two minutes: a loaded machine can be slow to import and migrate
            try:
                if (await client.get(path)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("the server did not become ready")


if __name__ == "__main__":  # python -m bench.server NAME SCOPE... (DATABASE_URL from the environment)
    print(asyncio.run(_seed_and_mint(sys.argv[1], sys.argv[2:])))
