"""Appointments: slots from the hours and holidays, booking confirmed by an SMS code, cancel and move,
the refusals (past, outside hours, holiday, wrong code, unknown booking, another office's booking),
the ticket on arrival called first in its slot, counters' services, the API, the reminder, the purge,
bookings never attended marked missed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from pishkhan.common.calendar import TEHRAN
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.sealing import unseal
from pishkhan.frontoffice import appointments as appts
from pishkhan.frontoffice.models import Appointment, Holiday, Ticket
from pishkhan.frontoffice.privacy import appointment_mobiles_purge
from pishkhan.frontoffice.states import AppointmentState
from pishkhan.frontoffice.tasks import appointments_missed, appointments_reminders
from pishkhan.frontoffice.tickets import ticket_call_next, ticket_issue
from pishkhan.notifications.models import Message
from pishkhan.offices.services import counter_services_set, office_set_counters, office_set_hours
from tests.offices.factories import make_agency, make_service

pytestmark = pytest.mark.django_db
NATIONAL_ID, MOBILE = "0084575948", "09121234567"
OTHER_ID, OTHER_MOBILE = "0013542419", "09351112233"
DAYTIME = {str(day): [["08:00", "16:00"]] for day in range(7)}
ALL_DAY = {str(day): [["00:00", "24:00"]] for day in range(7)}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


def _in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def sms_code() -> str:
    """The one-time code last texted (read from the outbox, as the log backend would print it)."""
    return Message.objects.filter(template="code").latest("pk").params["code"]


@pytest.fixture
def office(counter):
    """The counter's office, open 08:00–16:00 every day, with counter 1 taking 30-minute slots."""
    office = office_set_hours(office=counter["office"], opening_hours=DAYTIME, actor=None)
    appts.appointment_counter_set(office=office, counter=1, slot_minutes=30, actor=None)
    return office


def book(office, service, start, *, national_id=NATIONAL_ID, mobile=MOBILE, now=None):
    appts.appointment_book_request(
        office=office, service_code=service.code, slot=start, national_id=national_id, mobile=mobile, now=now
    )
    return appts.appointment_book(
        office=office,
        service_code=service.code,
        slot=start,
        national_id=national_id,
        mobile=mobile,
        code=sms_code(),
        now=now,
    )


def test_the_slots_of_a_day_come_from_the_hours_and_not_on_a_holiday(office, counter):
    day = _in_days(2)
    slots = appts.day_slots(office=office, service=counter["service"], day=day)
    assert [slot.time for slot in slots][:3] == ["08:00", "08:30", "09:00"]
    assert len(slots) == 16
    assert slots[-1].time == "15:30"
    assert all(slot.counters == [1] for slot in slots)

    Holiday.objects.create(day=day, name="Nowruz")
    assert appts.day_slots(office=office, service=counter["service"], day=day) == []


def test_a_booking_confirmed_by_code_keeps_the_citizen_minimal(office, counter):
    start = _at(_in_days(2), 9, 30)
    booked = book(office, counter["service"], start)

    assert booked.state == AppointmentState.BOOKED
    assert booked.counter == 1
    assert booked.start == start
    assert booked.end == start + dt.timedelta(minutes=30)
    assert NATIONAL_ID not in booked.national_id_key
    assert booked.national_id_masked != NATIONAL_ID
    assert unseal(booked.mobile_sealed) == MOBILE
    assert MOBILE not in booked.mobile_sealed
    confirmation = Message.objects.get(key=f"appointment:{booked.pk}:booked")
    assert confirmation.params["code"] == booked.code
    assert confirmation.params["time"] == "09:30"
    # The slot is no longer offered.
    times = [
        slot.time for slot in appts.day_slots(office=office, service=counter["service"], day=_in_days(2))
    ]
    assert "09:30" not in times
    assert "10:00" in times


