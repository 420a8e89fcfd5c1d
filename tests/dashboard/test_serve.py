"""clients/dashboard/serve.py: the static files, the one file that differs per installation (config.json, never
cached), and headers that let the page run only its own scripts and talk only to the service."""

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx

from tests.dashboard.conftest import SERVE, start_dashboard
from tests.live import free_port

API = "http://127.0.0.1:8123"


async def test_config_carries_the_service_and_its_key_and_is_never_cached() -> None:
    process, address = await start_dashboard(API, 0, "csk_kabc_secret")
    try:
        async with httpx.AsyncClient(base_url=address) as client:
            config = await client.get("/config.json")
            assert config.status_code == 200
            assert config.json() == {
                "api_base": API,
                "api_key": "csk_kabc_secret",
                "title": "Children's Services strategy",
            }
            assert config.headers["cache-control"] == "no-store"
            page = await client.get("/")
            assert page.status_code == 200
            assert '<html lang="en-GB">' in page.text
            policy = page.headers["content-security-policy"]
            assert "script-src 'self'" in policy
            assert f"connect-src 'self' {API}" in policy
            assert "frame-ancestors 'none'" in policy
            assert page.headers["x-content-type-options"] == "nosniff"
            chart = await client.get("/vendor/chart.js/chart.umd.min.js")
            assert chart.status_code == 200
            assert "Chart.js v4" in chart.text[:200]
            assert (await client.get("/vendor/chart.js/LICENSE.md")).status_code == 200
            # only the static folder is served
            assert (await client.get("/../serve.py")).status_code == 404
            assert (await client.get("/%2e%2e/serve.py")).status_code == 404
    finally:
        process.terminate()
        await process.wait()


async def test_without_a_key_the_config_says_so() -> None:
    process, address = await start_dashboard(API, 0, None)
    try:
        async with httpx.AsyncClient(base_url=address) as client:
            assert (await client.get("/config.json")).json()["api_key"] is None
    finally:
        process.terminate()
        await process.wait()


async def test_a_missing_key_file_stops_it_with_the_command_that_mints_one(tmp_path: Path) -> None:
    command = [sys.executable, str(SERVE), "--api", API, "--port", str(free_port()), "--key-file", str(tmp_path / "k")]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode != 0
    assert "keys local-reader" in done.stderr
