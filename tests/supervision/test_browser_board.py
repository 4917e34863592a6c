"""A real browser on the network board: a directorate opens it, an office's system sends a heartbeat
through the API, and the board's counts change by themselves (htmx polling), without a reload.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-board-*.png).
"""

import json
import urllib.request

from pishkhan.accounts.services import apikey_create, user_create
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.offices.factories import TEHRAN_PROVINCE, make_office

ALWAYS_OPEN = {str(day): [["00:00", "24:00"]] for day in range(7)}


def test_the_board_counts_change_after_a_heartbeat_without_a_reload(
    live_server, transactional_db, chromium, settings
):
    from playwright.sync_api import expect

    settings.PISHKHAN_BOARD_REFRESH_SECONDS = 1  # the page asks again every second
    geo_load()
    offices = [make_office(n, opening_hours=ALWAYS_OPEN) for n in (1, 2, 3)]
    _, key = apikey_create(holder_kind="office", holder_code=offices[0].code, actor=None)
    user_create(username="dir23", password=PASSWORD, role="directorate", jurisdiction_code=TEHRAN_PROVINCE,
                actor=None)  # fmt: skip

    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        page.goto(f"{live_server.url}/supervision/board/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", "dir23")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/supervision/board/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("[data-count=online]")).to_have_text("۰")
        expect(page.locator("[data-count=offline]")).to_have_text("۳")
        expect(page.locator("#board-offline tbody tr")).to_have_count(3)
        page.evaluate("window.__notReloaded = true")
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-board-before.png"), full_page=True)

        # The office's system says it is alive, through the counter's API (not the page).
        request = urllib.request.Request(  # noqa: S310 (the live server, on loopback)
            f"{live_server.url}/api/v1/heartbeats",
            data=json.dumps({"terminal_id": "desk-1", "software_version": "pishkhan-counter/4.2.1"}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request) as answer:  # noqa: S310 (the live server, on loopback)
            assert answer.status == 201

        expect(page.locator("[data-count=online]")).to_have_text("۱", timeout=10_000)
        expect(page.locator("[data-count=offline]")).to_have_text("۲")
        expect(page.locator("#board-offline tbody tr")).to_have_count(2)
        expect(page.locator('[data-version="pishkhan-counter/4.2.1"]')).to_be_visible()
        assert page.evaluate("window.__notReloaded") is True  # the same page: no reload happened
        # The poll leaves the map's province outlines out; the page keeps its own.
        assert page.locator("#board-outlines path").count() == 31
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-board-after.png"), full_page=True)
