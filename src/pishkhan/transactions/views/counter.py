"""The office's counter: the day's transactions, one transaction with its history, and its receipt."""

from __future__ import annotations

import datetime as dt

import segno
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import has_perm, permission_required
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.common.calendar import FIRST_DAY, format_jalali_date
from pishkhan.common.errors import ApplicationError
from pishkhan.offices.selectors import office_get
from pishkhan.transactions import selectors
from pishkhan.transactions.forms import CounterDayForm
from pishkhan.transactions.states import TransactionState
from pishkhan.transactions.views._shared import (
    PAGE_SIZE,
    in_language,
    principal_of,
    transaction_or_404,
)

RECEIPT_LAYOUTS = ("a5", "thermal")


@permission_required("transactions.view")
def counter_day(request: HttpRequest) -> HttpResponse:
    """An office's counter on one day (today unless another is chosen): its transactions and figures.

    Only an office's own people have a counter; anyone else with the permission searches instead.
    """
    principal = principal_of(request)
    if principal.jurisdiction_kind != JurisdictionKind.OFFICE:
        return redirect("transactions:transaction_list")
    try:
        office = office_get(code=principal.jurisdiction_code)
    except ApplicationError:
        raise Http404(principal.jurisdiction_code) from None
    today = timezone.localdate()
    form = CounterDayForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    day = (form.cleaned_data["day"] if form.is_bound and valid else None) or today
    summary, page = None, None
    if valid:
        summary = selectors.counter_day(office=office, day=day)
        found = selectors.transaction_search(
            scope=principal.scope, office=office.code, received_from=day, received_to=day
        )
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "transactions/counter_day.html",
        {
            "office": office,
            "form": form,
            "day": day,
            "today": today,
            # The neighbouring days as the day field takes them (Jalali, Latin digits).
            "previous_day": (
                format_jalali_date(day - dt.timedelta(days=1), persian=False) if day > FIRST_DAY else ""
            ),
            "next_day": format_jalali_date(day + dt.timedelta(days=1), persian=False) if day < today else "",
            "summary": summary,
            "states": [
                (state, label, summary.by_state[state] if summary else 0)
                for state, label in TransactionState.choices
            ],
            "page": page,
            "query": query.urlencode(),
            "perms_record": has_perm(principal, "transactions.record", office=office.code),
        },
    )


@permission_required("transactions.view")
def transaction_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One transaction: what, where, the fee beside the tariff's, its history, links to its receipts."""
    principal = principal_of(request)
    transaction = transaction_or_404(code, principal)
    return render(
        request,
        "transactions/transaction_detail.html",
        {
            "transaction": transaction,
            "events": list(transaction.events.all()),
            "service_title": in_language(transaction.service.title_fa, transaction.service.title_en),
            "agency_name": in_language(
                transaction.service.agency.name_fa, transaction.service.agency.name_en
            ),
            "at_counter": principal.jurisdiction_kind == JurisdictionKind.OFFICE,
        },
    )


def tracking_url(request: HttpRequest, code: str) -> str:
    """The public tracking page's absolute address for a code (never with a national ID in it)."""
    return request.build_absolute_uri(f"{reverse('transactions:track')}?code={code}")


def _qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (drawn here: no network, no image file)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, svgclass="qr", title=_("QR code of the tracking page"), dark="#000"
    )


@permission_required("transactions.view")
def transaction_receipt(request: HttpRequest, code: str, layout: str = "a5") -> HttpResponse:
    """The printable receipt the citizen takes away: on an A5 sheet or an 80 mm thermal roll.

    It carries the national ID masked only, and a QR code of the public tracking page.
    """
    if layout not in RECEIPT_LAYOUTS:
        raise Http404(layout)
    principal = principal_of(request)
    transaction = transaction_or_404(code, principal)
    url = tracking_url(request, transaction.tracking_code)
    return render(
        request,
        "transactions/receipt.html",
        {
            "transaction": transaction,
            "layout": layout,
            "service_title": in_language(transaction.service.title_fa, transaction.service.title_en),
            "agency_name": in_language(
                transaction.service.agency.name_fa, transaction.service.agency.name_en
            ),
            "tracking_url": url,
            "qr": _qr_svg(url),
            # Just recorded at the web counter: say so, offer the next one, and print at once.
            "recorded": request.GET.get("recorded") == "1"
            and principal.jurisdiction_kind == JurisdictionKind.OFFICE,
        },
    )
