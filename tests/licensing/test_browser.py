"""A real browser walks an application from submission to an active licence: a person signs in and
applies, uploads real PDF documents, the Tehran directorate takes the application and recommends it,
the regulator approves it (the office is registered and its licence issued); an API key is issued for
the office and its system posts a heartbeat through the real API, which activates the licence; the
licence's page shows it active with its timeline, and a citizen, signed out, checks it is valid.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-licensing-*.png), to look at after a run.
"""

import datetime as dt
import json
import urllib.request

import jdatetime
from django.db import connection
from django.utils import timezone

from pishkhan.accounts.services import apikey_create, user_create, user_identity_bind
from pishkhan.geo.services import geo_load
from pishkhan.licensing.models import Licence
from tests.browser import DESKTOP, PASSWORD, PHONE, SCREENSHOTS
from tests.licensing.factories import PDF
from tests.offices.factories import make_agency, make_service, national_id

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _world():
    """The geography, a service Pishkhan offices deliver, and the three people of the story."""
    geo_load()
    make_service(make_agency("sabt", "National Organization for Civil Registration"), "sabt.birth-copy")
    for username, role, code in (
        ("zahra", "licensee", ""),
        ("dir23", "directorate", "23"),
        ("cra", "regulator", ""),
    ):
        user = user_create(
            username=username, password=PASSWORD, role=role, jurisdiction_code=code, actor=None
        )
        if role == "licensee":  # signed up: the national ID verified (docs/accounts.md)
            user_identity_bind(user=user, national_id=national_id(321), mobile="09121234567", actor=None)


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-licensing-{name}.png"), full_page=True)


def _sign_in(browser, live_server, username: str, path: str):
    """A new browser context signed in as ``username``, on ``path``."""
    context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
    page = context.new_page()
    page.goto(f"{live_server.url}{path}")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return context, page


