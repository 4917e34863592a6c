"""The Content-Security-Policy in a real Chromium: every role's main pages load without one violation
report (no inline script or style left anywhere), and what runs on them still works: the date picker,
the maps, and the network board's htmx polling.

Screenshots land in the temporary directory (/tmp/pishkhan-csp-<role>.png).
"""

from django.conf import settings
from django.test import Client, RequestFactory

from pishkhan.accounts.roles import Role
from pishkhan.common.headers import CONTENT_SECURITY_POLICY
from pishkhan.web.navigation import navigation_for
from tests.accounts.factories import UserFactory
from tests.architecture.sample import sample_build
from tests.browser import DESKTOP, SCREENSHOTS

# Collects every violation the page reports, from the first script on (before any of ours runs).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile
    + ":" + event.lineNumber);
});
"""


def _people(sample):
    return {
        "stranger": None,
        "regulator": {"role": Role.REGULATOR, "is_staff": True},
        "directorate": {"role": Role.DIRECTORATE, "jurisdiction_code": "23"},
        "inspector": {"role": Role.INSPECTOR, "jurisdiction_code": "23"},
        "office_operator": {"role": Role.OFFICE_OPERATOR, "jurisdiction_code": sample.office.code},
        "licensee": {"role": Role.LICENSEE},
    }


def _pages_of(name, fields, sample):
    """(session cookie or None, the pages to open): the role's menu, and pages about the sample."""
    request = RequestFactory().get("/accounts/me/")
    cookie = None
    if fields is None:
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
    else:
        user = UserFactory(username=f"csp-{name}", **fields)
        request.user = user
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [item.url for item in navigation_for(request).items if not item.url.startswith("/admin/")]
    extra = {
        "stranger": ["/", f"/track/?code={sample.transaction.tracking_code}", "/complaints/new/"],
        "regulator": [
            "/offices/conversions/",
            "/planning/",
            f"/planning/provinces/{sample.office.province.code}/",
        ],
        "directorate": ["/supervision/board/"],
        "office_operator": [f"/counter/{sample.transaction.tracking_code}/receipt/"],
    }
    return cookie, list(dict.fromkeys(pages + extra.get(name, [])))


def test_every_roles_main_pages_load_without_a_policy_violation(
    live_server, transactional_db, geo_loaded, chromium, settings
):
    from playwright.sync_api import expect

    settings.PISHKHAN_BOARD_REFRESH_SECONDS = 1
    sample = sample_build()
    visits = {name: _pages_of(name, fields, sample) for name, fields in _people(sample).items()}

    violations, datepickers, maps, opened = {}, 0, 0, 0
    with chromium() as browser:
        for name, (cookie, pages) in visits.items():
            context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
            if cookie:
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
                )
            context.add_init_script(LISTEN)
            page = context.new_page()
            console = []
            page.on("console", lambda message, found=console: found.append(message.text))
            for path in pages:
                answer = page.goto(live_server.url + path)
                assert answer.status < 400, (name, path, answer.status)
                assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
                page.wait_for_load_state("load")
                opened += 1
                # What runs still works: every date box got its picker's button; maps are drawn.
                boxes = page.locator("input[data-datepicker]").count()
                assert page.locator(".datepicker__toggle").count() == boxes, (name, path)
                datepickers += boxes
                maps += page.locator("svg path").count() > 0
                reported = page.evaluate("window.__csp")
                blocked = [text for text in console if "Content Security Policy" in text]
                if reported or blocked:
                    violations[(name, path)] = reported + blocked
                console.clear()
            if name == "directorate":
                page.goto(f"{live_server.url}/supervision/board/")
                live = page.locator("#board-live")
                first = live.get_attribute("data-refreshed")
                # The board asks again by itself (htmx, every second here): a newer answer replaces it.
                expect(live).not_to_have_attribute("data-refreshed", first, timeout=15_000)
                assert page.evaluate("window.__csp") == []
            page.screenshot(path=str(SCREENSHOTS / f"pishkhan-csp-{name}.png"), full_page=True)
            context.close()

    assert violations == {}
    assert opened >= 20
    assert datepickers > 0
    assert maps > 0
