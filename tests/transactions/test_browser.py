"""A real browser at the counter: an office operator opens today's counter, a transaction and both its
receipts; then a citizen, signed out, follows the receipt's tracking link and looks the request up,
with the right national ID and with a wrong one.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-counter-*.png), to look at after a run.
"""

import jdatetime
from django.core.cache import cache
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.common.calendar import jalali_year
from pishkhan.common.persian import to_persian_digits
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP, PASSWORD, PHONE, SCREENSHOTS
from tests.licensing.factories import imported
from tests.offices.factories import make_agency, make_office, make_service, make_tariff, national_id
from tests.transactions.conftest import GOVERNMENT_FEE, OFFICE_FEE, TARIFF
from tests.transactions.factories import CITIZEN, make_transaction


def _counter():
    """The geography, a service with this year's tariff, an office, its operator and two transactions."""
    geo_load()
    service = make_service(make_agency(), "pension-statement")
    year = jalali_year(timezone.localdate())
    make_tariff(service, year=year, effective_from=jdatetime.date(year, 1, 1).togregorian(),
                government_fee=GOVERNMENT_FEE, office_fee=OFFICE_FEE)  # fmt: skip
    office = make_office(1, name="دفتر پیشخوان آزادی", phone="021-66001234")
    imported(office, status="active")
    user_create(username="op1", password=PASSWORD, role="office_operator", jurisdiction_code=office.code,
                actor=None)  # fmt: skip
    first = make_transaction(office)
    overcharged = make_transaction(office, fee_charged=TARIFF + 50_000, clerk="علی محمدی")
    return first, overcharged


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-counter-{name}.png"), full_page=True)


