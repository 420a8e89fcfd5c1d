"""Live uvicorn workers for tests that must cross a real socket (several workers, clients that bring their own HTTP
stack: the SDK, the command line, a browser, a generated client): each serves the test's own database on a free
loopback port."""

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

READY_WITHIN = 60  # seconds
PORT_ATTEMPTS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start(
    database_url: str, settings: dict[str, str] | None = None, *, log_level: str = "warning", output: int | None = None
) -> tuple[asyncio.subprocess.Process, str]:
    """A uvicorn worker serving the API on ``database_url``; returns the process and its base URL once ready.

    A free port is found by binding and letting go, so another test's worker may take it first: a worker that exits
    before it is ready is started again on another port."""
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        environment = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": log_level, **(settings or {})}
        command = ["-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port), "--log-level", log_level]
        process = await asyncio.create_subprocess_exec(sys.executable, *command, env=environment, stdout=output)
        base = f"http://127.0.0.1:{port}"
        if await _ready(process, base):
            return process, base
        if process.returncode is None:  # running, and never ready
            process.terminate()
            await process.wait()
            raise TimeoutError("a worker did not become ready")
    raise RuntimeError(f"no worker could take a free port in {PORT_ATTEMPTS} attempts")


async def _ready(process: asyncio.subprocess.Process, base: str) -> bool:
    """Whether the worker answers /readyz in time; False at once if it exits first (its port was taken)."""
    # A worker imports the app in about 3 s of CPU: on two cores shared with other suites that can take 20 s.
    deadline = asyncio.get_running_loop().time() + READY_WITHIN
    async with httpx.AsyncClient(base_url=base) as probe:
        while asyncio.get_running_loop().time() < deadline and process.returncode is None:
            try:
                if (await probe.get("/readyz")).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    return False


class Workers(list[str]):
    """Workers' base URLs, with their processes (a test may pause one, as a stuck worker)."""

    def __init__(self, started: list[tuple[asyncio.subprocess.Process, str]]) -> None:
        super().__init__(base for _process, base in started)
        self.processes = {base: process for process, base in started}


@asynccontextmanager
async def serving(database_url: str, count: int = 1, **settings: str) -> AsyncIterator[Workers]:
    """``count`` workers on one database; yields their base URLs and stops them after."""
    outcomes = await asyncio.gather(*(start(database_url, settings) for _ in range(count)), return_exceptions=True)
    started = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    try:
        for outcome in outcomes:
            if isinstance(outcome, BaseException):  # the others are stopped below, not left running
                raise outcome
        yield Workers(started)
    finally:
        for process, _base in started:
            if process.returncode is None:
                process.send_signal(signal.SIGCONT)  # a worker a test paused takes its SIGTERM
                process.terminate()
        await asyncio.gather(*(process.wait() for process, _base in started))
