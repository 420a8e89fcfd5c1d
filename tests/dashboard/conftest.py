"""The dashboard as `make run` serves it: clients/dashboard/serve.py in its own process with a read key, beside a
live worker whose CORS setting lets that origin read it; the strategy loaded, DfE's shipped statistics imported,
and a few figures and progress updates added through the API as the council's systems would.

Starting the two processes and arranging the data took four seconds a test, a quarter of the suite's time, so a
module shares them: the data are arranged once, kept as a snapshot, and restored before each test (which may write
what it likes: the database is emptied after it, as after any test)."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.auth.models import Scope
from tests.conftest import mint_key
from tests.factories import Rows, SeedSnapshot, empty_database, restore_snapshot, take_snapshot
from tests.live import READY_WITHIN, free_port, serving

ROOT = Path(__file__).resolve().parent.parent.parent  # the repository
SERVE = ROOT / "clients" / "dashboard" / "serve.py"
NATIONAL = ROOT / "seed" / "national"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "dashboard"
RATED = ("assessments-completed-in-45-days", "FY2016-17", 93)  # a Council Plan KPI's figure against its target
UPDATED_ACTION = "gl-clear-strategy-and-priorities"


@dataclass(frozen=True)
class Site:
    dashboard: str
    api: str
    admin: dict[str, str]
    reader: str  # the dashboard's read key
    spare_port: int  # a second origin the service allows, for a dashboard started by a test


async def start_dashboard(api: str, port: int, key: str | None) -> tuple[asyncio.subprocess.Process, str]:
    """serve.py as `make run` starts it; returns the process and its address once it listens."""
    environment = {name: value for name, value in os.environ.items() if name != "DASHBOARD_API_KEY"}
    if key is not None:
        environment["DASHBOARD_API_KEY"] = key
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(SERVE), "--api", api, "--port", str(port), env=environment, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), READY_WITHIN)
    assert line.startswith(b"dashboard on http://"), line
    return process, line.split()[2].decode()


async def arrange(api: str, admin: dict[str, str]) -> None:
    """DfE's figures for three KPIs, a figure with a target to rate, and an action's progress."""
    async with httpx.AsyncClient(base_url=f"{api}/api/v1", headers=admin, timeout=60) as client:
        for name in ("care-leavers-in-eet-17-21", "placement-stability-same-carer-2-years"):
            shipped = (await client.get(f"/benchmarks/mappings/{name}")).json()
            body = (NATIONAL / shipped["file"]).read_bytes()
            answer = await client.post(
                "/benchmarks/imports", params={"mapping": name}, content=body, headers={"Content-Type": "text/csv"}
            )
            assert answer.status_code in (200, 201), answer.text
        code, period, value = RATED
        answer = await client.put(f"/kpis/{code}/values/{period}", json={"value": value, "note": "Year-end return."})
        assert answer.status_code == 201, answer.text
        update = {
            "status": "on_track",
            "rag": "green",
            "percent_complete": 40,
            "commentary": "Priorities agreed at CSMT; workforce plan drafted.",
            "as_of": "2016-09-30",
        }
        answer = await client.post(f"/actions/{UPDATED_ACTION}/updates", json=update)
        assert answer.status_code == 201, answer.text


@dataclass(frozen=True)
class Served:
    site: Site
    rows: Rows  # what each test starts from: the strategy, the two keys, and what arrange() added


@pytest.fixture(scope="module")
async def served(database_url: str, seeded: SeedSnapshot) -> AsyncIterator[Served]:
    """The module's service and dashboard, and the data they serve as a snapshot. The service's read cache is off:
    the data are restored under it before each test, as under the in-process app (tests/conftest.py)."""
    await restore_snapshot(seeded.rows)
    try:
        admin = {"Authorization": f"Bearer {await mint_key(Scope.admin, name='test administrator')}"}
        reader = await mint_key(Scope.read, name="dashboard (tests)")
        port, spare_port = free_port(), free_port()
        origins = f"http://127.0.0.1:{port},http://127.0.0.1:{spare_port}"
        async with serving(database_url, CORS_ORIGINS=origins, READ_CACHE_ENTRIES="0", RATE_LIMIT_PER_MINUTE="0") as (
            api,
        ):
            await arrange(api, admin)
            rows = await take_snapshot()
            await empty_database()
            process, address = await start_dashboard(api, port, reader)
            try:
                yield Served(Site(address, api, admin, reader, spare_port), rows)
            finally:
                process.terminate()
                await process.wait()
    finally:
        await empty_database()


@pytest.fixture
async def site(served: Served, clean_tables: None) -> Site:
    """The dashboard and its service, on the arranged data (restored for this test)."""
    await restore_snapshot(served.rows)
    return served.site
