"""A live uvicorn worker on 127.0.0.1 for benchmarks, and the set-up they share."""

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def run_cli(database_url: str, *args: str) -> str:
    """`python -m api ...` against a database; returns what it printed."""
    env = os.environ | {"DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "api", *args], env=env, check=True, capture_output=True, text=True)
    return done.stdout


def mint_key(database_url: str, name: str, *scopes: str) -> str:
    flags = [part for scope in scopes for part in ("--scope", scope)]
    return run_cli(database_url, "keys", "create", "--name", name, *flags).strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(database_url: str, **settings: str) -> Iterator[str]:
    """One uvicorn worker serving the API on a free loopback port; yields its base URL and stops it after."""
    port = _free_port()
    env = os.environ | {"DATABASE_URL": database_url, "LOG_LEVEL": "warning", **settings}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:create_app",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_wait_until_ready(base))
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


async def _wait_until_ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(150):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError("the server did not become ready")
