"""The command line as its users run it: `strategy` in a subprocess (exit codes, one upload) or in-process through
Typer's runner where a process adds nothing, against a live uvicorn worker on the test database.

The worker is the SDK tests' (one per pytest worker, for the whole run): it holds nothing between requests and its
read cache is off (each test restores the strategy under it), so starting one per test would only cost seconds."""

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from strategy_client.cli import app

STRATEGY = Path(sys.executable).with_name("strategy")  # the console script pip installed


@pytest.fixture
def server(sdk_server: str) -> str:
    """The SDK tests' live worker (tests/clients/conftest.py), shared by the whole run."""
    return sdk_server


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A user's environment without a profile or STRATEGY_ variables of the machine running the tests."""
    home = tmp_path / "home"
    home.mkdir()
    keep = {name: value for name, value in os.environ.items() if not name.startswith(("STRATEGY_", "FORCE_COLOR"))}
    return keep | {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "COLUMNS": "200"}


Runner = Callable[..., Ran]


@pytest.fixture
def run(environment: dict[str, str]) -> Runner:
    """`strategy ARGS` in a subprocess, as a user's shell runs it."""

    def run_strategy(*args: str, env: Mapping[str, str] | None = None, timeout: float = 60) -> Ran:
        done = subprocess.run(
            [str(STRATEGY), *args], env=environment | dict(env or {}), capture_output=True, text=True, timeout=timeout
        )
        return Ran(done.returncode, done.stdout, done.stderr)

    return run_strategy


@pytest.fixture
def invoke(environment: dict[str, str]) -> Runner:
    """`strategy ARGS` in this process, through Typer's runner."""

    def invoke_strategy(*args: str, env: Mapping[str, str] | None = None, input: str | None = None) -> Ran:
        result = CliRunner().invoke(app, list(args), env=environment | dict(env or {}), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Ran(result.exit_code, result.stdout, result.stderr)

    return invoke_strategy


def as_user(base: str, token: str) -> dict[str, str]:
    return {"STRATEGY_API_URL": base, "STRATEGY_API_KEY": token}


def api(base: str, token: str) -> httpx.Client:
    """A plain HTTP client, to check what the command line did through the API itself."""
    return httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def write_csv(path: Path, lines: list[str], *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def values_of(base: str, token: str, code: str, **query: Any) -> list[dict[str, Any]]:
    with api(base, token) as client:
        response = client.get(f"/kpis/{code}/values", params={"limit": 500} | query)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def total_of(base: str, token: str, code: str) -> int:
    with api(base, token) as client:
        response = client.get(f"/kpis/{code}/values", params={"limit": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])
