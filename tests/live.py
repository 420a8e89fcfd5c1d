"""Live uvicorn workers for tests that must cross a real socket (several workers, clients that bring their own HTTP
stack: the SDK, the command line, a browser, a generated client): each serves the test's own database on a free
loopback port."""

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start(database_url: str, **settings: str) -> tuple[asyncio.subprocess.Process, str]:
    """A uvicorn worker serving the API on ``database_url``; returns the process and its base URL once ready."""
    port = free_port()
    environment = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": "warning", **settings}
    command = ["-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port), "--log-level", "warning"]
    process = await asyncio.create_subprocess_exec(sys.executable, *command, env=environment)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base) as probe:
        for _ in range(300):  # 30 s: starting takes seconds of CPU, longer on a loaded machine
            try:
                if (await probe.get("/readyz")).status_code == 200:
                    return process, base
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    process.terminate()
    await process.wait()
    raise TimeoutError("a worker did not become ready")


@asynccontextmanager
async def serving(database_url: str, count: int = 1, **settings: str) -> AsyncIterator[list[str]]:
    """``count`` workers on one database; yields their base URLs and stops them after."""
    outcomes = await asyncio.gather(*(start(database_url, **settings) for _ in range(count)), return_exceptions=True)
    started = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    failed = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    if failed:  # stop the workers that did start, rather than leave them running after the run
        await _stop(started)
        raise failed[0]
    try:
        yield [base for _process, base in started]
    finally:
        await _stop(started)


async def _stop(started: list[tuple[asyncio.subprocess.Process, str]]) -> None:
    for process, _base in started:
        process.terminate()
    await asyncio.gather(*(process.wait() for process, _base in started))
