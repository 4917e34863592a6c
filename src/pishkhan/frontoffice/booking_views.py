"""The public booking pages: choose a service and where you are, see the nearest offices with a free
slot, choose a slot, give your national ID and mobile and confirm with the code texted to you; and
cancel or move your booking the same way. Persian first, no script of their own (CSP).

Every POST is throttled per address (``PISHKHAN_TRACK_RATE``, as the tracking page); the pages show
one person's booking and are never cached (``PISHKHAN_NO_STORE_VIEWS``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from pishkhan.accounts.permissions import public
from pishkhan.catalogue.models import OutsourcingStatus
from pishkhan.catalogue.selectors import service_list
from pishkhan.common.calendar import format_jalali_date, to_tehran
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.common.persian import to_persian_digits
from pishkhan.frontoffice import appointments
from pishkhan.frontoffice.forms import BookingChangeForm, BookingCitizenForm, BookingCodeForm, BookingFindForm
from pishkhan.offices import selectors as office_selectors
from pishkhan.offices.forms import OfficeFindForm
from pishkhan.offices.models import Office
from pishkhan.offices.views._shared import FIND_LIMIT, county_choices, latin, province_choices

MOVE_CHOICES = 60


def _english() -> bool:
    return (get_language() or "fa").startswith("en")


def _shown(value: str) -> str:
    return value if _english() else to_persian_digits(value)


def _slot_label(slot: appointments.Slot, *, with_day: bool = False) -> str:
    local = to_tehran(slot.start)
    time = _shown(f"{local:%H:%M}")
    return f"{format_jalali_date(local, long=True, persian=not _english())} {time}" if with_day else time


def _throttled(request: HttpRequest) -> bool:
    return request.method == "POST" and is_ratelimited(
        request,
        group="frontoffice:book",
        key="ip",
        rate=settings.PISHKHAN_TRACK_RATE,
        method="POST",
        increment=True,
    )


THROTTLED = "Too many attempts from your connection. Please wait a minute and try again."


def _service_choices() -> list[tuple[str, str]]:
    english = _english()
    return [
        (service.code, service.title_en if english else service.title_fa)
        for service in service_list().exclude(outsourcing=OutsourcingStatus.PROHIBITED)
    ]


@public
@require_http_methods(["GET"])
def book_find(request: HttpRequest) -> HttpResponse:
    """Step 1: a service and where you are → the nearest offices with a free slot, the first one each."""
    asked_province = latin(request.GET.get("province")) or latin(request.GET.get("county"))[:2]
    form = OfficeFindForm(
        request.GET or None,
        services=_service_choices(),
        provinces=province_choices(),
        counties=county_choices(asked_province if asked_province.isdigit() else ""),
    )
    form.fields.pop("open_now")
    results, status = None, 200
    if form.is_bound and form.is_valid():
        data, now = form.cleaned_data, timezone.now()
        try:
            if form.by_point:
                near = office_selectors.offices_near(
                    service_code=data["service"], lat=data["lat"], lon=data["lon"], limit=FIND_LIMIT, now=now
                )
            else:
                near = office_selectors.offices_in_county(
                    service_code=data["service"], county_code=data["county"], now=now
                )[:FIND_LIMIT]
        except ApplicationError as error:
            errors_onto(form, error)
            status = error.status
        else:
            results = []
            for found in near:
                service = appointments.service_of(found.office, data["service"])
                first = appointments.first_free_slot(office=found.office, service=service, now=now)
                if first is not None:
                    results.append(
                        {
                            "office": found.office,
                            "distance": found.distance_km,
                            "first": _slot_label(first, with_day=True),
                            "day": to_tehran(first.start).date().isoformat(),
                        }
                    )
    elif form.is_bound:
        status = 422
    return render(
        request,
        "frontoffice/book_find.html",
        {"form": form, "results": results, "service": request.GET.get("service", "")[:64]},
        status=status,
    )


def _office_of(code: str) -> Office:
    try:
        return office_selectors.office_for_counter(code=code)
    except ApplicationError:
        raise Http404(code) from None


@public
@require_http_methods(["GET", "POST"])
def book_slot(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: a day's free slots at an office; then national ID and mobile (a code is texted);
    step 3: the code → booked."""
    office = _office_of(code)
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("service"):
        return redirect("frontoffice:book")  # the service is chosen on the first step
    try:
        service = appointments.service_of(office, params.get("service", "")[:64])
    except ApplicationError:
        raise Http404("service") from None
    now = timezone.now()
    days = appointments.bookable_days(now)
    try:
        day = dt.date.fromisoformat(params.get("day", "")) if params.get("day") else days[0]
    except ValueError:
        day = days[0]
    if day not in days:
        day = days[0]
    slots = appointments.day_slots(office=office, service=service, day=day, now=now)
    choices = [(slot.value, _slot_label(slot)) for slot in slots]
    step = request.POST.get("step", "") if request.method == "POST" else ""
    context: dict = {
        "office": office,
        "service": service,
        "service_title": service.title_en if _english() else service.title_fa,
        "day": day,
        "day_label": format_jalali_date(day, long=True, persian=not _english()),
        "days": [(d, format_jalali_date(d, long=True, persian=not _english())) for d in days],
        "refusal": "",
    }
    status = 200
    form = BookingCitizenForm(request.POST if step == "request" else None, slots=choices)
    code_form = None
    if step and _throttled(request):
        context["refusal"], status = _(THROTTLED), 429
    elif step == "request":
        if form.is_valid():
            try:
                appointments.appointment_book_request(
                    office=office,
                    service_code=service.code,
                    slot=form.cleaned_data["slot"],
                    national_id=form.cleaned_data["national_id"],
                    mobile=form.cleaned_data["mobile"],
                    language="en" if _english() else "fa",
                    now=now,
                )
            except ApplicationError as error:
                errors_onto(form, error)
                status = error.status
            else:
                code_form = BookingCodeForm()
        else:
            status = 422
    elif step == "confirm":
        code_form = BookingCodeForm(request.POST)
        form = BookingCitizenForm(request.POST, slots=choices)
        form.is_valid()  # carried along as hidden fields; the service checks them again
        if code_form.is_valid():
            try:
                booked = appointments.appointment_book(
                    office=office,
                    service_code=service.code,
                    slot=request.POST.get("slot", ""),
                    national_id=request.POST.get("national_id", ""),
                    mobile=request.POST.get("mobile", ""),
                    code=code_form.cleaned_data["code"],
                    language="en" if _english() else "fa",
                )
            except ApplicationError as error:
                errors_onto(code_form, error)
                status = error.status
            else:
                context |= {"booked": booked, "booked_at": _slot_label(_as_slot(booked), with_day=True)}
                return render(request, "frontoffice/book_done.html", context)
        else:
            status = 422
    if code_form is not None:
        chosen = request.POST.get("slot", "")
        context |= {
            "code_form": code_form,
            "carried": {
                "slot": chosen,
                "national_id": request.POST.get("national_id", ""),
                "mobile": request.POST.get("mobile", ""),
            },
            "chosen": dict(choices).get(chosen, chosen),
        }
        return render(request, "frontoffice/book_confirm.html", context, status=status)
    context |= {"form": form, "slots": slots}
    return render(request, "frontoffice/book_slot.html", context, status=status)


