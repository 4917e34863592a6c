"""A real browser books an appointment: the slot, the national ID and mobile, the code texted (read
from the outbox, as the log backend prints it); the booking shows on the office's day and becomes a
ticket at the kiosk."""

import pytest
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from pishkhan.accounts.services import user_create
from pishkhan.frontoffice import appointments as appts
from pishkhan.frontoffice.models import Appointment, Ticket
from pishkhan.geo.services import geo_load
from pishkhan.notifications.models import Message
from pishkhan.offices.services import office_set_hours
from tests.browser import DESKTOP, PASSWORD, SCREENSHOTS
from tests.licensing.factories import imported
from tests.offices.factories import make_agency, make_office, make_service

NATIONAL_ID, MOBILE = "0084575948", "09121234567"


def test_a_booking_made_in_the_browser_shows_on_the_day_and_becomes_a_ticket(
    live_server, transactional_db, chromium
):
    from playwright.sync_api import expect

    cache.clear()
    geo_load()
    service = make_service(make_agency(), "pension-statement")
    office = make_office(1, name="دفتر پیشخوان آزادی")
    imported(office, status="active")
    office = office_set_hours(
        office=office, opening_hours={str(d): [["00:00", "24:00"]] for d in range(7)}, actor=None
    )
    appts.appointment_counter_set(office=office, counter=1, slot_minutes=15, actor=None)
    today = timezone.localdate()
    if not appts.day_slots(office=office, service=service, day=today):
        pytest.skip("no slot is left today (the last quarter of an hour before midnight in Tehran)")
    user_create(
        username="op1", password=PASSWORD, role="office_operator", jurisdiction_code=office.code, actor=None
    )

    with chromium() as browser:
        page = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        page.goto(
            f"{live_server.url}/appointments/{office.code}/?service={service.code}&day={today.isoformat()}"
        )
        page.locator("input[name=slot]").first.check()
        page.fill("input[name=national_id]", NATIONAL_ID)
        page.fill("input[name=mobile]", MOBILE)
        page.locator("#book-request").click()
        expect(page.locator("input[name=code]")).to_be_visible()
        code = Message.objects.filter(template="code").latest("pk").params["code"]
        connections.close_all()  # the connection this loop opened: PostgreSQL must drop the database
        page.fill("input[name=code]", code)
        page.locator("#book-confirm").click()
        expect(page.locator("#booking-code")).to_be_visible()
        booking = page.locator("#booking-code").inner_text().strip()
        page.screenshot(path=str(SCREENSHOTS / "pishkhan-appointment-booked.png"), full_page=True)

        staff = browser.new_context(viewport=DESKTOP, locale="fa-IR").new_page()
        staff.goto(f"{live_server.url}/frontoffice/appointments/")
        staff.wait_for_url("**/accounts/login/**")
        staff.fill("input[name=username]", "op1")
        staff.fill("input[name=password]", PASSWORD)
        staff.locator("main form button[type=submit]").click()
        staff.wait_for_url(f"{live_server.url}/frontoffice/appointments/")
        expect(staff.locator(f'tr[data-booking="{booking}"]')).to_be_visible()

        staff.goto(f"{live_server.url}/frontoffice/kiosk/")
        staff.fill("input[name=appointment]", booking)
        staff.locator("main form button[type=submit]").click()
        expect(staff.locator("#issued")).to_be_visible()
        staff.screenshot(path=str(SCREENSHOTS / "pishkhan-appointment-ticket.png"), full_page=True)

    booked = Appointment.objects.get(code=booking)
    assert booked.state == "arrived"
    assert Ticket.objects.get().appointment_id == booked.pk
