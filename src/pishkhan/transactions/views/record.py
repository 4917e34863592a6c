"""The web counter: an office operator records a transaction in the browser, for offices with no
counter software of their own, and the receipt comes up at once to print.

It goes through the counter's own service (``services.transaction_record``, the API's single POST):
the same checks, the same writer, the same idempotency. The blank form carries a key drawn for it;
the same form sent twice (a double click, a resend after a dropped connection, the browser's back
button) answers with the transaction the first submission recorded, never a second one.
"""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import has_perm, permission_required
from pishkhan.accounts.roles import JurisdictionKind
from pishkhan.catalogue.selectors import services_deliverable_by, tariffs_in_force
from pishkhan.common.errors import ApplicationError, ConflictError
from pishkhan.common.forms import errors_onto
from pishkhan.common.money import format_rials
from pishkhan.offices.models import Office
from pishkhan.offices.selectors import office_for_counter
from pishkhan.transactions import services
from pishkhan.transactions.forms import CounterRecordForm
from pishkhan.transactions.models import CLERK_MAX
from pishkhan.transactions.views._shared import in_language, principal_of

# The key the counter's service sees: the form's own, marked as the web counter's.
KEY_PREFIX = "web-"


def _office_of(request: HttpRequest) -> Office:
    """The caller's own office, where they may record; anyone else finds no web counter here."""
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


def _services_offered(office: Office) -> list[tuple[str, str, int]]:
    """(code, label with the tariff's total, total) of each service the office may deliver today: the
    catalogue's rule (``services_deliverable_by``) and a tariff in force; by agency, then code."""
    offered = list(services_deliverable_by(kind=office.kind).select_related("agency"))
    tariffs = tariffs_in_force(services=offered, on=timezone.localdate())
    rows = []
    for service in offered:
        tariff = tariffs.get(service.pk)
        if tariff is None:
            continue  # the counter would refuse it: no tariff in force
        title = in_language(service.title_fa, service.title_en)
        agency = in_language(service.agency.name_fa, service.agency.name_en)
        label = _("%(title)s (%(agency)s) — %(fee)s rials") % {
            "title": title,
            "agency": agency,
            "fee": format_rials(tariff.total),
        }
        rows.append((service.code, label, tariff.total))
    return rows


@permission_required("transactions.record")
def transaction_record(request: HttpRequest) -> HttpResponse:
    """The form, and on a valid submission the transaction recorded, then its receipt."""
    office = _office_of(request)
    offered = _services_offered(office)
    if request.method == "POST":
        form = CounterRecordForm(request.POST, services=offered)
        if form.is_valid():
            data = form.cleaned_data
            key = KEY_PREFIX + data["key"]
            posted = {
                "service": data["service"],
                "national_id": data["national_id"],
                "mobile": data["mobile"],
                "fee_charged": data["fee_charged"],
                "office_reference": key,
                "clerk": request.user.get_username()[:CLERK_MAX],
            }
            try:
                recorded = services.transaction_record(
                    office=office,
                    service_code=posted["service"],
                    national_id=posted["national_id"],
                    mobile=posted["mobile"],
                    fee_charged=posted["fee_charged"],
                    office_reference=posted["office_reference"],
                    clerk=posted["clerk"],
                    idempotency_key=key,
                    request_fingerprint=services.request_fingerprint(posted),
                    actor=principal_of(request),
                )
            except ConflictError:
                form.add_error(
                    None,
                    _(
                        "This form was already sent with other values, and that transaction is "
                        "recorded. Open a new form to record another."
                    ),
                )
            except ApplicationError as error:
                errors_onto(form, error)
            else:
                code = recorded.answer["tracking_code"]
                return redirect(f"{reverse('transactions:receipt', kwargs={'code': code})}?recorded=1")
    else:
        form = CounterRecordForm(initial={"key": secrets.token_hex(16)}, services=offered)
    return render(
        request,
        "transactions/record.html",
        {"form": form, "office": office, "offered": offered},
        status=400 if form.is_bound else 200,
    )
