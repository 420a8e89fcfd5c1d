"""The dashboard in headless Chromium, as a council manager would use it: the scorecard's Council Plan tiles, the
tracker's filters in the address, a KPI's chart and its in-year figures, the returns owed, a KPI by team, the
assurance programme's reports, and every page free of serious accessibility faults and console
errors, reaching nothing but the dashboard and the service. Screenshots go to build/test-artifacts/dashboard/."""

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, ConsoleMessage, Page, Response

from tests.browser import NO_CHROMIUM, offline_page
from tests.dashboard.conftest import ARTIFACTS, RATED, UPDATED_ACTION, Site, start_dashboard

pytestmark = NO_CHROMIUM

NO_FIGURES = "repeat-child-protection-plans-within-2-years"  # no figure in the site the tests arrange
RATING_WORDS = {"On target", "Near target", "Off target", "Not rated"}
PAGES = {
    "scorecard": "#/scorecard",
    "kpi": "#/kpis/care-leavers-in-eet-16-21",
    # a KPI with no figure of its own yet: the page still reads well (and asks for no benchmark, which needs one)
    "kpi-no-figures": f"#/kpis/{NO_FIGURES}",
    "tracker": "#/actions",
    "returns": "#/returns",
    "sign-offs": "#/sign-offs",
    "teams": f"#/teams?kpi={RATED[0]}&period=2016/17",
    "assurance": "#/assurance",
    "programme": "#/programme",
    "governance": "#/governance",
    "meetings": "#/meetings",
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
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _response(self, response: Response) -> None:
        # A request the page made that the API refused is a fault even where the page copes with it (a 404 it asked
        # for and then hid): a browser does not always log it to the console.
        if response.status >= 400:
            self.errors.append(f"{response.status} from {response.request.method} {response.url}")

    async def open(self, base: str, where: str) -> None:
        await self.page.goto(f"{base}/{where}")
        await self.page.locator("main h1").first.wait_for()
        await self.page.wait_for_function("() => !document.getElementById('main').hasAttribute('aria-busy')")

    async def shown(self, address: str) -> None:
        """Once the address matches, the page drawn for it (aria-busy is set as the address changes)."""
        await self.page.wait_for_url(re.compile(address))
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


async def _grave(axe: Axe, page: Page) -> list[str]:
    """The serious and critical accessibility faults axe finds on the page."""
    results = await axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


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


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("width", [1280, 390])
async def test_every_page_passes_an_accessibility_scan_with_no_console_errors(
    browser: Browser, site: Site, width: int, name: str
) -> None:
    """Each page and width a test of its own, so that the suite's workers share the scans."""
    page, refused = await offline_page(browser, site.dashboard, site.api, viewport={"width": width, "height": 900})
    visit = Visit(page, refused)
    await visit.open(site.dashboard, PAGES[name])
    if name == "scorecard":
        await page.locator(".spark canvas").first.wait_for()
    assert await _grave(Axe(), page) == []
    # usable at phone width: nothing but a table's own scroller is wider than the screen
    assert await page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
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


async def _post(site: Site, rows: list[dict[str, object]]) -> None:
    async with httpx.AsyncClient(base_url=f"{site.api}/api/v1", headers=site.admin) as client:
        answer = await client.post("/kpi-submissions", json={"rows": rows})
        assert answer.status_code == 201, answer.text


async def _returns_match(page: Page, site: Site, **query: str) -> None:
    """The counts by status and the rows shown are what /returns answers for the same owner, date and status."""
    listed = await _api(site, "/returns", limit="50", **query)
    keys = [f"{item['kpi']}:{item['period']}" for item in listed["items"]]
    await page.wait_for_function(
        "keys => JSON.stringify([...document.querySelectorAll('tbody tr[data-return]')].map(r => r.dataset.return))"
        " === JSON.stringify(keys)",
        arg=keys,
    )
    assert f"{listed['total']} return" in await page.locator("#result-count").inner_text()
    counted = {name: value for name, value in query.items() if name != "status"}
    for status in ("missing", "late", "due", "received"):
        total = (await _api(site, "/returns", status=status, limit="1", **counted))["total"]
        badge = page.locator(f'#return-counts li[data-status="{status}"]')
        assert (await badge.locator(".count").inner_text()).strip() == str(total), status
        assert status.capitalize() in await badge.inner_text()  # a word beside its symbol


async def test_the_returns_page_counts_and_lists_what_the_service_owes(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, PAGES["returns"])
    await _returns_match(visit.page, site)  # as at today: the seeded returns are mostly missing
    assert "(today)" in await visit.page.locator("main h2").first.inner_text()

    await visit.page.get_by_label("As at", exact=True).fill("2017-04-30")
    await visit.shown(r"as_at=2017-04-30")
    await _returns_match(visit.page, site, as_at="2017-04-30")
    periods = await visit.page.locator("tbody tr[data-return]").all_inner_texts()
    assert any("2016/17" in row for row in periods)
    assert "30 Apr 2017" in await visit.page.locator("main h2").first.inner_text()

    await visit.page.get_by_label("Status", exact=True).select_option("missing")
    await visit.shown(r"status=missing")
    assert parse_qs(urlsplit(visit.page.url).fragment.split("?", 1)[1]) == {
        "status": ["missing"],
        "as_at": ["2017-04-30"],
    }
    await _returns_match(visit.page, site, as_at="2017-04-30", status="missing")
    await visit.page.get_by_label("Owner (accountable or submitting)", exact=True).select_option("AD SLAC")
    await visit.shown(r"owner=AD")
    await _returns_match(visit.page, site, as_at="2017-04-30", status="missing", owner="AD SLAC")
    # each KPI's title leads to its page
    links = visit.page.locator("tbody tr[data-return] td:first-child a")
    shown = [await link.get_attribute("href") for link in await links.all()]
    listed = await _api(site, "/returns", as_at="2017-04-30", status="missing", owner="AD SLAC")
    assert shown == [f"#/kpis/{item['kpi']}" for item in listed["items"]]
    await visit.keep("returns")
    assert visit.errors == []


async def test_who_to_chase_names_the_submitting_owners_of_missing_returns(visit: Visit, site: Site) -> None:
    await visit.open(site.dashboard, "#/returns?as_at=2017-04-30")
    missing = (await _api(site, "/returns", as_at="2017-04-30", status="missing", limit="500"))["items"]
    owed: dict[str, int] = {}
    for item in missing:
        owed[item["submitting_owner"]] = owed.get(item["submitting_owner"], 0) + 1
    rows = visit.page.locator("#chase tbody tr[data-owner]")
    shown = {
        await row.get_attribute("data-owner"): await row.locator("td").nth(1).inner_text() for row in await rows.all()
    }
    assert shown == {owner: str(count) for owner, count in owed.items()}
    # the longest overdue first: a return due in September 2016 before those due after 2016/17's year end
    assert "14 Sept 2016" in await rows.first.inner_text() or "14 Sep 2016" in await rows.first.inner_text()


TEAMS = ("reviewing-unit", "child-placement-team", "early-help-team", "childrens-hub", "youth-offending-team")
IN_NEED = "children-in-need"  # a snapshot count: the teams' figures add up


async def test_the_teams_page_lists_the_teams_and_rolls_a_kpi_up_from_them(visit: Visit, site: Site) -> None:
    figures = dict(zip(TEAMS, (120, 340, 95, 60, 25), strict=True))
    await _post(
        site, [{"kpi": IN_NEED, "period": "FY2016-17", "scope": team, "value": figures[team]} for team in TEAMS[:4]]
    )
    await visit.open(site.dashboard, "#/teams")
    listed = await _api(site, "/teams")
    region = visit.page.get_by_role("region", name="Teams and localities", exact=True)
    assert [await row.get_attribute("data-team") for row in await region.locator("tbody tr").all()] == [
        team["key"] for team in listed["items"]
    ]
    assert set(TEAMS) == {team["key"] for team in listed["items"]}
    reviewing = await region.locator('tr[data-team="reviewing-unit"]').inner_text()
    assert "AD SLAC" in reviewing
    assert "Team manager" in reviewing
    assert "Stockton-on-Tees" in reviewing

    await visit.page.get_by_label("KPI", exact=True).select_option(IN_NEED)
    await visit.shown(rf"kpi={IN_NEED}$")
    await visit.page.get_by_label("Period", exact=True).fill("2016/17")
    await visit.page.get_by_role("button", name="Show by team").click()
    await visit.shown(rf"kpi={IN_NEED}&period=2016%2F17")
    combined = visit.page.locator("#combined")
    await combined.filter(has_text="Cannot be combined").wait_for()  # one team has sent nothing yet
    assert "youth-offending-team" in await combined.inner_text()

    await _post(
        site,
        [
            {"kpi": IN_NEED, "period": "FY2016-17", "scope": "youth-offending-team", "value": 25},
            {"kpi": IN_NEED, "period": "FY2016-17", "value": 650},
        ],
    )
    await visit.page.reload()
    roll_up = await _api(site, f"/kpis/{IN_NEED}/teams", period="2016/17")
    await combined.filter(has_text=roll_up["combined"]["display"]).wait_for()
    assert roll_up["combined"]["value"] == sum(figures.values())
    teams = visit.page.locator("#roll-up tbody tr[data-team]")
    assert {
        await row.get_attribute("data-team"): await row.locator("td").nth(1).inner_text() for row in await teams.all()
    } == {team["team"]: team["display"] for team in roll_up["teams"]}
    assert await visit.page.locator("#borough").inner_text() == roll_up["borough"]["display"]
    assert await visit.page.locator("#difference").inner_text() == f"+{roll_up['difference']}"  # 650 - 640
    await visit.keep("teams")
    assert visit.errors == []


CARE_LEAVERS = "care-leavers-in-eet-16-21"  # yearly; a snapshot percentage with a 55% target for 2016/17


async def test_a_kpi_pages_in_year_table_is_the_services_in_year_view(visit: Visit, site: Site) -> None:
    await _post(
        site, [{"kpi": CARE_LEAVERS, "period": f"2016-0{month}", "value": 48 + month} for month in (4, 5, 6, 7)]
    )
    async with httpx.AsyncClient(base_url=f"{site.api}/api/v1", headers=site.admin) as client:
        points = [
            {"period": f"FY2016-17-Q{quarter}", "value": value} for quarter, value in enumerate((51, 53, 54, 55), 1)
        ]
        answer = await client.put(
            f"/kpis/{CARE_LEAVERS}/target-profiles/FY2016-17",
            json={"basis": "per_period", "points": points},
            headers={"If-None-Match": "*"},
        )
        assert answer.status_code == 201, answer.text
    await visit.open(site.dashboard, PAGES["kpi"])
    body = await _api(site, f"/kpis/{CARE_LEAVERS}/in-year")
    assert body["year"] == "FY2016-17"  # the service's default: the latest year with a month's figure
    assert await visit.page.get_by_label("Year", exact=True).input_value() == "FY2016-17"
    rows = visit.page.locator("#in-year tbody tr[data-period]")
    assert [await row.get_attribute("data-period") for row in await rows.all()] == [
        item["period"] for item in body["periods"]
    ]
    for item in body["periods"]:
        cells = await visit.page.locator(f'#in-year tr[data-period="{item["period"]}"] td').all_inner_texts()
        assert cells[0] == item["label"]
        assert cells[1] == (item["figure"]["display"] or "–")
        if item["year_to_date"]["value"] is not None:
            assert cells[3] == item["year_to_date"]["display"]
            assert cells[6].endswith(item["rating"]["word"])  # a word after its symbol
            assert item["rating"]["symbol"] in cells[6]
        assert cells[4] == (item["rolling_twelve_months"]["display"] or "–")
        assert cells[5] == (item["profiled_target_display"] or "–")
    june = next(item for item in body["periods"] if item["period"] == "2016-06")
    assert june["rating"]["status"] != "not_rated"  # the end of Q1, a point of the profile
    # charted by month: the year to date against the profile's points, with the table as its alternative
    await visit.page.locator("#in-year-chart").wait_for()
    drawn = await visit.page.evaluate(
        "() => Chart.getChart('in-year-chart').data.datasets.map(d => [d.label, d.data.filter(v => v !== null).length])"
    )
    assert dict(drawn) == {"Year to date": 4, "Profiled target": 4}
    assert "Year to date:" in (await visit.page.locator("#in-year-chart").get_attribute("aria-label") or "")
    assert await _grave(Axe(), visit.page) == []
    await visit.keep("kpi-in-year")

    year = visit.page.get_by_label("Year", exact=True)
    await year.focus()
    await year.select_option("FY2017-18")
    await visit.shown(r"year=FY2017-18")
    await visit.page.locator("#in-year-none").wait_for()
    assert await visit.page.locator("#in-year-none").inner_text() == (
        "No monthly or quarterly figures have been submitted for 2017/18."
    )
    assert await year.evaluate("element => element === document.activeElement")
    assert visit.errors == []


ACTIVITIES: list[dict[str, Any]] = [
    {
        "kind": "practice_observation",
        "setting": "cp_conference",
        "team": "reviewing-unit",
        "carried_out_on": "2016-10-05",
        "grading": "good",
        "themes": ["Voice of the child"],
        "actions": [{"action": UPDATED_ACTION, "relation": "evidences"}],
    },
    {
        "kind": "case_file_audit",
        "team": "reviewing-unit",
        "carried_out_on": "2016-11-10",
        "grading": "requires_improvement",
        "themes": ["voice of the child", "Management oversight"],
    },
    {"kind": "case_file_audit", "team": "early-help-team", "carried_out_on": "2017-01-12", "grading": "inadequate"},
]


async def test_the_assurance_page_shows_gradings_by_team_and_quarter_themes_and_actions(
    visit: Visit, site: Site
) -> None:
    async with httpx.AsyncClient(base_url=f"{site.api}/api/v1", headers=site.admin) as client:
        for activity in ACTIVITIES:
            answer = await client.post("/assurance-activities", json={**activity, "carried_out_by_role": "Manager"})
            assert answer.status_code == 201, answer.text
    await visit.open(site.dashboard, PAGES["assurance"])
    report = await _api(site, "/assurance-reports/gradings")
    for grade, count in report["total"]["counts"].items():
        badge = visit.page.locator(f'#grade-counts li[data-grade="{grade}"]')
        assert (await badge.locator(".count").inner_text()).strip() == str(count), grade
    assert (report["total"]["counts"]["good"], report["total"]["graded"]) == (1, 3)
    for team in report["teams"]:
        for quarter in [*team["quarters"], {**team["total"], "quarter": "total"}]:
            row = visit.page.locator(f'tr[data-team="{team["team"]}"][data-quarter="{quarter["quarter"]}"]')
            if quarter["quarter"] != "total" and quarter["graded"] + quarter["not_graded"] == 0:
                assert await row.count() == 0  # a quarter with nothing is left out
                continue
            cells = (await row.locator("td").all_inner_texts())[2:]
            assert cells == [*map(str, quarter["counts"].values()), str(quarter["graded"]), str(quarter["not_graded"])]
    themes = await _api(site, "/assurance-reports/themes")
    shown = visit.page.locator("#themes tbody tr[data-theme]")
    assert [await row.get_attribute("data-theme") for row in await shown.all()] == [
        item["theme"] for item in themes["items"]
    ]
    assert "Voice of the child" in await visit.page.locator("#themes").inner_text()
    row = visit.page.locator(f'#assurance-actions tr[data-action="{UPDATED_ACTION}"]')
    text = await row.inner_text()
    assert "40%" in text  # its progress, from the update the fixture records
    assert "Green" in text
    assert "Evidenced by a practice observation (Reviewing Unit" in text

    await visit.page.get_by_label("Carried out from", exact=True).fill("2016-12-01")
    await visit.shown(r"from=2016-12-01")
    later = await _api(site, "/assurance-reports/gradings", **{"from": "2016-12-01"})
    assert later["total"]["graded"] == 1
    count = visit.page.locator('#grade-counts li[data-grade="inadequate"] .count')
    assert await count.inner_text() == "1"
    assert await visit.page.locator('#grade-counts li[data-grade="good"] .count').inner_text() == "0"
    await visit.keep("assurance")
    assert visit.errors == []


async def test_awaiting_sign_off_lists_the_figures_the_service_does_and_the_kpi_page_says_so(
    visit: Visit, site: Site
) -> None:
    code, period, _value = RATED
    awaiting = (await _api(site, "/sign-offs", limit="50"))["items"]
    assert (code, period) in {(item["kpi"], item["period"]) for item in awaiting}
    await visit.open(site.dashboard, PAGES["sign-offs"])
    shown = await visit.page.locator("tbody tr[data-figure]").evaluate_all("rows => rows.map(r => r.dataset.figure)")
    assert shown == [f"{item['kpi']}:{item['scope']}:{item['period']}" for item in awaiting]
    await visit.open(site.dashboard, f"#/kpis/{code}")
    facts = await visit.page.locator("main").inner_text()
    assert "Sign-off\nAwaiting sign-off" in facts or "Sign-off\tAwaiting sign-off" in facts
    history = await visit.page.locator("table", has_text="Every figure and revision").inner_text()
    assert "Awaiting sign-off" in history
    assert visit.errors == []


async def test_the_meetings_page_shows_the_agenda_packs_and_the_decisions_log(visit: Visit, site: Site) -> None:
    async with httpx.AsyncClient(base_url=f"{site.api}/api/v1", headers=site.admin, timeout=60) as client:
        pack = await client.post("/governance-bodies/csmt/packs", json={"meeting_date": "2016-10-12"})
        assert pack.status_code == 201, pack.text
        meeting = await client.post("/meetings", json={"body": "csmt", "meeting_date": "2016-10-12", "title": "CSMT"})
        assert meeting.status_code == 201, meeting.text
        new = {
            "key": "cin-private-fostering-audit",
            "focus_area": "children-in-need-of-help-and-protection",
            "what": "Audit private fostering arrangements",
            "when": "Jan 2017",
            "who": ["AD SLAC"],
        }
        decided = {"text": "Audit private fostering", "reasons": "Late", "actions_arising": [{"new": new}]}
        answer = await client.post(f"/meetings/{meeting.json()['id']}/decisions", json=decided)
        assert answer.status_code == 201, answer.text
    await visit.open(site.dashboard, PAGES["meetings"])
    card = visit.page.locator(f'[data-meeting="{meeting.json()["id"]}"]')
    assert "12 Oct 2016" in await card.locator("h2").inner_text()
    row = card.locator('[data-decision="1"]')
    assert "Audit private fostering" in await row.inner_text()
    action = await row.locator('[data-action="cin-private-fostering-audit"]').inner_text()
    assert "AD SLAC" in action
    assert "Jan 2017" in action
    async with visit.page.expect_download() as started:
        await card.locator(f'[data-pack="{pack.json()["id"]}"]').get_by_role("link", name="Spreadsheet (CSV)").click()
    assert (await started.value).suggested_filename == f"pack-{pack.json()['id']}-v1.csv"
    await visit.page.get_by_label("Body", exact=True).select_option("odg")
    await visit.shown(r"body=odg")
    await visit.page.locator("#no-meetings").wait_for()
    await visit.keep("meetings")
    assert visit.errors == []


async def test_the_browser_is_sent_large_answers_gzipped_and_draws_them(visit: Visit, site: Site) -> None:
    """Chromium asks for gzip; the service's larger answers come coded (api/compression.py) and read as they would."""
    coded: list[str] = []

    async def seen(response: Response) -> None:
        if response.url.startswith(site.api) and (await response.all_headers()).get("content-encoding") == "gzip":
            coded.append(urlsplit(response.url).path)

    visit.page.on("response", seen)
    await visit.open(site.dashboard, PAGES["scorecard"])
    assert await visit.page.locator("[data-kpi]").count() > 0
    assert "/api/v1/scorecard" in coded
    assert visit.errors == []
