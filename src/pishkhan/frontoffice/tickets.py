"""The office's queue: tickets issued at the kiosk (or by the office's system), called to a counter,
served or marked no-show, transferred between counters.

Numbers run per office, counter group and Tehran day: ``Q-<group>-<n>``. Kiosks issue concurrently,
so the next number is read as the day's highest plus one and taken under a unique constraint; a
clash (another kiosk took it first) retries with the next.

The counter group of a ticket is the agency of its service (the registry's service → agency): a
waiting room reads "Q-SABT-12" as the line for that agency's services. Each counter serves the
services the office set for it (``offices.CounterService``), or all the office delivers; a booked
citizen's ticket (``appointments``) is called first once its slot has started.

No audit entry per step: a busy office issues hundreds of tickets a day, each with three or four
steps, and the ticket's own timestamps (issued, called, ended) and its counter are the record the
wait-time figures need. The mobile is stored sealed and erased when the ticket ends.
"""

from __future__ import annotations

import contextlib

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.catalogue.models import Service
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ConflictError, NotFoundError, ValidationError
from pishkhan.common.identifiers import mobile_clean
from pishkhan.common.sealing import seal, unseal
from pishkhan.frontoffice.appointments import appointment_for_arrival
from pishkhan.frontoffice.models import GROUP_MAX, Ticket
from pishkhan.frontoffice.states import TICKET_TRANSITIONS, AppointmentState, TicketState
from pishkhan.notifications.services import message_enqueue
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import counter_service_codes
from pishkhan.transactions.selectors import transaction_list_for_scope

NUMBER_RETRIES = 50
# "Three tickets before you": the SMS goes when at most this many are ahead in the line.
NEAR_AHEAD = 3
TRACKING_CODE_MAX = 40


def ticket_group(service: Service) -> str:
    """The counter group of a service's tickets: its agency's code, in capitals."""
    return service.agency.code.upper()[:GROUP_MAX]


def _service_of(office: Office, code: str) -> Service:
    service = services_deliverable_by(kind=office.kind).select_related("agency").filter(code=code).first()
    if service is None:
        message = _("This office does not deliver the service %(code)s.") % {"code": code}
        raise ValidationError(message, fields={"service": message})
    return service


def _counter_clean(office: Office, value: object, field: str = "counter") -> int:
    try:
        counter = int(str(value))
    except (TypeError, ValueError):
        counter = 0
    if not 1 <= counter <= office.counters:
        message = _("The office has counters 1 to %(n)d.") % {"n": office.counters}
        raise ValidationError(message, fields={field: message})
    return counter


def ticket_issue(
    *,
    office: Office,
    service_code: str = "",
    priority: bool = False,
    mobile: str = "",
    appointment_code: str = "",
) -> Ticket:
    """Issue the next ticket of the day for a service the office delivers; the mobile is optional.

    With a booking code (an appointment of this office for today) the ticket is for the booked
    service, waits for the booked counter, and is linked to the appointment (now arrived).
    """
    appointment_code = (appointment_code or "").strip()
    if not appointment_code and not (service_code or "").strip():
        message = _("Choose a service, or give your booking code.")
        raise ValidationError(message, fields={"service": message})
    # A booking is locked, ticketed and marked arrived in one transaction; a walk-in's ticket is
    # numbered on its own, each try committed at once (kiosks race for numbers).
    with transaction.atomic() if appointment_code else contextlib.nullcontext():
        appointment = None
        if appointment_code:
            appointment = appointment_for_arrival(office=office, code=appointment_code)
            service = Service.objects.select_related("agency").get(pk=appointment.service_id)
            if not mobile and appointment.mobile_sealed:
                mobile = unseal(appointment.mobile_sealed)
        else:
            service = _service_of(office, service_code)
        mobile = (mobile or "").strip()
        sealed = seal(mobile_clean(mobile)) if mobile else ""
        group, day = ticket_group(service), timezone.localdate()
        for _attempt in range(NUMBER_RETRIES):
            highest = Ticket.objects.filter(office=office, day=day, group=group).aggregate(n=Max("number"))[
                "n"
            ]
            try:
                with transaction.atomic():
                    ticket = Ticket.objects.create(
                        office=office,
                        day=day,
                        group=group,
                        number=(highest or 0) + 1,
                        service=service,
                        priority=bool(priority),
                        mobile_sealed=sealed,
                        appointment=appointment,
                        counter=appointment.counter if appointment is not None else None,
                    )
            except IntegrityError:
                continue  # another kiosk took this number: read the highest again
            if appointment is not None:
                appointment.state = AppointmentState.ARRIVED
                appointment.save(update_fields=["state"])
            return ticket
    raise ConflictError(_("The queue is busy; please try again."))


def waiting_line(*, office: Office, day, counter: int | None = None, service_code: str = "", now=None):
    """The waiting tickets in the order they are called: a booked citizen's ticket once its slot has
    started first (by slot), then the priority flag (elderly, disabled), then order of arrival.

    A ticket transferred to a counter (or booked at one) waits for that counter only; a counter set
    to serve some services (``offices.CounterService``) sees only theirs, besides those sent to it.
    """
    now = now or timezone.now()
    waiting = Ticket.objects.filter(office=office, day=day, state=TicketState.WAITING)
    if counter is not None:
        open_to_all = Q(counter__isnull=True)
        serves = counter_service_codes(office=office, counter=counter)
        if serves:
            open_to_all &= Q(service__code__in=serves)
        waiting = waiting.filter(open_to_all | Q(counter=counter))
    if service_code:
        waiting = waiting.filter(service__code=service_code)
    started = Q(appointment__start__lte=now)
    return waiting.annotate(
        slot_due=Case(When(started, then=Value(0)), default=Value(1), output_field=IntegerField()),
        due_start=Case(When(started, then=F("appointment__start")), default=None),
    ).order_by("slot_due", "due_start", "-priority", "issued_at", "id")


