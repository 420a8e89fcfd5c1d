"""Headless Chromium for tests that must see a page as a user does: Debian's chromium (Playwright cannot download its
own browsers here), driven by Playwright; pages that may reach only the hosts a test names."""

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: `make browser` installs Debian's (apt-get install chromium) where it can",
)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for a run (a launch took about a second a test); every page opens in a context of its own, so
    tests share no cookies, storage or cache."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        await launched.close()


async def offline_page(browser: Browser, *allowed: str, **options: object) -> tuple[Page, list[str]]:
    """A page that may reach the ``allowed`` base URLs and nothing else; the list collects what it tried besides."""
    page = await browser.new_page(**options)  # type: ignore[arg-type]
    page.set_default_timeout(90_000)  # a busy machine; nothing here waits that long when the page works
    refused: list[str] = []
    hosts = {urlsplit(base).netloc for base in allowed}

    async def only_these(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc not in hosts:
            refused.append(route.request.url)
            await route.abort()
        else:
            await route.continue_()

    await page.route("**/*", only_these)
    return page, refused
