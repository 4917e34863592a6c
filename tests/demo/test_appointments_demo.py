"""The demo's appointments: the coming holidays recorded, a few Tehran offices taking appointments
with some of their slots booked (no message sent); made once."""

import pytest

from pishkhan.demo.appointments import demo_appointments_ensure
from pishkhan.demo.holidays import is_official_holiday
from pishkhan.frontoffice.models import Appointment, AppointmentCounter, Holiday
from pishkhan.notifications.models import Message
from pishkhan.offices.services import office_set_hours
from tests.offices.factories import make_agency, make_office, make_service

pytestmark = pytest.mark.django_db


def test_the_demo_books_a_few_appointments_once(geo_loaded):
    make_service(make_agency(), "pension-statement")
    for n in range(1, 3):
        office_set_hours(
            office=make_office(n), opening_hours={str(d): [["08:00", "16:00"]] for d in range(7)}, actor=None
        )

    made = demo_appointments_ensure()

    assert made == Appointment.objects.count() > 0
    assert AppointmentCounter.objects.count() == 2
    assert not Message.objects.exists()
    assert all(is_official_holiday(day) for day in Holiday.objects.values_list("day", flat=True))
    assert demo_appointments_ensure() == 0
