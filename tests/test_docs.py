"""The documentation page works offline: headless Chromium loads /docs from a live worker with every request to any
other host refused, and finds the operations listed."""

import re

from httpx import AsyncClient
from playwright.async_api import Browser

from tests.browser import NO_CHROMIUM, offline_page


@NO_CHROMIUM
async def test_swagger_ui_lists_the_operations_with_nothing_from_elsewhere(browser: Browser, live: str) -> None:
    page, refused = await offline_page(browser, live)
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
