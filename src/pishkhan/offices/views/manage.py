"""The page where an office's staff, hours, counters and status are managed."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import (
    Principal,
    permission_required,
)
from pishkhan.accounts.selectors import user_get_by_username
from pishkhan.catalogue.kinds import CONVERTIBLE_KINDS
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.confirmation import Confirmation, confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError, ValidationError
from pishkhan.common.forms import errors_onto
from pishkhan.offices import selectors, services
from pishkhan.offices.forms import (
    ConversionRequestForm,
    CounterServicesForm,
    OfficeCountersForm,
    OfficeHoursForm,
    OfficeStatusForm,
    StaffAddForm,
)
from pishkhan.offices.models import Office
from pishkhan.offices.states import (
    OFFICE_TRANSITIONS,
    OfficeStatus,
)
from pishkhan.offices.views._shared import (
    WEEKDAY_NAMES,
    latin,
    may_manage,
    office_or_404,
    principal_of,
)

# --- Managing an office ---------------------------------------------------------------------------


def _deliverable(office: Office) -> list[tuple[str, str]]:
    english = (get_language() or "fa").startswith("en")
    return [
        (service.code, service.title_en if english else service.title_fa)
        for service in services_deliverable_by(kind=office.kind)
    ]


def _manage_forms(office: Office, may: dict[str, bool], posted: str, data: Any) -> dict[str, Form]:
    """The forms the caller may use on this office now; the one ``posted`` is bound to ``data``."""

    def bound(name: str) -> Any:
        return data if posted == name else None

    found: dict[str, Form] = {}
    moves = sorted(OFFICE_TRANSITIONS.moves.get(office.status, set()))
    if may["offices.edit"] and moves:
        found["status"] = OfficeStatusForm(bound("status"), allowed=moves, prefix="status")
    if may["offices.manage_staff"] and office.status != OfficeStatus.CLOSED:
        found["counters"] = OfficeCountersForm(
            bound("counters"), initial={"counters": office.counters}, prefix="counters"
        )
        found["hours"] = OfficeHoursForm(
            bound("hours"),
            weekdays=[str(name) for name in WEEKDAY_NAMES],
            hours=office.opening_hours,
            prefix="hours",
        )
        found["staff"] = StaffAddForm(bound("staff"), prefix="staff")
        found["counter_services"] = CounterServicesForm(
            bound("counter_services"),
            counters=office.counters,
            services=_deliverable(office),
            prefix="counter_services",
        )
    if (
        may["conversions.request"]
        and office.kind in CONVERTIBLE_KINDS
        and office.status != OfficeStatus.CLOSED
        and selectors.conversion_open_for(office=office) is None
    ):
        found["conversion"] = ConversionRequestForm(bound("conversion"), prefix="conversion")
    return found


def _manage_apply(name: str, form: Form, office: Office, actor: Principal) -> str:
    """Call the service behind a form; returns the message to show. Raises the service's refusals."""
    data = form.cleaned_data
    if name == "status":
        services.office_set_status(office=office, status=data["status"], reason=data["reason"], actor=actor)
        return _("The status of %(code)s was changed.") % {"code": office.code}
    if name == "counters":
        services.office_set_counters(office=office, counters=data["counters"], actor=actor)
        return _("The number of counters was saved.")
    if name == "hours":
        services.office_set_hours(office=office, opening_hours=data["opening_hours"], actor=actor)
        return _("The opening hours were saved.")
    if name == "counter_services":
        services.counter_services_set(
            office=office, counter=data["counter"], service_codes=data["services"], actor=actor
        )
        return _("The services of counter %(n)s were saved.") % {"n": data["counter"]}
    if name == "staff":
        user = user_get_by_username(username=data["username"].strip())
        if user is None:
            message = _("No login has this name.")
            raise ValidationError(message, fields={"username": message})
        services.staff_add(office=office, user=user, position=data["position"], actor=actor)
        return _("%(name)s joined the staff.") % {"name": user.get_username()}
    services.conversion_request(office=office, reason=data["reason"], basis=data["basis"], actor=actor)
    return _("The conversion of %(code)s was requested.") % {"code": office.code}


