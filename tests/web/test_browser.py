"""A real browser: headless Chromium (Debian's) signs in through the login form and reads the home page.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
"""

from pishkhan.accounts.services import user_create
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP, PASSWORD, PHONE, SCREENSHOTS


def test_regulator_signs_in_and_reads_the_national_picture_in_persian_then_english(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    # A transactional test starts from empty tables: the live server's database needs the geography.
    geo_load()
    user_create(username="regulator", password=PASSWORD, role="regulator", actor=None)

    with chromium() as browser:
        # A browser set up for Iran; which language a browser asks for is tested in test_middleware.
        page = browser.new_page(viewport=DESKTOP, locale="fa-IR")
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
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-home-mobile.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

        page.locator("button[name=language][value=en]").click()

        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#provinces tbody tr").first.locator("th")).to_have_text("Tehran")
        expect(page.locator("svg.map")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-home-en.png"), full_page=True)


def test_keyboard_user_reaches_the_main_content_through_the_skip_link(
    live_server, transactional_db, chromium
):
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