def test_an_operator_prints_a_receipt_and_a_citizen_tracks_the_request(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    cache.clear()
    _first, overcharged = _counter()
    code = overcharged.tracking_code
    grouped = f"{code[:4]} {code[4:8]} {code[8:]}"  # Latin digits, as every identifier

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
        page = context.new_page()

        # The operator signs in and lands on today's counter: both transactions, newest first.
        page.goto(f"{live_server.url}/counter/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", "op1")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/counter/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        rows = page.locator("#transactions tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_have_attribute("data-code", code)
        expect(rows.first).to_have_class("fee-differs")
        expect(page.locator("[data-count=total] .stat__value")).to_have_text("۲")
        expect(page.locator(".site-nav a[aria-current=page]")).to_have_attribute("href", "/counter/")
        _shoot(page, "day")

        # It opens the overcharged transaction: its history, the fee beside the tariff, flagged.
        rows.first.locator("a").click()
        page.wait_for_url(f"{live_server.url}/counter/{code}/")
        expect(page.locator("#tracking-code")).to_have_text(grouped)
        expect(page.locator("#history tbody tr")).to_have_count(1)
        expect(page.locator("#fee-differs")).to_be_visible()
        expect(page.locator("#fee-tariff")).to_have_attribute("data-rials", str(TARIFF))
        _shoot(page, "detail")

        # The A5 receipt: the code in groups, the masked national ID, a QR code of the tracking page.
        page.locator(f"a[href='/counter/{code}/receipt/']").click()
        page.wait_for_url(f"{live_server.url}/counter/{code}/receipt/")
        receipt = page.locator("#receipt")
        expect(receipt).to_have_attribute("data-layout", "a5")
        expect(receipt.locator(".tracking")).to_have_text(grouped)
        expect(receipt.locator(".masked")).to_have_text(to_persian_digits(overcharged.citizen_masked))
        expect(receipt.locator("svg.qr")).to_be_visible()
        expect(page.locator("button[data-print]")).to_be_visible()
        assert CITIZEN not in page.content()
        tracking_url = page.locator("#tracking-url").inner_text()
        assert tracking_url == f"{live_server.url}/track/?code={code}"
        _shoot(page, "receipt-a5")
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-counter-receipt-a5-print.png"), full_page=True)
        page.emulate_media(media="screen")

        # The thermal layout: one narrow column, the same QR code.
        page.locator(f"a[href='/counter/{code}/receipt/thermal/']").click()
        page.wait_for_url(f"{live_server.url}/counter/{code}/receipt/thermal/")
        expect(page.locator("#receipt")).to_have_attribute("data-layout", "thermal")
        expect(page.locator("#receipt svg.qr")).to_be_visible()
        width = page.locator("#receipt").bounding_box()["width"]
        assert width <= 80 * 96 / 25.4 + 1  # no wider than 80 mm on screen
        _shoot(page, "receipt-thermal")
        page.emulate_media(media="print")
        expect(page.locator(".site-nav")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-counter-receipt-thermal-print.png"), full_page=True)
        page.emulate_media(media="screen")
        context.close()

        # A citizen, signed out, opens the receipt's tracking link: the code is already filled in.
        citizen = browser.new_context(viewport=PHONE, locale="fa-IR")
        page = citizen.new_page()
        page.goto(tracking_url)
        expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)
        expect(page.locator("#id_code")).to_have_value(code)
        page.fill("#id_national_id", to_persian_digits(CITIZEN))
        page.locator("form.track-form button[type=submit]").click()
        tracked = page.locator("#tracked")
        expect(tracked).to_be_visible()
        expect(tracked.locator("[data-state]")).to_have_attribute("data-state", "received")
        expect(tracked.locator("[data-state]")).to_have_text("دریافت‌شده")
        expect(tracked).to_contain_text("دفتر پیشخوان آزادی")
        expect(page.locator("#id_national_id")).to_have_value("")
        _shoot(page, "tracked")

        # With a wrong national ID: the neutral message, and no state.
        page.fill("#id_national_id", national_id(777))
        page.locator("form.track-form button[type=submit]").click()
        expect(page.locator(".track-form .notice--error")).to_contain_text(
            "تراکنشی با این کد رهگیری و کد ملی پیدا نشد"
        )
        expect(page.locator("#tracked")).to_have_count(0)
        _shoot(page, "not-found")
        citizen.close()


def test_an_operator_records_at_the_web_counter_once_whatever_the_clicks(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    from pishkhan.transactions.models import CounterTransaction

    cache.clear()
    first, overcharged = _counter()
    before = CounterTransaction.objects.count()

    with chromium() as browser:
        context = browser.new_context(viewport=DESKTOP, locale="fa-IR")
        page = context.new_page()
        page.goto(f"{live_server.url}/counter/new/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", "op1")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/counter/new/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        # Picking the service fills the fee with its tariff, shown in Persian digits.
        page.select_option("select[name=service]", overcharged.service.code)
        expect(page.locator("input[name=fee_charged]")).to_have_value(str(TARIFF))
        expect(page.locator("[data-fee-tariff]")).to_have_text(
            to_persian_digits(f"{TARIFF:,}".replace(",", "٬"))
        )

        # Bad input: the form comes back with the field's error, nothing stored.
        page.fill("input[name=national_id]", "0012345670")
        with page.expect_navigation():
            page.locator("[data-record-submit]").click()
        expect(page.locator(".field--invalid input[name=national_id]")).to_be_visible(timeout=30_000)
        assert CounterTransaction.objects.count() == before
        _shoot(page, "record-error")

        # Corrected, sent with a double click: one transaction, its receipt at once.
        page.fill("input[name=national_id]", to_persian_digits(CITIZEN))
        page.fill("input[name=mobile]", "۰۹۱۲۱۲۳۴۵۶۷")
        sent = page.evaluate(
            "() => Object.fromEntries(new FormData(document.querySelector('[data-record-form]')))"
        )
        page.locator("[data-record-submit]").dblclick()
        page.wait_for_url("**/receipt/?recorded=1")
        expect(page.locator("#recorded")).to_be_visible(timeout=30_000)
        code = page.locator(".receipt__code .tracking").get_attribute("data-code")
        _shoot(page, "record-receipt")

        # The same form sent again (a resend after a dropped connection): the same transaction.
        again = page.evaluate(
            """async (sent) => {
                const body = new URLSearchParams(sent);
                const response = await fetch("/counter/new/", {method: "POST", body: body});
                return response.url;
            }""",
            sent,
        )
        assert f"/counter/{code}/receipt/" in again
        context.close()

    recorded = CounterTransaction.objects.exclude(pk__in=[first.pk, overcharged.pk])
    assert [row.tracking_code for row in recorded] == [code]
    assert recorded.get().fee_charged == TARIFF
