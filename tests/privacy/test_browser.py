"""A real browser answers a subject access request: the regulator, signed in, reads the retention
policy in Persian, asks for an office operator's data, reads it, and downloads it as JSON; a wrong
national ID comes back onto its field.

Skipped only where /usr/bin/chromium is absent. Screenshots: /tmp/pishkhan-privacy-*.png.
"""

import json

from pishkhan.accounts.services import user_create
from pishkhan.audit.models import AuditEntry
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.offices.factories import make_office


def test_the_regulator_answers_a_subject_access_request_in_a_browser(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    geo_load()
    office = make_office(1)
    operator_id = office.operator.national_id
    user_create(username="cra", password=PASSWORD, role="regulator", jurisdiction_code="", actor=None)

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fa-IR", accept_downloads=True)
        page = context.new_page()
        page.goto(f"{live_server.url}/privacy/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", "cra")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/privacy/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#retention-rules tr[data-kind='supervision.complaint_mobile']")).to_contain_text(
            "شکایت بسته شود"
        )
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-privacy-policy.png"), full_page=True)

        page.fill("#id_national_id", "1234567890")
        page.fill("#id_reason", "SAR-1")
        page.click("#export-page")
        expect(page.locator("#id_national_id_error")).to_be_visible()

        page.fill("#id_national_id", operator_id)
        page.fill("#id_reason", "SAR-1")
        page.click("#export-page")
        shown = office.name.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))  # Persian digits
        expect(page.locator("#office_operator")).to_contain_text(shown)
        expect(page.locator("#export-audit")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-privacy-export.png"), full_page=True)

        page.goto(f"{live_server.url}/privacy/")
        page.fill("#id_national_id", operator_id)
        page.fill("#id_reason", "SAR-1")
        with page.expect_download() as download_info:
            page.click("#export-json")
        data = json.loads(open(download_info.value.path(), encoding="utf-8").read())  # noqa: SIM115
        context.close()

    assert data["sections"]["office_operator"][0]["office"] == office.code
    assert AuditEntry.objects.filter(action="privacy.subject_exported").count() == 2
