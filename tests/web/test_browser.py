"""A real browser: headless Chromium (Debian's) signs in through the login form and reads the home page.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
"""

import contextlib
import os
import tempfile
from pathlib import Path

import pytest

from pishkhan.accounts.services import user_create
from pishkhan.geo.services import geo_load

# Playwright's sync API runs an event loop in this thread; Django refuses database access from a
# thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "a-Long-enough-passphrase-42"
SCREENSHOTS = Path(tempfile.gettempdir())  # /tmp/pishkhan-home.png, to look at after a run


def _chromium_present():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but Chromium is not installed at {CHROMIUM}")
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")


@contextlib.contextmanager
def chromium():
    """Headless Chromium, launched through Playwright.

    Start it only after the test's own database work: database calls made here while Playwright's
    loop runs get a connection of their own that nothing closes, and PostgreSQL then refuses to
    drop the test database.
    """
    _chromium_present()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.browser
def test_regulator_signs_in_and_reads_the_national_picture_in_persian_then_english(
    live_server, transactional_db
):
    from playwright.sync_api import expect

    # A transactional test starts from empty tables: the live server's database needs the geography.
    geo_load()
    user_create(username="regulator", password=PASSWORD, role="regulator", actor=None)

    with chromium() as browser:
        # A browser set up for Iran; which language a browser asks for is tested in test_middleware.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fa-IR")
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "regulator")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")

        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "fa")
        expect(page.locator("form[action='/accounts/logout/'] button")).to_be_visible()
        expect(page.locator("#provinces tbody tr")).to_have_count(31)
        expect(page.locator("#provinces tfoot td[data-population]")).to_have_attribute(
            "data-population", "79926270"
        )
        expect(page.locator("svg.map")).to_be_visible()
        expect(page.locator("svg.map path.province")).to_have_count(31)
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-home.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-home-mobile.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.locator("button[name=language][value=en]").click()

        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#provinces tbody tr").first.locator("th")).to_have_text("Tehran")
        expect(page.locator("svg.map")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-home-en.png"), full_page=True)


@pytest.mark.browser
def test_keyboard_user_reaches_the_main_content_through_the_skip_link(live_server, transactional_db):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/")

        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")

        expect(page.locator("main#main")).to_be_focused()
