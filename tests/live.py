"""Live uvicorn workers for tests that must cross a real socket (several workers, clients that bring their own HTTP
stack: the SDK, the command line, a browser, a generated client): each serves the test's own database on a free
loopback port. A worker is forked from the tests' fork server (tests/forks.py), with the app already imported; a
test that reads a worker's output gets a new interpreter instead."""

import asyncio
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import httpx

from tests.forks import FORKS, fresh

READY_WITHIN = 60  # seconds
PORT_ATTEMPTS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process(Protocol):
    """What tests do with a worker's process (asyncio's subprocess, or a Forked one)."""

    @property
    def pid(self) -> int: ...

    @property
    def returncode(self) -> int | None: ...

    def send_signal(self, signum: int) -> None: ...

    def terminate(self) -> None: ...

    async def wait(self) -> int: ...


def _serve(port: int, environment: dict[str, str], log_level: str) -> None:
    """A forked worker's body: uvicorn as `python -m uvicorn api.main:create_app --factory` runs it."""
    fresh(environment)
    import uvicorn

    uvicorn.run("api.main:create_app", factory=True, port=port, log_level=log_level)


class Forked:
    """A worker forked from the fork server, answering as asyncio's subprocesses do."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode

    def send_signal(self, signum: int) -> None:
        if self.process.exitcode is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.process.terminate()

    async def wait(self) -> int:
        await asyncio.to_thread(self.process.join)
        assert self.process.exitcode is not None
        return self.process.exitcode


async def _launch(port: int, environment: dict[str, str], log_level: str, output: int | None) -> Process:
    if output is not None:  # the test reads what the worker writes: a new interpreter, its stdout a pipe
        command = ["-m", "uvicorn", "api.main:create_app", "--factory", "--port", str(port), "--log-level", log_level]
        return await asyncio.create_subprocess_exec(sys.executable, *command, env=environment, stdout=output)
    process = FORKS.Process(target=_serve, args=(port, environment, log_level), daemon=True)
    await asyncio.to_thread(process.start)  # the first start waits for the fork server to import the app
    return Forked(process)


async def start(
    database_url: str, settings: dict[str, str] | None = None, *, log_level: str = "warning", output: int | None = None
) -> tuple[Process, str]:
    """A uvicorn worker serving the API on ``database_url``; returns the process and its base URL once ready.

    A free port is found by binding and letting go, so another test's worker may take it first: a worker that exits
    before it is ready is started again on another port."""
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        environment = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": log_level, **(settings or {})}
        process = await _launch(port, environment, log_level, output)
        base = f"http://127.0.0.1:{port}"
        if await _ready(process, base):
            return process, base
        if process.returncode is None:  # running, and never ready
            process.terminate()
            await process.wait()
            raise TimeoutError("a worker did not become ready")
    raise RuntimeError(f"no worker could take a free port in {PORT_ATTEMPTS} attempts")


async def _ready(process: Process, base: str) -> bool:
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

    def __init__(self, started: list[tuple[Process, str]]) -> None:
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
