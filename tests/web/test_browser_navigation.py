"""The header's menu in a real Chromium: every entry a role has is on screen, or one click away in its
menu, at desktop, small-laptop and phone widths, in Persian and English, and no page scrolls sideways.

Screenshots land in the temporary directory (/tmp/pishkhan-nav-<role>-<language>-<width>.png).
"""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from pishkhan.accounts.roles import Role
from pishkhan.web.navigation import navigation_for
from tests.accounts.factories import UserFactory
from tests.browser import SCREENSHOTS

WIDTHS = [1280, 1024, 390]
PHONE = 390
# Every role with the jurisdiction it is given in the demo; a staff regulator also has the admin.
PEOPLE = {
    "stranger": None,
    "regulator": {"role": Role.REGULATOR, "is_staff": True},
    "directorate": {"role": Role.DIRECTORATE, "jurisdiction_code": "23"},
    "working_group": {"role": Role.WORKING_GROUP, "jurisdiction_code": "23"},
    "inspector": {"role": Role.INSPECTOR, "jurisdiction_code": "23"},
    "agency_staff": {"role": Role.AGENCY_STAFF, "jurisdiction_code": "tamin"},
    "office_operator": {"role": Role.OFFICE_OPERATOR, "jurisdiction_code": "P23-0001"},
    "licensee": {"role": Role.LICENSEE},
}


def _signed_in(name):
    """(session cookie value or None, the menu's URLs this person should have), made before the browser."""
    fields = PEOPLE[name]
    request = RequestFactory().get("/accounts/me/")
    if fields is None:
        request.user = AnonymousUser()
        return None, [item.url for item in navigation_for(request).items]
    user = UserFactory(username=name, **fields)
    request.user = user
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value, [
        item.url for item in navigation_for(request).items
    ]


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def _on_screen(page, link) -> bool:
    box = link.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] > 0


def _reach(page, url):
    """Make the menu entry linking to ``url`` visible the way a person would; return its link."""
    link = page.locator(f'nav.site-nav a[href="{url}"]')
    if link.is_visible():
        return link
    toggle = page.locator("nav.site-nav .site-nav__toggle")
    if toggle.is_visible() and not page.locator("nav.site-nav details.site-nav__menu[open]").count():
        toggle.click()
    if not link.is_visible():
        # The menu holding it: the summary of the <details> around the link.
        link.locator("xpath=ancestor::details[1]/summary").click()
    return link


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PEOPLE))
def test_every_menu_entry_of_a_role_is_reachable_at_every_width_and_nothing_scrolls_sideways(
    live_server, transactional_db, chromium, name
):
    from playwright.sync_api import expect

    session, expected = _signed_in(name)
    landing = "/accounts/me/" if session else "/track/"

    with chromium() as browser:
        for language in ["fa", "en"]:
            context = browser.new_context(locale="fa-IR")
            host = urlparse(live_server.url).hostname
            cookies = [
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}
            ]
            if session:
                cookies.append(
                    {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}
                )
            context.add_cookies(cookies)
            page = context.new_page()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(f"{live_server.url}{landing}")
                expect(page.locator("html")).to_have_attribute("lang", language)

                links = page.locator("nav.site-nav a[href]")
                assert [links.nth(n).get_attribute("href") for n in range(links.count())] == expected
                assert not _scrolls_sideways(page), f"{name} {language} {width}px scrolls sideways"
                page.screenshot(path=str(SCREENSHOTS / f"pishkhan-nav-{name}-{language}-{width}.png"))
                for url in expected:
                    link = _reach(page, url)
                    expect(link).to_be_visible()
                    assert _on_screen(page, link), f"{name} {language} {width}px: {url} is off screen"
                    assert not _scrolls_sideways(page), f"{name} {language} {width}px: {url}'s menu scrolls"
                if width == PHONE or name == "regulator":
                    page.screenshot(
                        path=str(SCREENSHOTS / f"pishkhan-nav-{name}-{language}-{width}-open.png")
                    )
            context.close()


@pytest.mark.browser
def test_an_open_menu_closes_on_a_click_elsewhere_and_on_escape(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    session, _expected = _signed_in("regulator")

    with chromium() as browser:
        context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 800})
        host = urlparse(live_server.url).hostname
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/me/")
        supervision = page.locator('nav.site-nav a[href="/supervision/complaints/"]')
        summary = supervision.locator("xpath=ancestor::details[1]/summary")

        summary.click()
        expect(supervision).to_be_visible()
        page.locator("main h1").click()
        expect(supervision).to_be_hidden()

        summary.click()
        expect(supervision).to_be_visible()
        page.keyboard.press("Escape")
        expect(supervision).to_be_hidden()
        expect(summary).to_be_focused()
