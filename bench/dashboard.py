"""How fast the dashboard's scorecard shows: headless Chromium against the API on embedded SQLite (what `make run`
serves), the strategy loaded and DfE's shipped statistics imported; the time from navigation to the 11 Council Plan
tiles, and to every trend drawn, at full speed and with the CPU slowed 4x (a slow laptop, as Chrome's DevTools
emulate one).

    python -m bench.dashboard [--loads 10]
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright

from bench.server import _free_port, live_server, run_cli, seeded

CHROMIUM = "/usr/bin/chromium"
TRENDS = 2  # the Council Plan KPIs with a series (DfE's care leavers and placement stability figures)
SERVE = Path(__file__).resolve().parents[1] / "clients" / "dashboard" / "serve.py"


async def _load(page: Page, address: str) -> tuple[float, float]:
    """Milliseconds from navigation to the tiles, and to the last trend."""
    await page.goto("about:blank")
    start = await page.evaluate("() => performance.timeOrigin + performance.now()")
    await page.goto(f"{address}/#/scorecard")
    await page.locator("#tiles article").nth(10).wait_for()
    tiles = await page.evaluate("() => performance.timeOrigin + performance.now()")
    await page.wait_for_function(
        "n => document.querySelectorAll('.spark canvas').length >= n", arg=TRENDS, timeout=30_000
    )
    drawn = await page.evaluate("() => performance.timeOrigin + performance.now()")
    return tiles - start, drawn - start


async def _measure(address: str, loads: int) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        session = await page.context.new_cdp_session(page)
        print(f"{'setting':<34}{'tiles p50':>10}{'p90':>8}{'trends p50':>12}{'p90':>8}   (ms, {loads} loads)")
        for rate, name in ((1, "full speed"), (4, "CPU slowed 4x (slow laptop)")):
            await session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            await _load(page, address)  # warm: the browser's cache holds the static files, as on a second visit
            times = [await _load(page, address) for _ in range(loads)]
            tiles = sorted(one[0] for one in times)
            trends = sorted(one[1] for one in times)
            p90 = max(0, int(len(times) * 0.9) - 1)
            print(
                f"{name:<34}{statistics.median(tiles):>10.0f}{tiles[p90]:>8.0f}"
                f"{statistics.median(trends):>12.0f}{trends[p90]:>8.0f}"
            )
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=10)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite+aiosqlite:///{folder}/bench-dashboard.db"
        seeded(database, "bench administrator", "admin")
        run_cli(database, "benchmarks", "import-shipped")
        reader = run_cli(database, "keys", "create", "--name", "dashboard bench", "--scope", "read")
        key = reader.strip().splitlines()[-1]
        port = _free_port()
        with live_server(database, CORS_ORIGINS=f"http://127.0.0.1:{port}", RATE_LIMIT_PER_MINUTE="0") as api:
            command = [sys.executable, str(SERVE), "--api", api, "--port", str(port)]
            dashboard = subprocess.Popen(
                command, env={"DASHBOARD_API_KEY": key, "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE
            )
            try:
                assert dashboard.stdout is not None
                address = dashboard.stdout.readline().decode().split()[2]
                asyncio.run(_measure(address, arguments.loads))
            finally:
                dashboard.terminate()
                dashboard.wait()


if __name__ == "__main__":
    main()
