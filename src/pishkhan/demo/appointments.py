"""The demo's appointments: the public holidays of the coming weeks (from ``holidays``), and a few
Tehran offices (the demo operator's first) taking appointments at counter 1 in 15-minute slots, with
some slots of their next open days booked by fictional citizens, so that the office's day
(/frontoffice/appointments/) is not empty. Made once (when no office takes appointments yet).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ApplicationError
from pishkhan.common.identifiers import national_id_is_valid
from pishkhan.demo.holidays import is_official_holiday
from pishkhan.frontoffice import appointments
from pishkhan.frontoffice.models import AppointmentCounter
from pishkhan.offices.models import Office
from pishkhan.offices.states import OfficeStatus

DEMO_PROVINCE = "23"
OFFICES = 3
DAYS_BOOKED = 2
PER_DAY = 6
SLOT_MINUTES = 15
HOLIDAY_DAYS = 60


def _national_id(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.randrange(10**9):09d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(candidate)) % 11
        check = total if total < 2 else 11 - total
        if national_id_is_valid(candidate + str(check)):
            return candidate + str(check)


def demo_appointments_ensure(*, now: dt.datetime | None = None, seed: int = 1405) -> int:
    """Seed the holidays and the demo offices' appointments once; how many appointments were made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for n in range(HOLIDAY_DAYS):
        day = today + dt.timedelta(days=n)
        if is_official_holiday(day):
            appointments.holiday_add(day=day, name="official holiday")
    if AppointmentCounter.objects.exists():
        return 0
    offices = list(
        Office.objects.filter(
            province__code=DEMO_PROVINCE, status=OfficeStatus.ACTIVE, serving_hold=""
        ).order_by("code")[:OFFICES]
    )
    rng = random.Random(seed)
    made = 0
    for office in offices:
        services = list(services_deliverable_by(kind=office.kind)[:4])
        if not services:
            continue
        appointments.appointment_counter_set(office=office, counter=1, slot_minutes=SLOT_MINUTES, actor=None)
        booked_days = 0
        for day in appointments.bookable_days(now):
            slots = appointments.day_slots(office=office, service=services[0], day=day, now=now)
            if not slots:
                continue
            for slot in rng.sample(slots, min(PER_DAY, len(slots))):
                try:
                    appointments.appointment_seed(
                        office=office,
                        service_code=rng.choice(services).code,
                        slot=slot.start,
                        national_id=_national_id(rng),
                        mobile=f"0912{rng.randrange(10**7):07d}",
                        now=now,
                    )
                except ApplicationError:
                    continue
                made += 1
            booked_days += 1
            if booked_days >= DAYS_BOOKED:
                break
    return made
