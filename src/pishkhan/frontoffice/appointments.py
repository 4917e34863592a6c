"""Appointments: a citizen books a slot at one counter of an office for a service, confirmed by a
one-time SMS code, and may cancel or move it the same way; on arrival it becomes a queue ticket
(``tickets.ticket_issue``), called before the others once its slot has started.

The office sets which counters take appointments and the length of their slots
(``AppointmentCounter``); a counter's slots are its office's opening hours cut in that length, on
every open day that is not a holiday (``Holiday``), bookable from now to ``WINDOW_DAYS`` ahead; the
services are the counter's own (``offices.CounterService``; all the office's when none are set).

No slot is booked twice: a partial unique constraint on (office, counter, start) over the live
appointments decides between two citizens who book the last slot at once; the loser is told the slot
was just taken. The citizen is kept minimal: the national ID as a keyed hash and masked, the mobile
sealed (erased once the slot has passed) and masked.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor
from pishkhan.audit.services import audit_record
from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.calendar import TEHRAN, format_jalali_date, to_tehran
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_clean, mobile_mask, national_id_clean, national_id_mask
from pishkhan.common.sealing import seal, unseal
from pishkhan.frontoffice.models import (
    BOOKED_STATES,
    BOOKING_CODE_LENGTH,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    Appointment,
    AppointmentCounter,
    Holiday,
)
from pishkhan.frontoffice.states import AppointmentState
from pishkhan.notifications.services import code_redeem, code_send, message_enqueue
from pishkhan.offices.hours import iranian_weekday, minutes_of
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import counter_services

WINDOW_DAYS = 14
CODE_PURPOSE = "booking"
NATIONAL_ID_SALT = "pishkhan.frontoffice.appointment.national_id"
_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B


def national_id_key(national_id: str) -> str:
    """The keyed hash of a (clean) national ID: matches a booking without keeping the number."""
    return salted_hmac(NATIONAL_ID_SALT, national_id, algorithm="sha256").hexdigest()


def _subject(national_id: str, mobile: str) -> str:
    return f"{national_id}:{mobile}"


# --- The office's plan ------------------------------------------------------------------------------


def appointment_counter_set(*, office: Office, counter: object, slot_minutes: object, actor: Actor) -> None:
    """Let a counter take appointments in slots of ``slot_minutes`` (0: stop taking new ones; booked
    appointments stay)."""
    try:
        number, minutes = int(str(counter)), int(str(slot_minutes))
    except (TypeError, ValueError):
        number, minutes = 0, -1
    if not 1 <= number <= office.counters:
        message = _("The office has counters 1 to %(n)d.") % {"n": office.counters}
        raise ValidationError(message, fields={"counter": message})
    if minutes != 0 and not SLOT_MINUTES_MIN <= minutes <= SLOT_MINUTES_MAX:
        message = _("A slot lasts %(min)d to %(max)d minutes (0: no appointments).") % {
            "min": SLOT_MINUTES_MIN,
            "max": SLOT_MINUTES_MAX,
        }
        raise ValidationError(message, fields={"slot_minutes": message})
    with transaction.atomic():
        if minutes == 0:
            AppointmentCounter.objects.filter(office=office, counter=number).delete()
        else:
            AppointmentCounter.objects.update_or_create(
                office=office, counter=number, defaults={"slot_minutes": minutes}
            )
        audit_record(
            actor=actor,
            action="office.set_appointment_counter",
            target=office,
            after={"counter": number, "slot_minutes": minutes},
        )


def appointment_counters(*, office: Office) -> dict[int, int]:
    """The office's counters that take appointments → their slot length in minutes."""
    rows = AppointmentCounter.objects.filter(office=office, counter__lte=office.counters)
    return dict(rows.order_by("counter").values_list("counter", "slot_minutes"))


def holiday_add(*, day: dt.date, name: str = "") -> bool:
    """Record a public holiday (no appointment that day); False when it was there already."""
    _row, created = Holiday.objects.get_or_create(day=day, defaults={"name": name[:120]})
    return created


def is_holiday(day: dt.date) -> bool:
    return Holiday.objects.filter(day=day).exists()


