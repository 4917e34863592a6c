"""A real browser on the office pages: a directorate walks the directory to an office; then a citizen,
signed out, finds an office near a point and opens its rate board.

Skipped only where /usr/bin/chromium is absent; under CI (``CI`` set) a missing Chromium fails.
Screenshots go to the temporary directory (/tmp/pishkhan-offices-*.png), to look at after a run.
"""

import jdatetime
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.calendar import jalali_year
from pishkhan.geo.services import geo_load
from tests.browser import DESKTOP, PASSWORD, PHONE, SCREENSHOTS
from tests.offices.factories import (
    ARDESTAN_CITY,
    ARDESTAN_COUNTY,
    DAMAVAND_CITY,
    DAMAVAND_COUNTY,
    ISFAHAN_PROVINCE,
    RUDEHEN_CITY,
    make_agency,
    make_office,
    make_service,
    make_tariff,
)

ALWAYS_OPEN = {str(day): [["00:00", "24:00"]] for day in range(7)}


def _network():
    """The geography, a service with this year's tariff, and offices in Tehran and Isfahan provinces."""
    geo_load()
    sabt = make_agency("sabt", "National Organization for Civil Registration")
    birth = make_service(sabt, "sabt.birth-copy", kinds=(OfficeKind.PISHKHAN, OfficeKind.ICT))
    year = jalali_year(timezone.localdate())
    make_tariff(
        birth,
        year=year,
        effective_from=jdatetime.date(year, 1, 1).togregorian(),
        government_fee=150_000,
        office_fee=85_000,
    )
    make_office(1, name="دفتر پیشخوان آزادی", opening_hours=ALWAYS_OPEN)
    make_office(2, name="دفتر پیشخوان دماوند", county=DAMAVAND_COUNTY, place=DAMAVAND_CITY,
                opening_hours=ALWAYS_OPEN, address="خیابان امام، پلاک ۱۲", phone="021-76321234")  # fmt: skip
    make_office(3, name="دفتر پیشخوان رودهن", county=DAMAVAND_COUNTY, place=RUDEHEN_CITY)
    make_office(4, name="کارگزاری تامین اجتماعی", kind=OfficeKind.SOCIAL_SECURITY)
    make_office(5, name="دفتر پیشخوان اردستان", province=ISFAHAN_PROVINCE, county=ARDESTAN_COUNTY,
                place=ARDESTAN_CITY)  # fmt: skip
    user_create(username="dir23", password=PASSWORD, role="directorate", jurisdiction_code="23", actor=None)


