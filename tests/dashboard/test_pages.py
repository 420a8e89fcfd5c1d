"""The dashboard in headless Chromium, as a council manager would use it: the scorecard's Council Plan tiles, the
tracker's filters in the address, a KPI's chart, and every page free of serious accessibility faults and console
errors, reaching nothing but the dashboard and the service. Screenshots go to build/test-artifacts/dashboard/."""

import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, ConsoleMessage, Page

from tests.browser import NO_CHROMIUM, offline_page
from tests.dashboard.conftest import ARTIFACTS, RATED, UPDATED_ACTION, Site, start_dashboard

pytestmark = NO_CHROMIUM

RATING_WORDS = {"On target", "Near target", "Off target", "Not rated"}
PAGES = {
    "scorecard": "#/scorecard",
    "kpi": "#/kpis/care-leavers-in-eet-16-21",
    "tracker": "#/actions",
    "programme": "#/programme",
    "governance": "#/governance",
    "data-quality": "#/data-quality",
}


class Visit:
    """A page of the dashboard that records its console errors and anything it tried to reach elsewhere."""

    def __init__(self, page: Page, refused: list[str]) -> None:
        self.page = page
        self.refused = refused
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    async def open(self, base: str, where: str) -> None:
        await self.page.goto(f"{base}/{where}")
        await self.page.locator("main h1").first.wait_for()
        await self.page.wait_for_function("() => !document.getElementById('main').hasAttribute('aria-busy')")

    async def keep(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture
async def visit(browser: Browser, site: Site) -> AsyncIterator[Visit]:
    page, refused = await offline_page(browser, site.dashboard, site.api, viewport={"width": 1280, "height": 900})
    yield Visit(page, refused)
    await page.close()


async def _api(site: Site, path: str, **params: str) -> dict:  # type: ignore[type-arg]
    async with httpx.AsyncClient(base_url=f"{site.api}/api/v1", headers=site.admin) as client:
        answer = await client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]


async def _rows_shown(page: Page, count: int) -> None:
    await page.wait_for_function("n => document.querySelectorAll('tbody tr[data-action]').length === n", arg=count)


async def test_the_scorecard_shows_the_council_plan_tiles_in_the_plans_order(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, PAGES["scorecard"])
    tiles = visit.page.locator("#tiles article")
    assert await tiles.count() == 11
    card = await _api(site, "/scorecard", tier="council_plan")
    assert [await tile.get_attribute("data-kpi") for tile in await tiles.all()] == [
        item["code"] for item in card["items"]
    ]
    for tile in await tiles.all():
        badge = (await tile.locator(".badge").first.inner_text()).strip()
        assert badge.lstrip("✔●✖– ").strip() in RATING_WORDS, badge  # a word after its symbol
    rated = visit.page.locator(f'article[data-kpi="{RATED[0]}"]')
    expected = next(item for item in card["items"] if item["code"] == RATED[0])["rating"]
    assert expected["status"] != "not_rated"
    assert expected["word"] in await rated.inner_text()
    assert "93%" in await rated.inner_text()
    # trends follow the tiles: a KPI with DfE's series gets a sparkline named by its first and last figures
    spark = visit.page.locator('article[data-kpi="care-leavers-in-eet-16-21"] .spark canvas')
    await spark.wait_for()
    trend = r"Trend from \d{4}/\d{2} \(\d+%\) to \d{4}/\d{2} \(\d+%\)"
    assert re.match(trend, await spark.get_attribute("aria-label") or "")
    await visit.keep("scorecard")
    assert visit.errors == []
    assert visit.refused == []