def _day_slots(hours: dict, day: dt.date, minutes: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots of ``minutes`` the opening hours give on a Tehran day (pure)."""
    found = []
    for opens, closes in hours.get(str(iranian_weekday(day)), ()):
        start, close = minutes_of(opens), minutes_of(closes)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=TEHRAN)
        while start + minutes <= close:
            found.append(
                (midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=start + minutes))
            )
            start += minutes
    return found


@dataclass
class Slot:
    """A bookable start at an office: its end (the shortest slot's), and the counters free then."""

    start: dt.datetime
    end: dt.datetime
    counters: list[int] = field(default_factory=list)

    @property
    def value(self) -> str:
        """The slot as a form posts it: its start in Tehran time, ISO 8601."""
        return to_tehran(self.start).isoformat(timespec="minutes")

    @property
    def time(self) -> str:
        return f"{to_tehran(self.start):%H:%M}"


def _serving(office: Office, service: Service) -> dict[int, int]:
    """The appointment counters of the office that serve the service → slot minutes."""
    lists = counter_services(office=office)
    return {
        counter: minutes
        for counter, minutes in appointment_counters(office=office).items()
        if not lists.get(counter) or service.code in lists[counter]
    }


def day_slots(
    *, office: Office, service: Service, day: dt.date, now: dt.datetime | None = None, free_only: bool = True
) -> list[Slot]:
    """The slots of a Tehran day at the office for a service, by start, each with its counters
    (only the free ones with ``free_only``); none on a holiday, a closed day, or in the past."""
    now = now or timezone.now()
    if is_holiday(day):
        return []
    slots: dict[dt.datetime, Slot] = {}
    for counter, minutes in _serving(office, service).items():
        for start, end in _day_slots(office.opening_hours, day, minutes):
            if start <= now:
                continue
            slot = slots.setdefault(start, Slot(start=start, end=end))
            slot.end = min(slot.end, end)
            slot.counters.append(counter)
    if free_only and slots:
        taken = Appointment.objects.filter(
            office=office, state__in=BOOKED_STATES, start__in=list(slots)
        ).values_list("start", "counter")
        for start, counter in taken:
            slot = slots.get(start)
            if slot is not None and counter in slot.counters:
                slot.counters.remove(counter)
    return [slot for _start, slot in sorted(slots.items()) if slot.counters]


def bookable_days(now: dt.datetime | None = None) -> list[dt.date]:
    """The Tehran days one may book: today to ``WINDOW_DAYS`` ahead."""
    today = timezone.localdate(now or timezone.now())
    return [today + dt.timedelta(days=n) for n in range(WINDOW_DAYS + 1)]


def first_free_slot(*, office: Office, service: Service, now: dt.datetime | None = None) -> Slot | None:
    """The office's earliest free slot for a service within the window; None when all are taken."""
    now = now or timezone.now()
    if not _serving(office, service):
        return None
    for day in bookable_days(now):
        slots = day_slots(office=office, service=service, day=day, now=now)
        if slots:
            return slots[0]
    return None


# --- Checking what the citizen gives ---------------------------------------------------------------


def service_of(office: Office, code: str) -> Service:
    service = services_deliverable_by(kind=office.kind).select_related("agency").filter(code=code).first()
    if service is None:
        message = _("This office does not deliver the service %(code)s.") % {"code": code}
        raise ValidationError(message, fields={"service": message})
    return service


def slot_parse(value: object) -> dt.datetime:
    """A slot's start as posted (ISO 8601; without an offset, Tehran time)."""
    if isinstance(value, dt.datetime):
        start = value
    else:
        try:
            start = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            message = _("Choose one of the slots shown.")
            raise ValidationError(message, fields={"slot": message}) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=TEHRAN)
    return start


def _slot_check(office: Office, service: Service, start: dt.datetime, now: dt.datetime) -> list[int]:
    """The office's counters whose slot for the service starts at ``start``; ``ValidationError`` for a
    slot in the past, beyond the window, on a holiday or outside the hours."""

    def refuse(message: str) -> ValidationError:
        return ValidationError(message, fields={"slot": message})

    if start <= now:
        raise refuse(_("This slot has already begun. Choose a later one."))
    day = to_tehran(start).date()
    if day > timezone.localdate(now) + dt.timedelta(days=WINDOW_DAYS):
        raise refuse(_("Appointments are booked at most %(n)d days ahead.") % {"n": WINDOW_DAYS})
    if is_holiday(day):
        raise refuse(_("The offices are closed on that day (a holiday)."))
    counters = [
        counter
        for counter, minutes in _serving(office, service).items()
        if any(begins == start for begins, _end in _day_slots(office.opening_hours, day, minutes))
    ]
    if not counters:
        raise refuse(_("The office takes no appointment for this service at that time (outside its hours)."))
    return counters


def _citizen_clean(national_id: str, mobile: str) -> tuple[str, str]:
    return national_id_clean(national_id), mobile_clean(mobile)


def appointment_book_request(
    *,
    office: Office,
    service_code: str,
    slot: object,
    national_id: str,
    mobile: str,
    language: str = "fa",
    now: dt.datetime | None = None,
) -> None:
    """Check a booking and text the citizen the one-time code that confirms it (``appointment_book``)."""
    now = now or timezone.now()
    service = service_of(office, service_code)
    start = slot_parse(slot)
    _slot_check(office, service, start, now)
    national_id, mobile = _citizen_clean(national_id, mobile)
    if not day_slots_free_at(office=office, service=service, start=start, now=now):
        raise ConflictError(_("This slot has just been taken. Choose another."))
    code_send(purpose=CODE_PURPOSE, subject=_subject(national_id, mobile), mobile=mobile, language=language)


def day_slots_free_at(*, office: Office, service: Service, start: dt.datetime, now: dt.datetime) -> list[int]:
    day = to_tehran(start).date()
    for slot in day_slots(office=office, service=service, day=day, now=now):
        if slot.start == start:
            return slot.counters
    return []


def _code_new() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _n in range(BOOKING_CODE_LENGTH))