def _staff_remove(request: HttpRequest, office: Office, actor: Principal) -> HttpResponse | None:
    """Remove the posted member once confirmed; the first POST answers with the confirmation page."""
    member = selectors.staff_list(office=office).filter(pk=latin(request.POST.get("member"))).first()
    if member is None:
        raise Http404("staff member")
    name = member.user.get_full_name() or member.user.get_username()
    if not is_confirmed(request):
        confirmation = confirmation_of(
            request,
            title=_("Remove %(name)s from the staff of %(office)s?") % {"name": name, "office": office.name},
            consequence=_(
                "They can no longer record transactions for this office until they are added again."
            ),
            button=_("Remove from the staff"),
            cancel_url=reverse("offices:office_manage", kwargs={"code": office.code}),
            facts=[(_("Position"), str(member.get_position_display()))],
        )
        return render(request, "web/confirm.html", {"confirmation": confirmation})
    services.staff_remove(member=member, actor=actor, reason=request.POST.get("reason", ""))
    messages.success(request, _("%(name)s left the staff.") % {"name": name})
    return None


def _closing(posted: str, form: Form) -> bool:
    """Whether this is a valid request to close the office for good (a closed office stays closed)."""
    return posted == "status" and form.is_valid() and form.cleaned_data["status"] == OfficeStatus.CLOSED


def _close_confirmation(request: HttpRequest, office: Office, form: Form) -> Confirmation:
    return confirmation_of(
        request,
        title=_("Close %(office)s (%(code)s) for good?") % {"office": office.name, "code": office.code},
        consequence=_("A closed office cannot be reopened: it delivers no service and takes no staff."),
        button=_("Close the office"),
        cancel_url=reverse("offices:office_manage", kwargs={"code": office.code}),
        facts=[(_("Reason"), form.cleaned_data["reason"])] if form.cleaned_data["reason"] else [],
    )


@permission_required("offices.view")
def office_manage(request: HttpRequest, code: str) -> HttpResponse:
    """Change an office: its status, counters, hours and staff, or ask for its conversion.

    Each form appears only to those who hold its permission for this office (offices.edit,
    offices.manage_staff, conversions.request); whoever holds none of them is refused.
    """
    principal = principal_of(request)
    office = office_or_404(code, principal.scope)
    may = may_manage(principal, office)
    if not any(may.values()):
        raise PermissionDenied(_("You may not change this office."))
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    forms = _manage_forms(office, may, posted, request.POST)
    status = 200
    if posted == "remove" and may["offices.manage_staff"]:
        try:
            asked = _staff_remove(request, office, principal)
        except ApplicationError as exc:
            messages.error(request, exc.detail)
        else:
            if asked is not None:
                return asked
        return redirect("offices:office_manage", code=office.code)
    if posted:
        form = forms.get(posted)
        if form is None:  # a form this caller may not use, or one the office's state no longer offers
            raise PermissionDenied(_("You may not do this here."))
        if _closing(posted, form) and not is_confirmed(request):
            return render(
                request, "web/confirm.html", {"confirmation": _close_confirmation(request, office, form)}
            )
        if form.is_valid():
            try:
                done = _manage_apply(posted, form, office, principal)
            except ApplicationError as exc:
                errors_onto(form, exc)
                status = exc.status
            else:
                messages.success(request, done)
                return redirect("offices:office_manage", code=office.code)
        else:
            status = 422
    return render(
        request,
        "offices/office_manage.html",
        {
            "office": office,
            "forms": forms,
            "staff": list(selectors.staff_list(office=office)) if may["offices.manage_staff"] else [],
            "counter_services": sorted(selectors.counter_services(office=office).items()),
            "may_manage_staff": may["offices.manage_staff"] and office.status != OfficeStatus.CLOSED,
        },
        status=status,
    )