def _heartbeat(live_server, key: str) -> dict:
    """The office's system says it is alive, through the real API."""
    request = urllib.request.Request(  # noqa: S310 (the live test server, on loopback)
        f"{live_server.url}/api/v1/heartbeats",
        data=json.dumps({"terminal_id": "T-1", "software_version": "pishkhan-desk 2.4"}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live test server)
        assert response.status == 201
        return json.loads(response.read())


def test_an_application_walks_from_submission_to_an_active_licence(live_server, transactional_db, chromium):
    from playwright.sync_api import expect

    _world()
    expiry = jdatetime.date.fromgregorian(date=timezone.localdate() + dt.timedelta(days=180))

    with chromium() as browser:
        # --- The applicant applies -------------------------------------------------------------------
        context, page = _sign_in(browser, live_server, "zahra", "/my-licences/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator(".site-nav a[aria-current=page]")).to_have_attribute("href", "/my-licences/")
        page.locator("#apply").click()
        page.wait_for_url(f"{live_server.url}/my-licences/apply/")
        page.check("input[name=applicant_kind][value=person]")
        expect(page.locator("#id_company_id")).to_be_hidden()  # only the person's identifier is asked
        page.fill("#id_applicant_name", "زهرا احمدی")
        expect(page.locator("#id_national_id")).to_be_disabled()  # the account's own, not typed
        expect(page.locator("#id_national_id")).to_have_value(
            national_id(321)[:3] + "*****" + national_id(321)[-2:]
        )
        page.fill("#id_mobile", "۰۹۱۲۱۲۳۴۵۶۷")
        page.check("input[name=office_kind][value=pishkhan]")
        page.select_option("#id_province", "23")
        expect(page.locator("#id_county optgroup")).to_have_count(0)  # htmx: Tehran's counties alone
        expect(page.locator("#id_county option[value='1001']")).to_have_count(0)  # (none of Isfahan's)
        page.select_option("#id_county", "2301")
        # Typing a name offers the places of the chosen county only.
        with page.expect_response(lambda response: "/api/v1/geo/places" in response.url) as asked:
            page.locator("#id_place").press_sequentially("آباد")
        assert "county=2301" in asked.value.url
        offered = asked.value.json()
        assert offered
        assert {place["county_code"] for place in offered} == {"2301"}
        expect(page.locator("#place-options option")).to_have_count(len(offered))
        page.fill("#id_place", "1576")
        page.fill("#id_office_name", "دفتر پیشخوان انقلاب")
        page.fill("#id_address", "خیابان انقلاب، پلاک ۱۲")
        page.fill("#id_postal_code", "۱۳۱۵۷۶۳۱۱۱")
        _shoot(page, "apply")
        page.locator("#application-form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/my-licences/applications/**")
        number = page.locator("#application-number").inner_text()
        expect(page.locator(".page-head [data-status]")).to_have_attribute("data-status", "submitted")
        expect(page.locator("#incomplete")).to_be_visible()
        expect(page.locator("#accepted")).to_contain_text("PDF")

        # It uploads the four documents a person needs, real PDFs; the clearance with its expiry.
        for kind in ("identity", "premises", "education", "clearance"):
            page.select_option("#id_kind", kind)
            page.set_input_files(
                "#id_file", files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
            if kind == "clearance":
                page.fill("#id_expires_on", expiry.strftime("%Y/%m/%d").translate(PERSIAN))
            page.locator("#document-form button[type=submit]").click()
            expect(page.locator(".notice--success").first).to_be_visible()
            expect(page.locator(f"#documents tr[data-kind={kind}] li")).to_have_count(1)
        expect(page.locator("#complete")).to_be_visible()
        expect(page.locator("#documents tr.missing")).to_have_count(0)
        _shoot(page, "documents")
        context.close()

        # --- The Tehran directorate takes it and recommends it --------------------------------------
        context, page = _sign_in(browser, live_server, "dir23", "/licensing/applications/")
        row = page.locator(f"#applications tr[data-code='{number}']")
        expect(row).to_have_count(1)
        row.locator("a").click()
        page.wait_for_url(f"{live_server.url}/licensing/applications/{number}/")
        expect(page.locator("#documents a[download]")).to_have_count(4)  # reviewers may download them
        page.locator("#step-take button[type=submit]").click()
        expect(page.locator("#application-state [data-status]")).to_have_attribute(
            "data-status", "under_review"
        )
        page.check("input[name='review-outcome'][value=recommended]")
        page.fill("#id_review-reason", "بازدید از محل انجام شد و محل مناسب است.")
        page.locator("#step-review button[type=submit]").click()
        expect(page.locator("#application-state [data-status]")).to_have_attribute(
            "data-status", "recommended"
        )
        expect(page.locator("#step-decide")).to_have_count(0)  # the directorate advises; it does not decide
        _shoot(page, "recommended")
        context.close()

        # --- The regulator approves: the office is registered and its licence issued ----------------
        context, page = _sign_in(browser, live_server, "cra", f"/licensing/applications/{number}/")
        page.check("input[name='decide-outcome'][value=approved]")
        page.fill("#id_decide-reason", "شرایط احراز شد.")
        page.fill("#id_decide-basis", "آیین‌نامه صدور پروانه دفاتر پیشخوان")
        page.locator("#step-decide button[type=submit]").click()
        expect(page.locator("#application-state [data-status]")).to_have_attribute("data-status", "approved")
        page.locator("#licence-link").click()
        page.wait_for_url(f"{live_server.url}/licensing/licences/**")
        expect(page.locator("#licence-state [data-status]")).to_have_attribute("data-status", "issued")
        expect(page.locator("#ready-key")).to_have_attribute("data-ready", "no")
        expect(page.locator("#ready-signal")).to_have_attribute("data-ready", "no")
        licence = Licence.objects.select_related("office").get()
        assert page.url == f"{live_server.url}/licensing/licences/{licence.number}/"
        assert licence.office.name == "دفتر پیشخوان انقلاب"

        # The office is equipped (an API key) and its system says it is alive through the real API.
        _key, plaintext = apikey_create(holder_kind="office", holder_code=licence.office.code, actor=None)
        beat = _heartbeat(live_server, plaintext)
        assert beat["office"] == licence.office.code
        # Inside Playwright's event loop this thread has a database connection of its own, which the
        # test's teardown does not know: close it, or PostgreSQL cannot drop the test database.
        connection.close()

        # The heartbeat activated the licence: its page shows it, with the timeline of every step.
        page.reload()
        expect(page.locator("#licence-state [data-status]")).to_have_attribute("data-status", "active")
        expect(page.locator("#ready-key")).to_have_attribute("data-ready", "yes")
        expect(page.locator("#ready-signal")).to_have_attribute("data-ready", "yes")
        steps = page.locator("#timeline .timeline__step")
        expect(steps).to_have_count(3)
        expect(steps.nth(0)).to_have_attribute("data-action", "licence.issue")
        expect(steps.nth(1)).to_have_attribute("data-action", "licence.first_signal")
        expect(steps.nth(2)).to_have_attribute("data-action", "licence.activate")
        expect(steps.nth(2)).to_have_attribute("data-to", "active")
        expect(steps.nth(0)).to_contain_text("آیین‌نامه صدور پروانه دفاتر پیشخوان")
        expect(page.locator("#act-suspend")).to_be_visible()  # the regulator's acts on an active licence
        _shoot(page, "active")
        context.close()

        # --- A citizen, signed out, checks the licence ---------------------------------------------
        citizen = browser.new_context(viewport=PHONE, locale="fa-IR")
        page = citizen.new_page()
        page.goto(f"{live_server.url}/licences/check/")
        page.fill("#id_number", licence.number.translate(PERSIAN))
        page.locator("form.check-form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/licences/{licence.number}/")
        verdict = page.locator("#verdict")
        expect(verdict).to_have_attribute("data-valid", "yes")
        expect(verdict).to_have_attribute("data-state", "valid")
        expect(verdict).to_contain_text("پروانهٔ معتبر")
        expect(page.locator("#office-code")).to_have_text(licence.office.code)
        expect(page.locator("#services li")).to_have_count(1)
        expect(page.locator(".verify__qr svg.qr")).to_be_visible()
        assert "زهرا احمدی" not in page.content()  # the holder is never named on a public page
        expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)
        _shoot(page, "verified")

        # Its signboard, laid out for print.
        page.goto(f"{live_server.url}/licences/{licence.number}/signboard/")
        expect(page.locator("#signboard svg.qr")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-licensing-signboard-print.png"), full_page=True)
        citizen.close()
