"""Browser fixtures: Debian's Chromium, headless, driven by Playwright against the live server.

Playwright never downloads a browser here: it starts /usr/bin/chromium
with a fresh profile per test. Every request the page makes to anything but
the live server (a loopback address) is aborted, so the browser reaches no
other host.
"""

import os
import re
import uuid
from pathlib import Path

import pytest

from jobriver.dashboard.services import company_user_create

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}
PASSWORD = "Rheinufer-Koeln-2024!"


def screenshot_dir() -> Path:
    path = Path(os.environ.get("JOBRIVER_TEST_OUTPUT", "test-output")) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(server_url, tmp_path, monkeypatch):
    """Return a fresh Chromium context (German locale) that may only load pages of the live server."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}; install it with `apt-get install chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

    # Playwright's sync API keeps an asyncio loop running in this thread, and
    # Django refuses ORM calls while a loop runs. The loop only talks to the
    # browser, never to the database, so the check is switched off for this test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="de-DE",
            viewport=VIEWPORT,
        )
        server_pattern = re.compile(re.escape(server_url) + r"(/.*)?$")
        context.route(
            lambda url: not server_pattern.match(url),
            lambda route: route.abort("blockedbyclient"),
        )
        context.set_default_timeout(15_000)  # milliseconds
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser):
    return browser.pages[0] if browser.pages else browser.new_page()


@pytest.fixture
def company_user(make_company):
    """Return (user, company) for a new company with a job limit; the user's password is PASSWORD."""
    company = make_company(job_limit=25)
    username = f"e2e-{uuid.uuid4().hex[:8]}"
    user = company_user_create(company=company, username=username, email=f"{username}@example.com", password=PASSWORD)
    return user, company


def screenshot(page, name: str) -> Path:
    path = screenshot_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