async def test_filtering_the_tracker_narrows_the_rows_and_records_the_filter_in_the_address(
    visit: Visit, site: Site
) -> None:
    await visit.open(site.dashboard, PAGES["tracker"])
    rows = visit.page.locator("tbody tr[data-action]")
    everything = await _api(site, "/actions", limit="1")
    assert await rows.count() == min(50, everything["total"])
    assert f"{everything['total']} actions" in await visit.page.locator("#result-count").inner_text()

    focus_area = visit.page.get_by_label("Focus area")
    await focus_area.focus()  # as a user choosing from it: the focus stays on it once the rows change
    await focus_area.select_option("early-help")
    await visit.page.wait_for_url(re.compile(r"focus_area=early-help"))
    await visit.page.locator("#result-count", has_text="match these filters").wait_for()
    early_help = await _api(site, "/actions", focus_area="early-help", limit="500")
    assert 0 < early_help["total"] < everything["total"]
    assert await rows.count() == early_help["total"]
    assert [await row.get_attribute("data-action") for row in await rows.all()] == [
        item["key"] for item in early_help["items"]
    ]
    assert await focus_area.evaluate("element => element === document.activeElement")

    await visit.page.get_by_label("Overdue only").check()
    await visit.page.wait_for_url(re.compile(r"overdue=true"))
    query = parse_qs(urlsplit(visit.page.url).fragment.split("?", 1)[1])
    assert query == {"focus_area": ["early-help"], "overdue": ["true"]}
    overdue = await _api(site, "/actions", focus_area="early-help", overdue="true", limit="500")
    await _rows_shown(visit.page, overdue["total"])
    await visit.keep("tracker-filtered")

    # a shared address opens the same view; Back returns to the previous one
    shared = visit.page.url
    await visit.page.go_back()
    await visit.page.wait_for_url(re.compile(r"focus_area=early-help$"))
    await _rows_shown(visit.page, early_help["total"])
    await visit.page.goto(shared)
    await _rows_shown(visit.page, overdue["total"])
    assert await visit.page.get_by_label("Overdue only").is_checked()
    assert visit.errors == []


async def test_an_actions_update_history_opens_in_the_tracker(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, "#/actions?focus_area=governance-and-leadership")
    row = visit.page.locator(f'tr[data-action="{UPDATED_ACTION}"]')
    await row.get_by_text("Update history").click()
    await row.get_by_text("Priorities agreed at CSMT; workforce plan drafted.").wait_for()
    text = await row.inner_text()
    assert "30 Sept 2016" in text or "30 Sep 2016" in text
    assert "Green" in text
    assert "40% complete" in text
    assert visit.errors == []


async def test_a_kpi_page_draws_its_series_against_england_the_neighbours_and_the_target(
    visit: Visit, site: Site
) -> None:
    await visit.open(site.dashboard, PAGES["kpi"])
    await visit.page.locator("#kpi-chart").wait_for()
    drawn = await visit.page.evaluate(
        "() => Chart.getChart('kpi-chart').data.datasets.map(d => [d.label, d.data.filter(v => v !== null).length])"
    )
    points = dict(drawn)
    benchmark = await _api(site, "/kpis/care-leavers-in-eet-16-21/benchmark")
    published = [point for point in benchmark["series"] if point["subject"] and point["subject"]["value"] is not None]
    assert points["Stockton-on-Tees"] == len(published) >= 5
    assert points["England"] >= 5
    assert points["Statistical neighbours' average (2025 model)"] >= 5
    assert points["Target"] == 1  # the plan's 2016/17 target
    label = await visit.page.locator("#kpi-chart").get_attribute("aria-label") or ""
    assert "Stockton-on-Tees:" in label
    assert "England:" in label
    # the text alternative: every figure in a table
    await visit.page.get_by_text("Show the figures as a table").click()
    table = visit.page.get_by_role("region", name=re.compile("figures by period: the figures"))
    assert "2016/17" in await table.inner_text()
    assert await visit.page.locator("text=Revision history").count() == 1
    # every revision of every figure, one row each
    values = await _api(
        site, "/kpis/care-leavers-in-eet-16-21/values", scope="stockton-on-tees", history="true", limit="500"
    )
    revisions = visit.page.get_by_role("region", name="Every figure and revision, newest period first")
    assert await revisions.locator("tbody tr").count() == values["total"] > 0
    await visit.keep("kpi")
    assert visit.errors == []