def _as_slot(booked) -> appointments.Slot:
    return appointments.Slot(start=booked.start, end=booked.end, counters=[booked.counter])


def _move_choices(booked, now: dt.datetime) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for day in appointments.bookable_days(now):
        for slot in appointments.day_slots(office=booked.office, service=booked.service, day=day, now=now):
            found.append((slot.value, _slot_label(slot, with_day=True)))
            if len(found) >= MOVE_CHOICES:
                return found
    return found


@public
@require_http_methods(["GET", "POST"])
def booking_manage(request: HttpRequest) -> HttpResponse:
    """Cancel or move one's booking: its code, national ID and mobile → a code is texted → cancel, or
    move to a free slot."""
    step = request.POST.get("step", "") if request.method == "POST" else ""
    find = BookingFindForm(request.POST if step else None)
    context: dict = {"refusal": "", "find": find}
    status, now = 200, timezone.now()
    if step and _throttled(request):
        context["refusal"], status = _(THROTTLED), 429
    elif step and find.is_valid():
        who = {
            "code": find.cleaned_data["booking"],
            "national_id": find.cleaned_data["national_id"],
            "mobile": find.cleaned_data["mobile"],
        }
        try:
            if step == "request":
                booked = appointments.appointment_change_request(**who, language="en" if _english() else "fa")
                change = BookingChangeForm(slots=_move_choices(booked, now))
            else:
                booked = appointments.appointment_find(**who)
                change = BookingChangeForm(request.POST, slots=_move_choices(booked, now))
        except ApplicationError as error:
            errors_onto(find, error)
            status = error.status
        else:
            if step == "confirm" and change.is_valid():
                try:
                    if change.cleaned_data["action"] == "cancel":
                        done = appointments.appointment_cancel(
                            **who, sms_code=change.cleaned_data["code"], language="en" if _english() else "fa"
                        )
                    else:
                        done = appointments.appointment_move(
                            **who,
                            sms_code=change.cleaned_data["code"],
                            slot=change.cleaned_data["slot"],
                            language="en" if _english() else "fa",
                        )
                except ApplicationError as error:
                    errors_onto(change, error)
                    status = error.status
                else:
                    context |= {"done": done, "done_at": _slot_label(_as_slot(done), with_day=True)}
                    return render(request, "frontoffice/booking_manage.html", context)
            elif step == "confirm":
                status = 422
            context |= {
                "booked": booked,
                "booked_at": _slot_label(_as_slot(booked), with_day=True),
                "change": change,
            }
    elif step:
        status = 422
    return render(request, "frontoffice/booking_manage.html", context, status=status)
