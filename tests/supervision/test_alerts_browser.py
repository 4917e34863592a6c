"""A real browser handles an alert: an office's system posts an overcharged transaction through the
real API, one round of the worker's job raises the alert, and the Tehran directorate, signed in, finds
it in the list (Persian, right to left), opens its evidence, acknowledges it and resolves it with a
note; the regulator's out-of-range threshold comes back onto its field.

Skipped only where /usr/bin/chromium is absent. Screenshots: /tmp/pishkhan-alerts-*.png.
"""

import json
import urllib.request

from django.utils import timezone

from pishkhan.accounts.services import apikey_create, user_create
from pishkhan.geo.services import geo_load
from pishkhan.supervision import tasks
from pishkhan.supervision.models import Alert, Rule
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.licensing.factories import imported
from tests.offices.factories import make_agency, make_office, make_service, make_tariff_since, national_id

TARIFF = 650_000


def _post_overcharge(live_server, key: str) -> str:
    body = {
        "service": "tamin.pension-statement",
        "national_id": national_id(777),
        "mobile": "09351112233",
        "fee_charged": TARIFF + 70_000,
        "office_reference": "B-1",
    }
    request = urllib.request.Request(  # noqa: S310 (the live test server, on loopback)
        f"{live_server.url}/api/v1/transactions",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": "b-1",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live test server)
        assert response.status == 201
        return json.loads(response.read())["tracking_code"]


def _sign_in(browser, live_server, username: str, path: str):
    context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return context, page


def test_a_directorate_handles_an_overcharge_alert_in_a_browser(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    geo_load()
    service = make_service(make_agency(), "pension-statement")
    make_tariff_since(service, days=60, government_fee=500_000, office_fee=150_000)
    office = make_office(1, opening_hours={str(day): [["00:00", "24:00"]] for day in range(7)})
    imported(office, status="active")
    _, key = apikey_create(holder_kind="office", holder_code=office.code, actor=None)
    user_create(username="dir23", password=PASSWORD, role="directorate", jurisdiction_code="23", actor=None)
    user_create(username="cra", password=PASSWORD, role="regulator", jurisdiction_code="", actor=None)
    code = _post_overcharge(live_server, key)
    tasks.alerts_evaluate(now=timezone.now())
    alert = Alert.objects.get()

    with chromium() as browser:
        context, page = _sign_in(browser, live_server, "dir23", "/supervision/alerts/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        row = page.locator(f"#alerts tr[data-alert='{alert.pk}']")
        expect(row).to_contain_text(office.code)
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-alerts-list.png"), full_page=True)
        row.locator("a").first.click()
        page.wait_for_url(f"{live_server.url}/supervision/alerts/{alert.pk}/")
        expect(page.locator("#evidence")).to_contain_text(code)
        expect(page.locator("#open-sanction")).to_have_attribute(
            "href", f"/supervision/sanctions/new/?office={office.code}&source=alert:{alert.pk}"
        )
        page.locator("#acknowledge").click()
        expect(page.locator("#alert-state")).to_have_attribute("data-state", "acknowledged")
        page.locator("#resolve").click()  # without a note: refused, nothing changed
        expect(page.locator("#id_note_error")).to_be_visible()
        page.fill("#id_note", "با دفتر تماس گرفته شد و مبلغ اضافه بازگردانده شد.")
        page.locator("#resolve").click()
        expect(page.locator("#alert-state")).to_have_attribute("data-state", "resolved")
        expect(page.locator("#close-note")).to_contain_text("بازگردانده")
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-alerts-resolved.png"), full_page=True)
        context.close()

        context, page = _sign_in(browser, live_server, "cra", "/supervision/rules/")
        page.fill("#id_repeat_citizen-per_day", "۵۰۰")
        page.locator("#rule-repeat_citizen button[type=submit]").click()
        expect(page.locator("#id_repeat_citizen-per_day_error")).to_be_visible()
        page.fill("#id_repeat_citizen-per_day", "8")
        page.locator("#rule-repeat_citizen button[type=submit]").click()
        page.wait_for_url("**/supervision/rules/**")
        context.close()

    assert Rule.objects.get(code="repeat_citizen").thresholds == {"per_day": 8}
    assert Alert.objects.get().status == "resolved"
