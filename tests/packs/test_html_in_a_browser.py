"""The HTML pack as a reader's browser shows it: an accessibility scan with its charts, nothing fetched, and its
charts drawn."""

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser

from api.packs.render import render_html
from tests.browser import NO_CHROMIUM, offline_page
from tests.packs.test_render import example_pack

pytestmark = NO_CHROMIUM


async def test_the_pack_with_its_charts_passes_an_accessibility_scan_and_fetches_nothing(browser: Browser) -> None:
    page, refused = await offline_page(browser, viewport={"width": 1280, "height": 900})
    await page.set_content(render_html(example_pack()))
    charts = page.get_by_role("img")
    assert await charts.count() == 2, "the KPI's trend and the savings by year"
    name = await charts.first.evaluate(
        "svg => document.getElementById(svg.getAttribute('aria-labelledby')).textContent"
    )
    assert name.startswith("Percentage of young people aged 16-19 who are NEET or Not Known: 10% in 2014/15")
    box = await charts.first.bounding_box()
    assert box is not None
    assert box["width"] > 300, "drawn at a readable size"
    results = await Axe().run(page)
    grave = [
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert grave == []
    assert refused == []
    await page.close()
