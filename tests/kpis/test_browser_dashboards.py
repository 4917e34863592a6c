"""The KPI dashboard in a real Chromium: the regulator's page draws its map of provinces and its chart
of trips avoided by month (plotly.js, served from the installed package), under the
Content-Security-Policy with not one violation."""

import re

from django.conf import settings
from django.test import Client

from pishkhan.common.headers import CONTENT_SECURITY_POLICY
from tests.accounts.factories import UserFactory
from tests.browser import DESKTOP, SCREENSHOTS
from tests.offices.factories import TEHRAN_PROVINCE
from tests.web.test_browser_csp import LISTEN


def test_the_dashboard_draws_its_map_and_chart_without_a_policy_violation(
    live_server, transactional_db, geo_loaded, work, chromium
):
    client = Client()
    client.force_login(UserFactory(username="kpi-cra", role="regulator"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        context.add_init_script(LISTEN)
        page = context.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        answer = page.goto(f"{live_server.url}/kpis/")
        page.wait_for_load_state("load")
        headers = answer.headers
        provinces = page.locator("#kpi-map path").count()
        tehran = page.locator(f'#kpi-map path[data-code="{TEHRAN_PROVINCE}"]').bounding_box()
        page.locator("figure.kpi-chart--plotted").wait_for(timeout=15_000)
        plotted = page.locator("#kpi-plot .main-svg").first.bounding_box()
        points = page.locator("#kpi-plot .scatterlayer .point").count()
        direction = page.evaluate("document.documentElement.dir")
        reported = page.evaluate("window.__csp")
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-kpis-national.png"), full_page=True)
        context.close()

    assert answer.status == 200
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert provinces == 31
    assert tehran["width"] > 5
    assert plotted["width"] > 200  # plotly.js drew the chart (the SVG fallback is then hidden)
    assert points == 1  # this period's one month (last year had no work)
    assert direction == "rtl"
    assert reported == []
    assert [text for text in console if "Content Security Policy" in text] == []


def test_the_province_report_prints_on_a4_and_the_office_page_draws_its_days(
    live_server, transactional_db, geo_loaded, work, chromium
):
    client = Client()
    client.force_login(UserFactory(username="kpi-cra-report", role="regulator"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    office = work["office"].code

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        context.add_init_script(LISTEN)
        page = context.new_page()
        answer = page.goto(f"{live_server.url}/kpis/provinces/{TEHRAN_PROVINCE}/report/")
        page.wait_for_load_state("load")
        print_button = page.locator(".report-print").is_visible()
        direction = page.evaluate("document.documentElement.dir")
        page.emulate_media(media="print")
        tools_printed = page.locator(".report-tools").is_visible()
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        (SCREENSHOTS / "pishkhan-kpis-report.pdf").write_bytes(pdf)
        report_violations = page.evaluate("window.__csp")
        page.emulate_media(media="screen")
        page.goto(f"{live_server.url}/kpis/offices/{office}/")
        page.locator("#kpi-days-plot .main-svg").first.wait_for(timeout=15_000)
        days_points = page.locator("#kpi-days-plot .scatterlayer .point").count()
        office_violations = page.evaluate("window.__csp")
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-kpis-office.png"), full_page=True)
        context.close()

    assert answer.status == 200
    assert print_button  # the script showed it
    assert direction == "rtl"
    assert not tools_printed  # the print CSS hides the links and the button
    assert pdf.startswith(b"%PDF")
    # A4 portrait is 595 × 842 points (Chromium writes 594.96 × 841.92).
    width, height = (float(n) for n in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert round(width) == 595
    assert round(height) == 842
    assert report_violations == []
    assert days_points == 2  # one day, two lines: transactions and completed
    assert office_violations == []