def test_a_wrong_code_books_nothing(office, counter):
    start = _at(_in_days(2), 9)
    appts.appointment_book_request(
        office=office,
        service_code=counter["service"].code,
        slot=start,
        national_id=NATIONAL_ID,
        mobile=MOBILE,
    )
    wrong = "000000" if sms_code() != "000000" else "111111"
    with pytest.raises(ValidationError) as refused:
        appts.appointment_book(
            office=office,
            service_code=counter["service"].code,
            slot=start,
            national_id=NATIONAL_ID,
            mobile=MOBILE,
            code=wrong,
        )
    assert "code" in refused.value.fields
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("start", "why"),
    [
        (lambda: _at(_in_days(-1), 9), "begun"),
        (lambda: _at(_in_days(2), 7), "outside"),
        (lambda: _at(_in_days(2), 16), "outside"),
        (lambda: _at(_in_days(2), 9, 10), "outside"),
        (lambda: _at(_in_days(appts.WINDOW_DAYS + 1), 9), "days ahead"),
        (lambda: "not a time", "slots shown"),
    ],
)
def test_a_slot_in_the_past_outside_the_hours_or_beyond_the_window_is_refused(office, counter, start, why):
    with pytest.raises(ValidationError) as refused:
        appts.appointment_book_request(
            office=office,
            service_code=counter["service"].code,
            slot=start(),
            national_id=NATIONAL_ID,
            mobile=MOBILE,
        )
    assert why in str(refused.value.fields["slot"])
    assert not Message.objects.filter(template="code").exists()
    assert not Appointment.objects.exists()


def test_a_holiday_is_refused(office, counter):
    Holiday.objects.create(day=_in_days(3))
    with pytest.raises(ValidationError) as refused:
        appts.appointment_book_request(
            office=office,
            service_code=counter["service"].code,
            slot=_at(_in_days(3), 9),
            national_id=NATIONAL_ID,
            mobile=MOBILE,
        )
    assert "holiday" in str(refused.value.fields["slot"])


def test_a_counter_without_appointments_offers_no_slot(counter):
    office = office_set_hours(office=counter["office"], opening_hours=DAYTIME, actor=None)
    assert appts.day_slots(office=office, service=counter["service"], day=_in_days(2)) == []
    with pytest.raises(ValidationError):
        appts.appointment_book_request(
            office=office,
            service_code=counter["service"].code,
            slot=_at(_in_days(2), 9),
            national_id=NATIONAL_ID,
            mobile=MOBILE,
        )


def test_the_last_slot_is_booked_once(office, counter):
    start = _at(_in_days(2), 11)
    book(office, counter["service"], start)
    with pytest.raises(ConflictError):
        appts.appointment_book_request(
            office=office,
            service_code=counter["service"].code,
            slot=start,
            national_id=OTHER_ID,
            mobile=OTHER_MOBILE,
        )
    assert Appointment.objects.count() == 1


def test_cancel_frees_the_slot_and_a_wrong_citizen_finds_nothing(office, counter):
    start = _at(_in_days(2), 10)
    booked = book(office, counter["service"], start)
    for code, national_id, mobile in [
        ("NOSUCH12", NATIONAL_ID, MOBILE),
        (booked.code, OTHER_ID, MOBILE),
        (booked.code, NATIONAL_ID, OTHER_MOBILE),
    ]:
        with pytest.raises(NotFoundError):
            appts.appointment_change_request(code=code, national_id=national_id, mobile=mobile)

    appts.appointment_change_request(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE)
    with pytest.raises(ValidationError):
        appts.appointment_cancel(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE, sms_code="wrong")
    assert Appointment.objects.get().state == AppointmentState.BOOKED

    appts.appointment_change_request(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE)
    cancelled = appts.appointment_cancel(
        code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE, sms_code=sms_code()
    )
    assert cancelled.state == AppointmentState.CANCELLED
    assert cancelled.mobile_sealed == ""
    assert Message.objects.filter(key=f"appointment:{booked.pk}:cancelled").exists()
    # The slot is free again: someone else books it.
    again = book(office, counter["service"], start, national_id=OTHER_ID, mobile=OTHER_MOBILE)
    assert again.start == start