def _params(appointment: Appointment, office: Office, language: str) -> dict[str, str]:
    local = to_tehran(appointment.start)
    return {
        "code": appointment.code,
        "office": office.name,
        "day": format_jalali_date(local, persian=language != "en"),
        "time": f"{local:%H:%M}",
    }


def _take(
    office: Office, service: Service, start: dt.datetime, counters: list[int], build: dict
) -> Appointment | None:
    """Insert the appointment at the first of ``counters`` still free; None when all were taken."""
    for counter in counters:
        end = start + dt.timedelta(minutes=_minutes(office, counter))
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    office=office, counter=counter, service=service, start=start, end=end, **build
                )
        except IntegrityError:
            continue  # another citizen took this counter's slot first
    return None


def _minutes(office: Office, counter: int) -> int:
    return appointment_counters(office=office).get(counter, SLOT_MINUTES_MIN)


def appointment_book(
    *,
    office: Office,
    service_code: str,
    slot: object,
    national_id: str,
    mobile: str,
    code: str,
    language: str = "fa",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book the slot once the citizen gives the code texted to them; the appointment, its code the
    citizen's receipt. ``ConflictError`` when the slot was taken meanwhile (nothing is booked)."""
    now = now or timezone.now()
    service = service_of(office, service_code)
    start = slot_parse(slot)
    counters = _slot_check(office, service, start, now)
    national_id, mobile = _citizen_clean(national_id, mobile)
    code_redeem(purpose=CODE_PURPOSE, subject=_subject(national_id, mobile), code=code, now=now)
    with transaction.atomic():
        appointment = _book(office, service, start, counters, national_id, mobile, now)
        message_enqueue(
            key=f"appointment:{appointment.pk}:booked",
            mobile=mobile,
            template="appointment_booked",
            params=_params(appointment, office, language),
            language=language,
        )
    return appointment


def _book(
    office: Office,
    service: Service,
    start: dt.datetime,
    counters: list[int],
    national_id: str,
    mobile: str,
    now: dt.datetime,
) -> Appointment:
    build = {
        "code": _code_new(),
        "national_id_key": national_id_key(national_id),
        "national_id_masked": national_id_mask(national_id),
        "mobile_sealed": seal(mobile),
        "mobile_masked": mobile_mask(mobile),
        "created_at": now,
    }
    appointment = _take(office, service, start, counters, build)
    if appointment is None:
        raise ConflictError(_("This slot has just been taken. Choose another."))
    return appointment


def appointment_seed(
    *,
    office: Office,
    service_code: str,
    slot: object,
    national_id: str,
    mobile: str,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a slot for a fictional citizen, with no code and no message: the demo's seed only (a real
    citizen always books with :func:`appointment_book`)."""
    now = now or timezone.now()
    service = service_of(office, service_code)
    start = slot_parse(slot)
    counters = _slot_check(office, service, start, now)
    national_id, mobile = _citizen_clean(national_id, mobile)
    return _book(office, service, start, counters, national_id, mobile, now)


# --- The citizen's own booking: cancel, move ---------------------------------------------------------


def appointment_find(*, code: str, national_id: str, mobile: str) -> Appointment:
    """The live booking with this code, if the national ID and mobile are its citizen's;
    ``NotFoundError`` otherwise (the same answer whichever part is wrong)."""
    unknown = NotFoundError(_("No booking matches this code, national ID and mobile."))
    try:
        national_id, mobile = _citizen_clean(national_id, mobile)
    except ValidationError:
        raise unknown from None
    appointment = (
        Appointment.objects.select_related("office", "service")
        .filter(code=str(code).strip().upper()[:BOOKING_CODE_LENGTH], state=AppointmentState.BOOKED)
        .first()
    )
    if (
        appointment is None
        or not constant_time_compare(appointment.national_id_key, national_id_key(national_id))
        or not appointment.mobile_sealed
        or unseal(appointment.mobile_sealed) != mobile
    ):
        raise unknown
    return appointment


def appointment_change_request(
    *, code: str, national_id: str, mobile: str, language: str = "fa"
) -> Appointment:
    """Text the code that confirms a cancel or a move of one's booking; the booking."""
    appointment = appointment_find(code=code, national_id=national_id, mobile=mobile)
    national_id, mobile = _citizen_clean(national_id, mobile)
    code_send(purpose=CODE_PURPOSE, subject=_subject(national_id, mobile), mobile=mobile, language=language)
    return appointment


def _confirmed(code: str, national_id: str, mobile: str, sms_code: str, now: dt.datetime) -> Appointment:
    """The citizen's booking once the texted code is right. Redeemed outside any transaction of ours,
    so that a wrong code's try is counted even though the change is refused."""
    found = appointment_find(code=code, national_id=national_id, mobile=mobile)
    national_id, mobile = _citizen_clean(national_id, mobile)
    code_redeem(purpose=CODE_PURPOSE, subject=_subject(national_id, mobile), code=sms_code, now=now)
    return found


def _locked(found: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().select_related("office").get(pk=found.pk)
    if appointment.state != AppointmentState.BOOKED:
        raise ConflictError(_("This booking was already cancelled or used."))
    return appointment


def appointment_cancel(
    *,
    code: str,
    national_id: str,
    mobile: str,
    sms_code: str,
    language: str = "fa",
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel one's booking (confirmed by the texted code): the slot is free again."""
    now = now or timezone.now()
    found = _confirmed(code, national_id, mobile, sms_code, now)
    with transaction.atomic():
        appointment = _locked(found)
        appointment.state, appointment.cancelled_at = AppointmentState.CANCELLED, now
        mobile_plain = unseal(appointment.mobile_sealed)
        appointment.mobile_sealed = ""
        appointment.save(update_fields=["state", "cancelled_at", "mobile_sealed"])
        message_enqueue(
            key=f"appointment:{appointment.pk}:cancelled",
            mobile=mobile_plain,
            template="appointment_cancelled",
            params=_params(appointment, appointment.office, language),
            language=language,
        )
    return appointment


def appointment_move(
    *,
    code: str,
    national_id: str,
    mobile: str,
    sms_code: str,
    slot: object,
    language: str = "fa",
    now: dt.datetime | None = None,
) -> Appointment:
    """Move one's booking to another free slot of the same office and service (confirmed by the
    texted code); its code stays. ``ConflictError`` if that slot was taken meanwhile."""
    now = now or timezone.now()
    found = appointment_find(code=code, national_id=national_id, mobile=mobile)
    start = slot_parse(slot)
    counters = _slot_check(found.office, found.service, start, now)
    _confirmed(code, national_id, mobile, sms_code, now)
    with transaction.atomic():
        appointment = _locked(found)
        office = appointment.office
        moved = False
        for counter in counters:
            minutes = _minutes(office, counter)
            end = start + dt.timedelta(minutes=minutes)
            try:
                with transaction.atomic():
                    Appointment.objects.filter(pk=appointment.pk).update(
                        counter=counter, start=start, end=end, moves=appointment.moves + 1
                    )
            except IntegrityError:
                continue
            moved = True
            break
        if not moved:
            raise ConflictError(_("This slot has just been taken. Choose another."))
        appointment.refresh_from_db()
        message_enqueue(
            key=f"appointment:{appointment.pk}:moved:{appointment.moves}",
            mobile=unseal(appointment.mobile_sealed),
            template="appointment_booked",
            params=_params(appointment, office, language),
            language=language,
        )
    return appointment


# --- The office's side ------------------------------------------------------------------------------


def appointments_of_day(*, office: Office, day: dt.date):
    """The office's appointments of a Tehran day (cancelled ones too), by start and counter."""
    begins = dt.datetime.combine(day, dt.time(0), tzinfo=TEHRAN)
    return (
        Appointment.objects.filter(office=office, start__gte=begins, start__lt=begins + dt.timedelta(days=1))
        .select_related("service")
        .order_by("start", "counter")
    )


def appointment_for_arrival(*, office: Office, code: str, now: dt.datetime | None = None) -> Appointment:
    """Lock the booking a citizen shows at the office's kiosk: booked here, for today. The caller
    (``tickets.ticket_issue``) marks it arrived in the same transaction."""
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update()
        .filter(code=str(code).strip().upper()[:BOOKING_CODE_LENGTH], office=office)
        .first()
    )
    if appointment is None:
        message = _("No booking of this office has the code %(code)s.") % {"code": code}
        raise NotFoundError(message)
    if appointment.state == AppointmentState.MISSED:
        raise ConflictError(_("This booking's day has passed."))
    if appointment.state != AppointmentState.BOOKED:
        raise ConflictError(_("This booking was already cancelled or used."))
    if to_tehran(appointment.start).date() != timezone.localdate(now):
        message = _("This booking is for another day.")
        raise ValidationError(message, fields={"appointment": message})
    return appointment


def appointments_remind(*, now: dt.datetime) -> int:
    """Text the reminder of tomorrow's bookings (Tehran day), once each (key per appointment); how many
    were put in the outbox."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    begins = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=TEHRAN)
    due = (
        Appointment.objects.filter(
            state=AppointmentState.BOOKED, start__gte=begins, start__lt=begins + dt.timedelta(days=1)
        )
        .exclude(mobile_sealed="")
        .select_related("office")
    )
    sent = 0
    for appointment in due.iterator():
        sent += message_enqueue(
            key=f"appointment:{appointment.pk}:reminder:{appointment.moves}",
            mobile=unseal(appointment.mobile_sealed),
            template="appointment_reminder",
            params=_params(appointment, appointment.office, "fa"),
        )
    return sent


def appointments_missed_mark(*, now: dt.datetime) -> int:
    """Mark missed the bookings of days that have ended (Tehran) still booked: the citizen never came
    to the kiosk. The slot was past anyway; the office's day and the citizen's code then say so, and a
    missed booking can no longer be cancelled, moved or shown at the kiosk. How many were marked."""
    today = dt.datetime.combine(timezone.localdate(now), dt.time(0), tzinfo=TEHRAN)
    return Appointment.objects.filter(state=AppointmentState.BOOKED, start__lt=today).update(
        state=AppointmentState.MISSED
    )