def _near_notify(office: Office, day) -> None:
    """Enqueue the "your turn is near" SMS for every waiting ticket with a mobile and at most
    ``NEAR_AHEAD`` tickets ahead of it; once per ticket (key ``ticket:<id>:near``)."""
    ahead = list(waiting_line(office=office, day=day)[: NEAR_AHEAD + 1])
    for ticket in ahead:
        if ticket.near_notified or not ticket.mobile_sealed:
            continue
        message_enqueue(
            key=f"ticket:{ticket.pk}:near",
            mobile=unseal(ticket.mobile_sealed),
            template="ticket_turn_near",
            params={"number": ticket.label, "office": office.name},
        )
        Ticket.objects.filter(pk=ticket.pk).update(near_notified=True)


def _locked(office: Office, ticket_id: object) -> Ticket:
    try:
        pk = int(str(ticket_id))
    except (TypeError, ValueError):
        pk = 0
    ticket = Ticket.objects.select_for_update().filter(pk=pk, office=office).first()
    if ticket is None:
        raise NotFoundError(_("No ticket %(id)s in this office.") % {"id": ticket_id})
    return ticket


def _move(ticket: Ticket, target: str) -> None:
    if not TICKET_TRANSITIONS.allows(ticket.state, target):
        raise ConflictError(
            _("Ticket %(label)s is %(state)s and cannot be %(target)s.")
            % {
                "label": ticket.label,
                "state": TicketState(ticket.state).label,
                "target": TicketState(target).label,
            }
        )
    ticket.state = target


@transaction.atomic
def ticket_call(*, office: Office, ticket_id: object, counter: object) -> Ticket:
    """Call one waiting ticket to a counter."""
    number = _counter_clean(office, counter)
    ticket = _locked(office, ticket_id)
    if ticket.state == TicketState.WAITING and ticket.counter not in (None, number):
        raise ConflictError(_("This ticket waits for counter %(n)d.") % {"n": ticket.counter})
    _move(ticket, TicketState.CALLED)
    ticket.counter, ticket.called_at = number, timezone.now()
    ticket.save(update_fields=["state", "counter", "called_at"])
    _near_notify(office, ticket.day)
    return ticket


@transaction.atomic
def ticket_call_next(*, office: Office, counter: object, service_code: str = "") -> Ticket:
    """Call the next ticket in line for a counter (optionally of one service); 409 when none waits."""
    number = _counter_clean(office, counter)
    line = waiting_line(office=office, day=timezone.localdate(), counter=number, service_code=service_code)
    # Two counters calling at once: the first takes the head of the line, the other skips it.
    ticket = line.select_for_update(skip_locked=True, of=("self",)).first()
    if ticket is None:
        raise ConflictError(_("No ticket is waiting."))
    return ticket_call(office=office, ticket_id=ticket.pk, counter=number)


def _end(ticket: Ticket, target: str) -> None:
    _move(ticket, target)
    ticket.ended_at, ticket.mobile_sealed = timezone.now(), ""


@transaction.atomic
def ticket_serve(*, office: Office, ticket_id: object, tracking_code: str = "") -> Ticket:
    """Mark a called ticket served, linking the transaction it produced (its tracking code, of this
    office) when given."""
    ticket = _locked(office, ticket_id)
    _end(ticket, TicketState.SERVED)
    code = (tracking_code or "").strip()
    if code:
        produced = (
            transaction_list_for_scope(scope={"office": office.code})
            .filter(tracking_code=code[:TRACKING_CODE_MAX])
            .first()
        )
        if produced is None:
            message = _("No transaction of this office has the tracking code %(code)s.") % {"code": code}
            raise ValidationError(message, fields={"tracking_code": message})
        ticket.transaction = produced
    ticket.save(update_fields=["state", "ended_at", "mobile_sealed", "transaction"])
    return ticket


@transaction.atomic
def ticket_no_show(*, office: Office, ticket_id: object) -> Ticket:
    """Mark a called ticket whose citizen did not come."""
    ticket = _locked(office, ticket_id)
    _end(ticket, TicketState.NO_SHOW)
    ticket.save(update_fields=["state", "ended_at", "mobile_sealed"])
    return ticket


@transaction.atomic
def ticket_transfer(*, office: Office, ticket_id: object, counter: object) -> Ticket:
    """Send a called ticket to another counter: it waits again, in its place, for that counter only."""
    ticket = _locked(office, ticket_id)
    number = _counter_clean(office, counter)
    if ticket.state == TicketState.CALLED and ticket.counter == number:
        message = _("The ticket is already at counter %(n)d.") % {"n": number}
        raise ValidationError(message, fields={"counter": message})
    _move(ticket, TicketState.WAITING)
    ticket.counter, ticket.called_at = number, None
    ticket.save(update_fields=["state", "counter", "called_at"])
    return ticket


def tickets_mobiles_erase_stale(*, now) -> int:
    """Erase the mobile of every ticket of an earlier Tehran day still holding one (a ticket never
    called, or left called, when the office closed); its state stays as it was, for the figures.
    How many."""
    today = timezone.localdate(now)
    return Ticket.objects.filter(day__lt=today).exclude(mobile_sealed="").update(mobile_sealed="")
