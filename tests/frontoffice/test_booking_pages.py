"""The booking pages end to end through the test client: find → slot → code → booked; cancel with a
code; the refusals shown on the page; the kiosk turning a booking into a ticket; the office's day and
its slot settings (the operator's only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from pishkhan.common.calendar import TEHRAN
from pishkhan.frontoffice import appointments as appts
from pishkhan.frontoffice.models import Appointment, AppointmentCounter, Ticket
from pishkhan.notifications.models import Message
from pishkhan.offices.services import office_set_hours
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
NATIONAL_ID, MOBILE = "0084575948", "09121234567"
DAYTIME = {str(day): [["08:00", "16:00"]] for day in range(7)}


def sms_code() -> str:
    return Message.objects.filter(template="code").latest("pk").params["code"]


@pytest.fixture
def office(counter):
    cache.clear()  # the pages' throttle counts per address
    office = office_set_hours(office=counter["office"], opening_hours=DAYTIME, actor=None)
    appts.appointment_counter_set(office=office, counter=1, slot_minutes=30, actor=None)
    return office


def _day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=2)


def _slot(hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(_day(), dt.time(hour, minute), tzinfo=TEHRAN).isoformat(timespec="minutes")


def test_a_citizen_books_on_the_pages_and_cancels(client, office, counter):
    service = counter["service"].code
    found = client.get("/appointments/", {"service": service, "county": office.county.code})
    assert found.status_code == 200
    assert f"/appointments/{office.code}/?service={service}" in found.content.decode()
    assert "no-store" not in found.get("Cache-Control", "")

    page = client.get(f"/appointments/{office.code}/", {"service": service, "day": _day().isoformat()})
    assert page.status_code == 200
    assert _slot(9, 30) in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    base = {"service": service, "day": _day().isoformat(), "slot": _slot(9, 30)}
    citizen = {"national_id": NATIONAL_ID, "mobile": MOBILE}
    asked = client.post(f"/appointments/{office.code}/", base | citizen | {"step": "request"})
    assert asked.status_code == 200
    assert 'name="code"' in asked.content.decode()

    wrong = client.post(
        f"/appointments/{office.code}/", base | citizen | {"step": "confirm", "code": "99999x"}
    )
    assert wrong.status_code == 422
    assert not Appointment.objects.exists()

    done = client.post(
        f"/appointments/{office.code}/", base | citizen | {"step": "confirm", "code": sms_code()}
    )
    assert done.status_code == 200
    booked = Appointment.objects.get()
    assert booked.code in done.content.decode()

    manage = {"booking": booked.code} | citizen
    asked = client.post("/appointments/manage/", manage | {"step": "request"})
    assert asked.status_code == 200
    cancelled = client.post(
        "/appointments/manage/", manage | {"step": "confirm", "action": "cancel", "code": sms_code()}
    )
    assert cancelled.status_code == 200
    assert 'id="booking-done"' in cancelled.content.decode()
    booked.refresh_from_db()
    assert booked.state == "cancelled"


def test_the_pages_refuse_a_past_or_out_of_hours_slot_and_an_unknown_booking(client, office, counter):
    service = counter["service"].code
    citizen = {"national_id": NATIONAL_ID, "mobile": MOBILE, "service": service, "step": "request"}
    for slot in (_slot(7), _slot(9, 10), "2020-01-01T09:00+03:30"):
        refused = client.post(
            f"/appointments/{office.code}/", citizen | {"slot": slot, "day": _day().isoformat()}
        )
        assert refused.status_code == 422
    assert not Message.objects.filter(template="code").exists()

    unknown = client.post(
        "/appointments/manage/",
        {"booking": "NOSUCH12", "national_id": NATIONAL_ID, "mobile": MOBILE, "step": "request"},
    )
    assert unknown.status_code == 404
    assert "نوبتی با این کد، کد ملی و شمارهٔ همراه یافت نشد." in unknown.content.decode()
    assert client.get("/appointments/X99-0000/", {"service": service}).status_code == 404
    assert client.get(f"/appointments/{office.code}/").status_code == 302  # no service: the first step


@pytest.fixture
def operator(client, counter):
    client.force_login(UserFactory(role="office_operator", jurisdiction_code=counter["office"].code))
    return client


def test_the_office_sets_its_slots_and_sees_its_day(operator, counter):
    office = counter["office"]
    saved = operator.post("/frontoffice/appointments/", {"counter": "1", "slot_minutes": "20"})
    assert saved.status_code == 302
    assert AppointmentCounter.objects.get(office=office).slot_minutes == 20
    refused = operator.post("/frontoffice/appointments/", {"counter": "1", "slot_minutes": "3"})
    assert refused.status_code == 422
    assert AppointmentCounter.objects.get(office=office).slot_minutes == 20

    office = office_set_hours(office=office, opening_hours=DAYTIME, actor=None)
    appts.appointment_book_request(
        office=office,
        service_code=counter["service"].code,
        slot=_slot(9, 20),
        national_id=NATIONAL_ID,
        mobile=MOBILE,
    )
    booked = appts.appointment_book(
        office=office,
        service_code=counter["service"].code,
        slot=_slot(9, 20),
        national_id=NATIONAL_ID,
        mobile=MOBILE,
        code=sms_code(),
    )
    day = operator.get("/frontoffice/appointments/", {"day": _day().isoformat()})
    assert day.status_code == 200
    assert f'data-booking="{booked.code}"' in day.content.decode()
    assert NATIONAL_ID not in day.content.decode()


def test_the_kiosk_turns_a_booking_of_today_into_a_ticket(operator, counter):
    office = office_set_hours(
        office=counter["office"], opening_hours={str(d): [["00:00", "24:00"]] for d in range(7)}, actor=None
    )
    appts.appointment_counter_set(office=office, counter=1, slot_minutes=30, actor=None)
    now = timezone.now().astimezone(TEHRAN)
    start = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    before = start - dt.timedelta(minutes=1)
    appts.appointment_book_request(
        office=office,
        service_code=counter["service"].code,
        slot=start,
        national_id=NATIONAL_ID,
        mobile=MOBILE,
        now=before,
    )
    booked = appts.appointment_book(
        office=office,
        service_code=counter["service"].code,
        slot=start,
        national_id=NATIONAL_ID,
        mobile=MOBILE,
        code=sms_code(),
        now=before,
    )
    unknown = operator.post("/frontoffice/kiosk/", {"appointment": "NOSUCH12"})
    assert unknown.status_code == 404
    issued = operator.post("/frontoffice/kiosk/", {"appointment": booked.code})
    assert issued.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.appointment_id == booked.pk
    assert 'id="issued"' in issued.content.decode()


def test_the_operator_sets_a_counters_services_on_the_manage_page(operator, counter):
    from pishkhan.offices.selectors import counter_services

    office = counter["office"]
    url = f"/offices/{office.code}/manage/"
    saved = operator.post(
        url,
        {
            "form": "counter_services",
            "counter_services-counter": "1",
            "counter_services-services": [counter["service"].code],
        },
    )
    assert saved.status_code == 302
    assert counter_services(office=office) == {1: [counter["service"].code]}
    refused = operator.post(
        url,
        {"form": "counter_services", "counter_services-counter": "1", "counter_services-services": ["nope"]},
    )
    assert refused.status_code == 422
    assert counter_services(office=office) == {1: [counter["service"].code]}
    assert counter["service"].code in operator.get(url).content.decode()
