"""The queue API (mounted at ``/api/v1/``): an office's system issues, calls, serves and transfers
its own tickets with the office's key; another office's ticket is a 404."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, has_perm, require
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.common.calendar import Day
from pishkhan.common.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.frontoffice import appointments, tickets
from pishkhan.frontoffice.models import Ticket
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_for_counter, office_get

router = Router(auth=api_auth, tags=["tickets"])
PAGE_SIZE = 100


class TicketIn(Schema):
    service: str = Field("", max_length=64)
    priority: bool = False
    mobile: str = Field("", max_length=20)
    appointment: str = Field("", max_length=16, description="a booking code of this office for today")


class CounterIn(Schema):
    counter: int = Field(..., ge=1, le=50)


class ServeIn(Schema):
    tracking_code: str = Field("", max_length=40)


class TicketListIn(Schema):
    office: str = Field(..., min_length=1, max_length=16)
    day: Day | None = None


class TicketOut(Schema):
    id: int
    number: str
    office: str
    day: dt.date
    service: str
    priority: bool
    state: str
    counter: int | None
    issued_at: dt.datetime
    called_at: dt.datetime | None
    ended_at: dt.datetime | None
    tracking_code: str | None
    appointment: str | None


def _out(ticket: Ticket, office: Office) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.label,
        "office": office.code,
        "day": ticket.day,
        "service": ticket.service.code,
        "priority": ticket.priority,
        "state": ticket.state,
        "counter": ticket.counter,
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "ended_at": ticket.ended_at,
        "tracking_code": ticket.transaction.tracking_code if ticket.transaction_id else None,
        "appointment": ticket.appointment.code if ticket.appointment_id else None,
    }


def _office_of(request: HttpRequest) -> Office:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    if principal.jurisdiction_kind != JurisdictionKind.OFFICE or not principal.jurisdiction_code:
        raise PermissionDeniedError(_("Only an office's own system may use the queue API."))
    require(principal, "transactions.record", office=principal.jurisdiction_code)
    return office_for_counter(code=principal.jurisdiction_code)


@router.post("/tickets", response={201: TicketOut}, summary="Issue a queue ticket")
def ticket_issue(request: HttpRequest, payload: TicketIn) -> object:
    """Issue the day's next ticket for a service the office delivers (422 otherwise), or for a
    booked citizen by their booking code (404 unknown here, 409 cancelled or used, 422 another day)."""
    office = _office_of(request)
    ticket = tickets.ticket_issue(
        office=office,
        service_code=payload.service,
        priority=payload.priority,
        mobile=payload.mobile,
        appointment_code=payload.appointment,
    )
    return Status(201, _out(ticket, office))


@router.post("/tickets/{ticket_id}/call", response=TicketOut, summary="Call a ticket to a counter")
def ticket_call(request: HttpRequest, ticket_id: int, payload: CounterIn) -> object:
    """Call a waiting ticket to a counter; 409 unless it waits (for that counter)."""
    office = _office_of(request)
    return _out(tickets.ticket_call(office=office, ticket_id=ticket_id, counter=payload.counter), office)


@router.post("/tickets/{ticket_id}/serve", response=TicketOut, summary="Mark a ticket served")
def ticket_serve(request: HttpRequest, ticket_id: int, payload: ServeIn) -> object:
    """Mark a called ticket served, with the tracking code of the transaction it produced."""
    office = _office_of(request)
    return _out(
        tickets.ticket_serve(office=office, ticket_id=ticket_id, tracking_code=payload.tracking_code), office
    )


@router.post("/tickets/{ticket_id}/no-show", response=TicketOut, summary="Mark a ticket no-show")
def ticket_no_show(request: HttpRequest, ticket_id: int) -> object:
    """Mark a called ticket whose citizen did not come."""
    office = _office_of(request)
    return _out(tickets.ticket_no_show(office=office, ticket_id=ticket_id), office)


@router.post("/tickets/{ticket_id}/transfer", response=TicketOut, summary="Transfer a ticket")
def ticket_transfer(request: HttpRequest, ticket_id: int, payload: CounterIn) -> object:
    """Send a called ticket to another counter, where it waits in its place."""
    office = _office_of(request)
    return _out(tickets.ticket_transfer(office=office, ticket_id=ticket_id, counter=payload.counter), office)


@router.get("/tickets", response=list[TicketOut], summary="An office's tickets of a day")
@paginate(Pagination, page_size=PAGE_SIZE)
def ticket_list(request: HttpRequest, filters: Query[TicketListIn]):
    """The office's tickets of a Tehran day (today by default), in order of issue."""
    office = _office_of(request)
    if filters.office.strip().upper() != office.code.upper():
        raise NotFoundError(_("No office has the code %(code)s.") % {"code": filters.office})
    day = filters.day or timezone.localdate()
    rows = (
        Ticket.objects.filter(office=office, day=day)
        .select_related("service", "transaction", "appointment")
        .order_by("id")
    )
    return [_out(ticket, office) for ticket in rows]


# --- Appointments -----------------------------------------------------------------------------------

appointments_router = Router(auth=api_auth, tags=["appointments"])


class AppointmentListIn(Schema):
    office: str = Field(..., min_length=1, max_length=16)
    day: Day | None = None


class AppointmentOut(Schema):
    code: str
    office: str
    counter: int
    service: str
    start: dt.datetime
    end: dt.datetime
    state: str
    national_id: str = Field(..., description="masked")
    mobile: str = Field(..., description="masked")
    ticket: str | None


@appointments_router.get(
    "/appointments", response=list[AppointmentOut], summary="An office's appointments of a day"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def appointment_list(request: HttpRequest, filters: Query[AppointmentListIn]):
    """The office's appointments of a Tehran day (today by default), by start and counter: the
    office's own key, or staff whose jurisdiction holds the office (``offices.view``)."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    try:
        office = office_get(code=filters.office.strip().upper(), scope=principal.scope)
    except ApplicationError:
        raise NotFoundError(_("No office has the code %(code)s.") % {"code": filters.office}) from None
    if not has_perm(principal, "offices.view", province=office.province.code, office=office.code) and not (
        principal.jurisdiction_kind == JurisdictionKind.OFFICE and principal.jurisdiction_code == office.code
    ):
        raise PermissionDeniedError(_("You may not see this office's appointments."))
    day = filters.day or timezone.localdate()
    rows = appointments.appointments_of_day(office=office, day=day).select_related("ticket")
    return [
        {
            "code": row.code,
            "office": office.code,
            "counter": row.counter,
            "service": row.service.code,
            "start": row.start,
            "end": row.end,
            "state": row.state,
            "national_id": row.national_id_masked,
            "mobile": row.mobile_masked,
            "ticket": _ticket_label(row),
        }
        for row in rows
    ]


def _ticket_label(row) -> str | None:
    try:
        return row.ticket.label
    except Ticket.DoesNotExist:
        return None