def test_move_to_another_free_slot(office, counter):
    booked = book(office, counter["service"], _at(_in_days(2), 10))
    taken = book(office, counter["service"], _at(_in_days(2), 12), national_id=OTHER_ID, mobile=OTHER_MOBILE)

    appts.appointment_change_request(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE)
    with pytest.raises(ConflictError):
        appts.appointment_move(
            code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE, sms_code=sms_code(), slot=taken.start
        )
    assert Appointment.objects.get(pk=booked.pk).start == _at(_in_days(2), 10)

    appts.appointment_change_request(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE)
    moved = appts.appointment_move(
        code=booked.code,
        national_id=NATIONAL_ID,
        mobile=MOBILE,
        sms_code=sms_code(),
        slot=_at(_in_days(3), 8, 30),
    )
    assert moved.start == _at(_in_days(3), 8, 30)
    assert moved.code == booked.code
    assert moved.moves == 1
    assert Message.objects.filter(key=f"appointment:{booked.pk}:moved:1").exists()


def _booked_now(counter):
    """A booking of today whose slot has started (booked a minute before it began)."""
    office = office_set_hours(office=counter["office"], opening_hours=ALL_DAY, actor=None)
    appts.appointment_counter_set(office=office, counter=1, slot_minutes=30, actor=None)
    now = timezone.now().astimezone(TEHRAN)
    start = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    return office, book(office, counter["service"], start, now=start - dt.timedelta(minutes=1))


def test_a_booked_citizen_gets_a_ticket_called_before_priority_and_arrival(counter):
    office, booked = _booked_now(counter)
    plain = ticket_issue(office=office, service_code=counter["service"].code)
    elderly = ticket_issue(office=office, service_code=counter["service"].code, priority=True)
    arrived = ticket_issue(office=office, appointment_code=booked.code.lower())

    assert arrived.appointment_id == booked.pk
    assert arrived.counter == 1
    assert Appointment.objects.get(pk=booked.pk).state == AppointmentState.ARRIVED
    called = [ticket_call_next(office=office, counter=1).pk for _n in range(3)]
    assert called == [arrived.pk, elderly.pk, plain.pk]

    with pytest.raises(ConflictError):  # a booking becomes one ticket only
        ticket_issue(office=office, appointment_code=booked.code)


def test_a_booking_of_another_office_or_day_gives_no_ticket(office, counter):
    booked = book(office, counter["service"], _at(_in_days(2), 9))
    with pytest.raises(NotFoundError):
        ticket_issue(office=counter["other"], appointment_code=booked.code)
    with pytest.raises(ValidationError):
        ticket_issue(office=office, appointment_code=booked.code)
    with pytest.raises(NotFoundError):
        ticket_issue(office=office, appointment_code="UNKNOWN1")
    assert not Ticket.objects.exists()
    assert Appointment.objects.get().state == AppointmentState.BOOKED


def test_a_counter_calls_only_the_services_it_serves(counter):
    office = office_set_counters(office=counter["office"], counters=2, actor=None)
    deeds = make_service(make_agency("sabt"), "deed-copy")
    counter_services_set(office=office, counter=2, service_codes=[deeds.code], actor=None)
    pension = ticket_issue(office=office, service_code=counter["service"].code)

    with pytest.raises(ConflictError):
        ticket_call_next(office=office, counter=2)
    deed = ticket_issue(office=office, service_code=deeds.code)
    assert ticket_call_next(office=office, counter=2).pk == deed.pk
    assert ticket_call_next(office=office, counter=1).pk == pension.pk


def test_a_counter_is_set_only_to_services_the_office_delivers(counter):
    with pytest.raises(ValidationError) as refused:
        counter_services_set(office=counter["office"], counter=1, service_codes=["no-such"], actor=None)
    assert "services" in refused.value.fields
    with pytest.raises(ValidationError):
        counter_services_set(office=counter["office"], counter=9, service_codes=[], actor=None)