def _shoot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-offices-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"pishkhan-offices-{name}-mobile.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_a_directorate_walks_the_directory_then_a_citizen_finds_an_office_and_its_rates(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    _network()

    with chromium() as browser:
        context = browser.new_context(
            viewport=DESKTOP,
            locale="fa-IR",
            geolocation={"latitude": 35.7184, "longitude": 52.0696},  # Damavand city
            permissions=["geolocation"],
        )
        page = context.new_page()

        # A directorate signs in and lands on the directory of its province.
        page.goto(f"{live_server.url}/offices/")
        page.wait_for_url("**/accounts/login/**")
        page.fill("input[name=username]", "dir23")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/offices/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#offices tbody tr")).to_have_count(4)  # not Isfahan's
        expect(page.locator("svg.office-map path.dot")).to_have_count(2)  # Pishkhan and Social Security
        _shoot(page, "directory")

        # It narrows the directory to Damavand county and opens an office.
        page.select_option("#id_county", DAMAVAND_COUNTY)
        page.locator("form.filter-form button[type=submit]").click()
        page.wait_for_url(f"**county={DAMAVAND_COUNTY}**")
        expect(page.locator("#offices tbody tr")).to_have_count(2)
        page.locator("#offices a", has_text="دفتر پیشخوان دماوند").click()
        page.wait_for_url(f"{live_server.url}/offices/P23-0002/")
        expect(page.locator("h1")).to_contain_text("دفتر پیشخوان دماوند")
        expect(page.locator("table.week tbody tr")).to_have_count(7)
        _shoot(page, "office")

        # It sets the office's hours day by day: Thursday with a second shift, Friday closed.
        page.goto(f"{live_server.url}/offices/P23-0002/manage/")
        friday_closed = page.locator("#id_hours-day_6_closed")
        expect(friday_closed).not_to_be_checked()  # open round the clock
        friday_closed.check()
        expect(page.locator("#id_hours-day_6_opens_1")).to_be_disabled()  # a closed day has no times
        page.fill("#id_hours-day_5_opens_1", "۸")
        page.fill("#id_hours-day_5_closes_1", "۱۲:۰۰")
        page.fill("#id_hours-day_5_opens_2", "14:00")
        page.fill("#id_hours-day_5_closes_2", "13:00")
        _shoot(page, "hours")
        page.locator("form.hours-form button[type=submit]").click()
        # A shift that closes before it opens is refused beside its box, in Persian; nothing is lost.
        error = page.locator("#id_hours-day_5_closes_2_error")
        expect(error).to_contain_text("ساعت بسته شدن باید بعد از ساعت باز شدن باشد")
        expect(page.locator("#id_hours-day_5_closes_2")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#id_hours-day_6_closed")).to_be_checked()
        _shoot(page, "hours-error")
        page.fill("#id_hours-day_5_closes_2", "۱۷:۳۰")
        page.locator("form.hours-form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/offices/P23-0002/manage/")
        expect(page.locator("#id_hours-day_5_opens_1")).to_have_value("۰۸:۰۰")
        expect(page.locator("#id_hours-day_5_closes_2")).to_have_value("۱۷:۳۰")
        page.goto(f"{live_server.url}/offices/P23-0002/")
        thursday = page.locator("table.week tbody tr").nth(5)
        expect(thursday).to_contain_text("۰۸:۰۰–۱۲:۰۰")
        expect(thursday).to_contain_text("۱۴:۰۰–۱۷:۳۰")
        expect(page.locator("table.week tbody tr").nth(6)).to_contain_text("تعطیل")

        # Signed out, a citizen looks for the service near where they are.
        page.locator("form[action='/accounts/logout/'] button").click()
        page.goto(f"{live_server.url}/find/")
        expect(page.locator("form[action='/accounts/logout/']")).to_have_count(0)
        page.select_option("#id_service", "sabt.birth-copy")
        # htmx refreshes the county select with the chosen province's counties.
        page.select_option("#id_province", ISFAHAN_PROVINCE)
        expect(page.locator(f"#id_county option[value='{ARDESTAN_COUNTY}']")).to_have_count(1)
        expect(page.locator("#id_county option[value='2301']")).to_have_count(0)
        page.select_option("#id_province", "")
        page.select_option("#id_county", "")
        # Without a service chosen, the position is filled in and the service asked for.
        page.select_option("#id_service", "")
        page.locator("button[data-locate]").click()
        expect(page.locator("[data-locate-status]")).to_contain_text("خدمت را انتخاب کنید")
        expect(page.locator("#id_service")).to_be_focused()
        page.select_option("#id_service", "sabt.birth-copy")
        # One click on "use my location": the browser's position is asked for and searched at once.
        page.locator("button[data-locate]").click()
        page.wait_for_url("**/find/?**lat=35.71840**")
        expect(page.locator("#id_lat")).to_have_value("35.71840")
        expect(page.locator("#id_lon")).to_have_value("52.06960")
        results = page.locator("#results > li")
        expect(results).to_have_count(4)
        expect(results.first).to_have_attribute("data-code", "P23-0002")
        expect(results.nth(1)).to_have_attribute("data-code", "P23-0003")
        # Distances with a sensible precision: metres under a kilometre.
        expect(results.first.locator(".distance")).to_contain_text("متر")
        expect(results.nth(1).locator(".distance")).to_contain_text("کیلومتر")
        # The results on a map drawn here, around the point, pins numbered as in the list.
        results_map = page.locator("svg.results-map")
        expect(results_map).to_be_visible()
        expect(results_map.locator(".results-map__pin")).to_have_count(4)
        expect(results_map.locator("[data-centre]")).to_have_count(1)
        _shoot(page, "find")

        # It opens the nearest office's rate board: this year's fees, a QR code to the page.
        results.first.locator("h3 a").click()
        page.wait_for_url(f"{live_server.url}/offices/P23-0002/rates/")
        total = page.locator("#rates tr[data-service='sabt.birth-copy'] td[data-fee=total]")
        expect(total).to_have_attribute("data-rials", "235000")
        expect(total).to_have_text("۲۳۵٬۰۰۰ ریال")
        expect(page.locator("svg.qr")).to_be_visible()
        expect(page.locator("button[data-print]")).to_be_visible()
        _shoot(page, "rates")
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-offices-rates-print.png"), full_page=True)
        page.emulate_media(media="screen")

        # The same board in English.
        page.locator("button[name=language][value=en]").click()
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(total).to_have_text("235,000 rials")
        _shoot(page, "rates-en")
        page.goto(f"{live_server.url}/find/?service=sabt.birth-copy&lat=35.7184&lon=52.0696")
        expect(page.locator("#results > li")).to_have_count(4)
        _shoot(page, "find-en")
        context.close()
