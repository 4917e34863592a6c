"""The transaction search of the regulator, the directorates and inspectors (and of an office, over
its own counter)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import Principal, permission_required
from pishkhan.catalogue.selectors import service_list
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.geo.selectors import province_list
from pishkhan.transactions import selectors
from pishkhan.transactions.forms import TransactionSearchForm
from pishkhan.transactions.views._shared import PAGE_SIZE, CappedPaginator, in_language, principal_of


def _service_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every service of the catalogue (inactive ones too: old transactions name them), by agency."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in service_list(include_inactive=True):
        agency = in_language(service.agency.name_fa, service.agency.name_en)
        groups.setdefault(agency, []).append((service.code, in_language(service.title_fa, service.title_en)))
    return list(groups.items())


def _province_choices(principal: Principal) -> list[tuple[str, str]] | None:
    """All provinces for a national caller; a directorate's own alone; none for an office's staff."""
    own = principal.scope.get("province")
    if "office" in principal.scope:
        return None
    provinces = [
        (province.code, in_language(province.name_fa, province.name_en))
        for province in province_list()
        if own is None or province.code == own
    ]
    return provinces if own else [("", _("All provinces")), *provinces]


@permission_required("transactions.view")
def transaction_list(request: HttpRequest) -> HttpResponse:
    """Transactions within the caller's jurisdiction, filtered, newest first, a page at a time."""
    principal = principal_of(request)
    form = TransactionSearchForm(
        request.GET or None,
        services=_service_choices(),
        provinces=_province_choices(principal),
        by_office="office" not in principal.scope,
    )
    found = selectors.transaction_search(scope=principal.scope)
    if form.is_bound:
        if form.is_valid():
            try:
                found = selectors.transaction_search(scope=principal.scope, **form.cleaned_data)
            except ApplicationError as exc:
                errors_onto(form, exc)
                found = found.none()
        else:
            found = found.none()
    paginator = CappedPaginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "transactions/transaction_list.html",
        {"form": form, "page": page, "capped": paginator.capped},
    )
