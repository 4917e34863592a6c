"""The public verification of a licence: by its number (typed, or from the QR code on the office's
signboard) anyone sees the office, its kind and address, whether the licence is valid today, until
when, and the services the office may deliver; and the printable signboard that carries the QR code.

Nothing about the holder is shown: not the name, not the identifier, not the mobile number. A licence
that is not valid (revoked, expired, surrendered, suspended, or issued but not yet active) says so
first and plainly, because that is what a citizen came to learn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import public
from pishkhan.catalogue.selectors import services_deliverable_by
from pishkhan.common.errors import ApplicationError
from pishkhan.licensing import selectors
from pishkhan.licensing.forms import LicenceCheckForm
from pishkhan.licensing.models import Licence
from pishkhan.licensing.states import LicenceStatus
from pishkhan.licensing.terms import today
from pishkhan.licensing.views._shared import in_language

# The complaints page comes with supervision; the office's code is what a complaint is about.
COMPLAINT_PATH = "/complaints/new/"
SIGNBOARD_PAPERS = ("a4", "a5")


@dataclass(frozen=True)
class Verdict:
    """What a citizen learns first: whether the licence is valid today, and if not, why (a state)."""

    valid: bool
    state: str  # "valid", "not_active", "suspended", "expired", "revoked", "surrendered"


def verdict_of(licence: Licence, on: dt.date) -> Verdict:
    """Whether a licence is valid on a day, reading its dates as well as its status.

    As the counter's check does (``selectors.office_may_transact``): a term that ran out or a
    suspension whose last day passed take effect at once, before the hourly job records them.
    """
    status = licence.status
    if status in (LicenceStatus.REVOKED, LicenceStatus.SURRENDERED, LicenceStatus.EXPIRED):
        return Verdict(False, status)
    if licence.expires_on < on:
        return Verdict(False, LicenceStatus.EXPIRED)
    if status == LicenceStatus.ISSUED:
        return Verdict(False, "not_active")
    if status == LicenceStatus.SUSPENDED and (
        licence.suspended_until is None or licence.suspended_until >= on
    ):
        return Verdict(False, LicenceStatus.SUSPENDED)
    return Verdict(True, "valid")


def verification_url(request: HttpRequest, number: str) -> str:
    """The public verification page's absolute address, which the signboard's QR code carries."""
    return request.build_absolute_uri(reverse("licensing:licence_verify", kwargs={"number": number}))


def _qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (drawn here: no network, no image file)."""
    return segno.make(url, error="m").svg_inline(
        scale=4,
        border=2,
        omitsize=True,
        svgclass="qr",
        title=_("QR code of this licence's verification page"),
        dark="#000",
    )


def _unknown(request: HttpRequest, form: LicenceCheckForm, number: str) -> HttpResponse:
    """The answer for a number no licence has: 404, saying what it means for the office."""
    return render(request, "licensing/licence_unknown.html", {"form": form, "number": number}, status=404)


@public
def licence_check(request: HttpRequest) -> HttpResponse:
    """The "check a licence" form: a number typed goes to its verification page."""
    form = LicenceCheckForm(request.GET or None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"]
        try:
            selectors.licence_public(number=number)
        except ApplicationError:
            form.add_error(
                "number",
                _("No licence has this number. Check it against the office's signboard."),
            )
            return _unknown(request, form, number)
        return redirect("licensing:licence_verify", number=number)
    return render(
        request, "licensing/licence_check.html", {"form": form}, status=422 if form.is_bound else 200
    )


def _public_licence(request: HttpRequest, number: str) -> tuple[Licence | None, HttpResponse | None]:
    try:
        licence, _codes = selectors.licence_public(number=number)
    except ApplicationError:
        form = LicenceCheckForm(initial={"number": number[:32]})
        return None, _unknown(request, form, number)
    return licence, None


@public
def licence_verify(request: HttpRequest, number: str) -> HttpResponse:
    """One licence as anyone may see it: the office, the licence's state and dates, its services."""
    licence, refusal = _public_licence(request, number)
    if licence is None:
        return refusal  # type: ignore[return-value]
    office = licence.office
    on = today()
    current = None
    if not licence.in_force:
        # A citizen holding an old signboard learns whether the office holds another licence now.
        current = selectors.licence_in_force_for_office(office=office)
    services = [
        (
            in_language(service.agency.name_fa, service.agency.name_en),
            in_language(service.title_fa, service.title_en),
        )
        for service in services_deliverable_by(kind=office.kind)
    ]
    url = verification_url(request, licence.number)
    return render(
        request,
        "licensing/licence_verify.html",
        {
            "licence": licence,
            "office": office,
            "verdict": verdict_of(licence, on),
            "today": on,
            "current": current,
            "services": services,
            "complaint_url": f"{COMPLAINT_PATH}?{urlencode({'office': office.code})}",
            "url": url,
            "qr": _qr_svg(url),
        },
    )


@public
def licence_signboard(request: HttpRequest, number: str) -> HttpResponse:
    """The sheet for the office's wall: the licence's number, the office, and the QR code to check it.

    Printed on A4 (default) or A5 (``?paper=a5``); a licence not valid says so across the sheet.
    """
    licence, refusal = _public_licence(request, number)
    if licence is None:
        return refusal  # type: ignore[return-value]
    paper = request.GET.get("paper", "a4")
    paper = paper if paper in SIGNBOARD_PAPERS else "a4"
    url = verification_url(request, licence.number)
    return render(
        request,
        "licensing/licence_signboard.html",
        {
            "licence": licence,
            "office": licence.office,
            "verdict": verdict_of(licence, today()),
            "paper": paper,
            "url": url,
            "qr": _qr_svg(url),
        },
    )
