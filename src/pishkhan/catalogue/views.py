"""Pages of the catalogue: the public browse and search, a service with its tariff history, the
agencies, and the forms with which an agency's staff change their services and tariffs."""

from __future__ import annotations

import jdatetime
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import has_perm, permission_required, principal_from_request, public
from pishkhan.catalogue import selectors, services
from pishkhan.catalogue.forms import ServiceEditForm, ServiceSearchForm, TariffSetForm
from pishkhan.catalogue.models import Agency, Service
from pishkhan.common import calendar
from pishkhan.common.errors import ApplicationError, NotFoundError
from pishkhan.common.forms import errors_onto
from pishkhan.common.languages import in_language

PAGE_SIZE = 30


def _service_or_404(code: str) -> Service:
    try:
        return selectors.service_get(code=code)
    except NotFoundError:
        raise Http404(code) from None


def _may_edit(request: HttpRequest, agency: Agency) -> bool:
    return has_perm(principal_from_request(request), "catalogue.edit", agency=agency.code)


def _with_tariffs(services_shown: list[Service]) -> list[tuple[Service, object]]:
    in_force = selectors.tariffs_in_force(services=services_shown, on=timezone.localdate())
    return [(service, in_force.get(service.pk)) for service in services_shown]


@public
def service_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue: every service offered, searchable however its name is typed."""
    agencies = [
        (agency.code, in_language(agency.name_fa, agency.name_en)) for agency in selectors.agency_list()
    ]
    form = ServiceSearchForm(request.GET or None, agencies=agencies)
    found = selectors.service_list()
    if form.is_bound:
        if form.is_valid():
            found = selectors.service_list(
                q=form.cleaned_data["q"],
                agency=form.cleaned_data["agency"] or None,
                office_kind=form.cleaned_data["kind"] or None,
                outsourcing=form.cleaned_data["outsourcing"] or None,
            )
        else:
            found = found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/service_list.html",
        {
            "form": form,
            "page": page,
            "rows": _with_tariffs(list(page.object_list)),
        },
    )


@public
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A service: what it needs, what it saves, who may deliver it, and its tariff in every year."""
    service = _service_or_404(code)
    history = list(selectors.tariff_history(service=service))
    current = selectors.tariff_in_force(service=service, on=timezone.localdate())
    return render(
        request,
        "catalogue/service_detail.html",
        {
            "service": service,
            "history": history,
            "current": current,
            "can_edit": _may_edit(request, service.agency),
        },
    )


@public
def agency_list(request: HttpRequest) -> HttpResponse:
    """The agencies that deliver services through the offices, with how many each offers."""
    return render(request, "catalogue/agency_list.html", {"agencies": selectors.agency_list_with_counts()})


@public
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An agency and the services it offers through the offices."""
    try:
        agency = selectors.agency_get(code=code)
    except NotFoundError:
        raise Http404(code) from None
    can_edit = _may_edit(request, agency)
    offered = list(selectors.service_list(agency=agency, include_inactive=can_edit))
    return render(
        request,
        "catalogue/agency_detail.html",
        {"agency": agency, "rows": _with_tariffs(offered), "can_edit": can_edit},
    )


def _service_editable(request: HttpRequest, code: str) -> Service:
    service = _service_or_404(code)
    if not _may_edit(request, service.agency):
        raise PermissionDenied(_("You may change only your own agency's services."))
    return service


@permission_required("catalogue.edit")
def service_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a service of the signed-in person's agency (the regulator: of any agency)."""
    service = _service_editable(request, code)
    initial = {
        name: getattr(service, name)
        for name in ServiceEditForm.base_fields
        if name not in {"required_documents", "reason"}
    } | {"required_documents": "\n".join(service.required_documents)}
    form = ServiceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            services.service_update(
                service=service, actor=principal_from_request(request), reason=reason, **values
            )
        except ApplicationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, _("The service was saved."))
            return redirect("catalogue:service_detail", code=service.code)
    return render(request, "catalogue/service_edit.html", {"service": service, "form": form})


def _first_year_without_tariff(service: Service) -> int:
    taken = {tariff.jalali_year for tariff in selectors.tariff_history(service=service)}
    year = calendar.jalali_year(timezone.localdate())
    while year in taken:
        year += 1
    return year


@permission_required("catalogue.edit")
def tariff_new(request: HttpRequest, code: str) -> HttpResponse:
    """Publish a service's tariff for a Jalali year (its agency's staff or the regulator)."""
    service = _service_editable(request, code)
    year = _first_year_without_tariff(service)
    initial = {"jalali_year": year, "effective_from": jdatetime.date(year, 1, 1).togregorian()}
    form = TariffSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.tariff_set(service=service, actor=principal_from_request(request), **form.cleaned_data)
        except ApplicationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, _("The tariff was published."))
            return redirect("catalogue:service_detail", code=service.code)
    return render(request, "catalogue/tariff_new.html", {"service": service, "form": form})
