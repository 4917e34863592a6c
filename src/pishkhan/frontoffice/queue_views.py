"""The queue's pages: the kiosk that issues tickets, the operator's counter page that calls, serves,
marks no-shows and transfers, and the waiting room's display.

The kiosk and the counter page are the office's own (``transactions.record`` in the office's
jurisdiction: the office's staff open the kiosk signed in on the kiosk device). The display is
public on purpose: a screen in the waiting room shows ticket numbers and counters, nothing of anyone.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from pishkhan.accounts.permissions import has_perm, permission_required, principal_of, public
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.frontoffice import appointments, tickets
from pishkhan.frontoffice.forms import AppointmentCounterForm, TicketIssueForm
from pishkhan.frontoffice.models import Ticket
from pishkhan.frontoffice.states import TicketState
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_for_counter

DISPLAY_REFRESH_SECONDS = 3
DISPLAY_RECENT = 6


def _office_of(request: HttpRequest) -> Office:
    """The signed-in user's own office, where they may run the queue; anyone else finds nothing."""
    principal = principal_of(request)
    code = principal.jurisdiction_code
    if principal.jurisdiction_kind != JurisdictionKind.OFFICE or not code:
        raise Http404("no office")
    if not has_perm(principal, "transactions.record", office=code):
        raise Http404(code)
    try:
        return office_for_counter(code=code)
    except ApplicationError:
        raise Http404(code) from None


def _services(office: Office) -> list[tuple[str, str]]:
    english = (get_language() or "fa").startswith("en")
    return [
        (service.code, service.title_en if english else service.title_fa)
        for service in services_deliverable_by(kind=office.kind)
    ]


@permission_required("transactions.record")
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """Issue a ticket: the citizen picks the service; the ticket's number comes up large."""
    office = _office_of(request)
    offered, issued, status = _services(office), None, 200
    form = TicketIssueForm(request.POST or None, services=offered)
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = tickets.ticket_issue(
                    office=office,
                    service_code=form.cleaned_data["service"],
                    priority=form.cleaned_data["priority"],
                    mobile=form.cleaned_data["mobile"],
                    appointment_code=form.cleaned_data["appointment"],
                )
            except ApplicationError as error:
                status = error.status
                errors_onto(form, error)
            else:
                form = TicketIssueForm(services=offered)
        else:
            status = 422
    ahead = 0
    if issued is not None:
        ahead = (
            tickets.waiting_line(office=office, day=issued.day).filter(issued_at__lt=issued.issued_at).count()
        )
    return render(
        request,
        "frontoffice/kiosk.html",
        {"office": office, "form": form, "issued": issued, "ahead": ahead},
        status=status,
    )


def _counter_of(request: HttpRequest, office: Office) -> int:
    try:
        counter = int(request.GET.get("counter") or request.POST.get("counter") or 1)
    except ValueError:
        counter = 1
    return counter if 1 <= counter <= office.counters else 1


@permission_required("transactions.record")
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """The operator's counter: call the next ticket, serve it (with the transaction's tracking code),
    mark it no-show, or transfer it to another counter."""
    office = _office_of(request)
    counter, refusal, status = _counter_of(request, office), "", 200
    if request.method == "POST":
        action, ticket_id = request.POST.get("action", ""), request.POST.get("ticket", "")
        try:
            if action == "call":
                tickets.ticket_call_next(
                    office=office, counter=counter, service_code=request.POST.get("service", "")
                )
            elif action == "serve":
                tickets.ticket_serve(
                    office=office, ticket_id=ticket_id, tracking_code=request.POST.get("tracking_code", "")
                )
            elif action == "no_show":
                tickets.ticket_no_show(office=office, ticket_id=ticket_id)
            elif action == "transfer":
                tickets.ticket_transfer(
                    office=office, ticket_id=ticket_id, counter=request.POST.get("to", "")
                )
            else:
                raise Http404(action)
        except ApplicationError as error:
            refusal, status = error.detail, error.status
        else:
            return redirect(f"{reverse('frontoffice:queue')}?counter={counter}")
    day = timezone.localdate()
    called = (
        Ticket.objects.filter(office=office, day=day, state=TicketState.CALLED, counter=counter)
        .select_related("service")
        .order_by("called_at")
    )
    line = tickets.waiting_line(office=office, day=day, counter=counter).select_related("service")
    return render(
        request,
        "frontoffice/queue.html",
        {
            "office": office,
            "counter": counter,
            "counters": range(1, office.counters + 1),
            "called": list(called),
            "line": list(line[:50]),
            "waiting": line.count(),
            "services": _services(office),
            "appointments": [
                row
                for row in appointments.appointments_of_day(office=office, day=day)
                if row.counter == counter and row.state != "cancelled"
            ],
            "refusal": refusal,
        },
        status=status,
    )


@permission_required("transactions.record")
@require_http_methods(["GET", "POST"])
def office_day(request: HttpRequest) -> HttpResponse:
    """The office's appointments of a day, per counter; the operator (``offices.manage_staff``) also
    sets which counters take appointments and the length of their slots."""
    office = _office_of(request)
    principal = principal_of(request)
    may_plan = has_perm(principal, "offices.manage_staff", office=office.code)
    form, status = None, 200
    if may_plan:
        form = AppointmentCounterForm(request.POST or None, counters=office.counters)
        if request.method == "POST":
            if form.is_valid():
                try:
                    appointments.appointment_counter_set(
                        office=office,
                        counter=form.cleaned_data["counter"],
                        slot_minutes=form.cleaned_data["slot_minutes"],
                        actor=principal,
                    )
                except ApplicationError as error:
                    errors_onto(form, error)
                    status = error.status
                else:
                    return redirect("frontoffice:office_day")
            else:
                status = 422
    elif request.method == "POST":
        raise Http404("may not plan")
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else None
    except ValueError:
        day = None
    day = day or timezone.localdate()
    rows = list(appointments.appointments_of_day(office=office, day=day).select_related("ticket"))
    by_counter: dict[int, list] = {}
    for row in rows:
        by_counter.setdefault(row.counter, []).append(row)
    return render(
        request,
        "frontoffice/office_day.html",
        {
            "office": office,
            "day": day,
            "days": [day - dt.timedelta(days=1), day + dt.timedelta(days=1)],
            "by_counter": sorted(by_counter.items()),
            "plan": sorted(appointments.appointment_counters(office=office).items()),
            "form": form,
        },
        status=status,
    )


def _display_context(code: str) -> dict:
    try:
        office = office_for_counter(code=code)
    except ApplicationError:
        raise Http404(code) from None
    recent = list(
        Ticket.objects.filter(office=office, day=timezone.localdate(), called_at__isnull=False)
        .exclude(state=TicketState.WAITING)
        .order_by("-called_at", "-id")[:DISPLAY_RECENT]
    )
    return {
        "office": office,
        "current": recent[0] if recent else None,
        "recent": recent[1:],
        "refresh_seconds": DISPLAY_REFRESH_SECONDS,
    }


@public
@require_GET
def display(request: HttpRequest, code: str) -> HttpResponse:
    """The waiting room's screen: the ticket called last and its counter, and those before it."""
    return render(request, "frontoffice/display.html", _display_context(code))


@public
@require_GET
def display_live(request: HttpRequest, code: str) -> HttpResponse:
    """The display's live part alone, for htmx to swap in every few seconds."""
    response = render(request, "frontoffice/_display_live.html", _display_context(code))
    response["Cache-Control"] = "no-store"
    return response
