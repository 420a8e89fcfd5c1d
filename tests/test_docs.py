"""The documentation page works offline: headless Chromium loads /docs from a live worker with every request to any
other host refused, and finds the operations listed."""

import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, Route, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: `make browser` installs Debian's (apt-get install chromium) where it can",
)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        await launched.close()


async def _offline_page(browser: Browser, live: str) -> tuple[Page, list[str]]:
    """A page that may reach the live worker and nothing else; the list collects what it tried to reach besides."""
    page = await browser.new_page()
    page.set_default_timeout(90_000)  # a busy machine; nothing here waits that long when the page works
    refused: list[str] = []
    served = urlsplit(live).netloc

    async def only_the_service(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != served:
            refused.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    await page.route("**/*", only_the_service)
    return page, refused


@NO_CHROMIUM
async def test_swagger_ui_lists_the_operations_with_nothing_from_elsewhere(browser: Browser, live: str) -> None:
    page, refused = await _offline_page(browser, live)
    response = await page.goto(f"{live}/docs")
    assert response is not None
    assert response.status == 200
    # Swagger UI resolves the whole document in the page first: seconds, more on a busy machine.
    await page.get_by_text("kpis_list", exact=True).first.wait_for(timeout=90_000)
    assert await page.get_by_text("KPI definitions").count() >= 1  # the tags group the operations
    assert await page.locator(".opblock").count() >= 85
    assert refused == []


async def test_the_page_and_its_assets_are_served_here(anonymous: AsyncClient) -> None:
    page = await anonymous.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    assert all(asset.startswith("/docs/assets/") for asset in assets), assets
    for asset in assets:
        assert (await anonymous.get(asset)).status_code == 200, asset


async def test_there_is_no_redoc(anonymous: AsyncClient) -> None:
    """ReDoc fetches its logo from its vendor's CDN: it is not served rather than served half offline."""
    assert (await anonymous.get("/redoc")).status_code == 404
