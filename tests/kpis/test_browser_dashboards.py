"""The KPI dashboard in a real Chromium: the regulator's page draws its map of provinces and its chart
of trips avoided by month (plotly.js, served from the installed package), under the
Content-Security-Policy with not one violation."""

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