def test_the_api_issues_a_ticket_for_a_booking_and_lists_the_day(client, counter):
    office, booked = _booked_now(counter)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {counter['office_key']}"}
    issued = client.post(
        "/api/v1/tickets",
        data=json.dumps({"appointment": booked.code}),
        content_type="application/json",
        **auth,
    )
    assert issued.status_code == 201, issued.content
    assert issued.json()["appointment"] == booked.code

    unknown = client.post(
        "/api/v1/tickets",
        data=json.dumps({"appointment": "NOSUCH12"}),
        content_type="application/json",
        **auth,
    )
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")
    empty = client.post("/api/v1/tickets", data="{}", content_type="application/json", **auth)
    assert empty.status_code == 422

    day = timezone.localdate(booked.start).isoformat()
    listed = client.get(f"/api/v1/appointments?office={office.code}&day={day}", **auth)
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert row["code"] == booked.code
    assert row["state"] == "arrived"
    assert row["ticket"] == issued.json()["number"]
    assert row["national_id"] != NATIONAL_ID

    other = client.get(
        f"/api/v1/appointments?office={office.code}",
        HTTP_AUTHORIZATION=f"Bearer {counter['other_key']}",
    )
    assert other.status_code == 404


def test_the_reminder_goes_once_the_day_before(office, counter):
    booked = book(office, counter["service"], _at(_in_days(1), 9))
    later = book(office, counter["service"], _at(_in_days(2), 9), national_id=OTHER_ID, mobile=OTHER_MOBILE)
    now = timezone.now()
    assert appointments_reminders(now=now) == 1
    assert appointments_reminders(now=now) == 0
    assert Message.objects.filter(template="appointment_reminder").count() == 1
    assert Message.objects.filter(key__startswith=f"appointment:{booked.pk}:reminder").exists()
    assert not Message.objects.filter(key__startswith=f"appointment:{later.pk}:reminder").exists()


def test_a_booking_whose_day_ended_unattended_is_marked_missed(office, counter):
    tomorrow = book(office, counter["service"], _at(_in_days(1), 9))
    cancelled = book(
        office, counter["service"], _at(_in_days(1), 10), national_id=OTHER_ID, mobile=OTHER_MOBILE
    )
    Appointment.objects.filter(pk=cancelled.pk).update(state=AppointmentState.CANCELLED)
    later = book(office, counter["service"], _at(_in_days(2), 9))
    assert appointments_missed(now=_at(_in_days(1), 23, 59)) == 0  # its day is not over yet

    assert appointments_missed(now=_at(_in_days(2), 0, 30)) == 1
    states = dict(Appointment.objects.values_list("pk", "state"))
    assert states == {
        tomorrow.pk: AppointmentState.MISSED,
        cancelled.pk: AppointmentState.CANCELLED,
        later.pk: AppointmentState.BOOKED,  # today's, still to come
    }
    assert appointments_missed(now=_at(_in_days(2), 1, 30)) == 0
    with pytest.raises(ConflictError, match="day has passed"):  # shown at the kiosk after all
        ticket_issue(office=office, appointment_code=tomorrow.code)
    with pytest.raises(NotFoundError):  # nor cancelled or moved
        appts.appointment_change_request(code=tomorrow.code, national_id=NATIONAL_ID, mobile=MOBILE)


def test_the_retention_purge_erases_mobiles_of_past_slots(office, counter):
    booked = book(office, counter["service"], _at(_in_days(1), 9))
    assert appointment_mobiles_purge(before=timezone.now(), actor=None) == 0
    after = booked.end + dt.timedelta(minutes=1)
    assert appointment_mobiles_purge(before=after, actor=None, dry_run=True) == 1
    assert appointment_mobiles_purge(before=after, actor=None) == 1
    kept = Appointment.objects.get()
    assert kept.mobile_sealed == ""
    assert kept.mobile_masked


def test_wrong_codes_count_against_a_cancel(office, counter):
    booked = book(office, counter["service"], _at(_in_days(2), 10))
    appts.appointment_change_request(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE)
    right = sms_code()
    wrong = "000000" if right != "000000" else "111111"
    for _try in range(5):
        with pytest.raises(ValidationError):
            appts.appointment_cancel(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE, sms_code=wrong)
    with pytest.raises(ValidationError):  # five wrong tries spent the code
        appts.appointment_cancel(code=booked.code, national_id=NATIONAL_ID, mobile=MOBILE, sms_code=right)
    assert Appointment.objects.get().state == AppointmentState.BOOKED