@pytest.mark.parametrize("width", [1280, 390])
async def test_every_page_passes_an_accessibility_scan_with_no_console_errors(
    browser: Browser, site: Site, width: int
) -> None:
    page, refused = await offline_page(browser, site.dashboard, site.api, viewport={"width": width, "height": 900})
    visit = Visit(page, refused)
    axe = Axe()
    for name, where in PAGES.items():
        await visit.open(site.dashboard, where)
        if name == "scorecard":
            await page.locator(".spark canvas").first.wait_for()
        results = await axe.run(page)
        grave = [
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert grave == [], f"{name}: {grave}"
        # usable at phone width: nothing but a table's own scroller is wider than the screen
        assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), name
        await visit.keep(f"{name}-{width}")
    assert visit.errors == []
    assert refused == []
    await page.close()


async def test_the_keyboard_reaches_the_content_first_and_the_focus_follows_the_page(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, PAGES["scorecard"])
    await visit.page.keyboard.press("Tab")
    assert await visit.page.evaluate("document.activeElement.textContent") == "Skip to main content"
    await visit.page.keyboard.press("Enter")
    assert await visit.page.evaluate("document.activeElement.id") == "main"
    await visit.page.get_by_role("link", name="Action tracker").click()
    await visit.page.locator("h1", has_text="Action tracker").wait_for()
    await visit.page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    assert visit.page.url.endswith("#/actions")


async def test_without_a_key_the_dashboard_asks_for_one_and_keeps_it_for_the_tab(browser: Browser, site: Site) -> None:
    """Any static host can serve the dashboard: with no key in its config, its user types one in."""
    process, address = await start_dashboard(site.api, site.spare_port, None)
    try:
        page, refused = await offline_page(browser, address, site.api)
        visit = Visit(page, refused)
        await page.goto(f"{address}/#/scorecard")
        await page.get_by_role("heading", name="Connect to the strategy service").wait_for()
        await page.get_by_label("Service address").fill(site.api)
        await page.get_by_label("API key").fill("csk_kffffffffff_not-a-real-key")
        await page.get_by_role("button", name="Connect").click()
        await page.get_by_role("alert").filter(has_text="The service refused the key").wait_for()

        await page.get_by_label("Service address").fill(site.api)
        await page.get_by_label("API key").fill(site.reader)
        await page.get_by_role("button", name="Connect").click()
        await page.locator("#tiles article").nth(10).wait_for()
        await page.reload()  # kept for the tab
        await page.locator("#tiles article").nth(10).wait_for()
        assert await page.locator("#tiles article").count() == 11
        assert refused == []
        assert [error for error in visit.errors if "401" not in error] == []  # the refused key's answer is logged
    finally:
        process.terminate()
        await process.wait()


async def test_the_tracker_pages_through_every_action(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, PAGES["tracker"])
    everything = await _api(site, "/actions", limit="500")
    assert everything["total"] > 50  # the strategy's 56
    await visit.page.get_by_role("link", name="Next page").click()
    await visit.page.wait_for_url(re.compile(r"page=2"))
    await _rows_shown(visit.page, everything["total"] - 50)
    shown = [await row.get_attribute("data-action") for row in await visit.page.locator("tbody tr[data-action]").all()]
    assert shown == [item["key"] for item in everything["items"][50:]]
    assert await visit.page.get_by_role("link", name="Previous page").count() == 1


async def test_a_bodys_pack_downloads_with_the_dashboards_key(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, PAGES["governance"])
    card = visit.page.locator('[data-body="csmt"]')
    async with visit.page.expect_download() as started:
        await card.get_by_role("link", name="Printable pack (HTML)").click()
    download = await started.value
    assert download.suggested_filename == "csmt-pack.html"
    html = (await download.path()).read_text(encoding="utf-8")
    assert "<html" in html
    assert "Clear strategy and priorities" in html  # one of CSMT's business improvement actions
    async with visit.page.expect_download() as started:
        await card.get_by_role("link", name="Spreadsheet (CSV)").click()
    assert (await (await started.value).path()).read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    async with visit.page.expect_download() as started:
        await card.get_by_role("link", name="Meeting papers (PDF)").click()
    assert (await (await started.value).path()).read_bytes().startswith(b"%PDF-")
    assert visit.errors == []
