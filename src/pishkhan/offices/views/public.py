"""The public pages: "find an office near me" and each office's printable rate board."""

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.permissions import (
    public,
)
from pishkhan.catalogue.models import OutsourcingStatus
from pishkhan.catalogue.selectors import service_list
from pishkhan.common.errors import ApplicationError
from pishkhan.common.forms import errors_onto
from pishkhan.offices import selectors
from pishkhan.offices.forms import (
    OfficeFindForm,
)
from pishkhan.offices.views._shared import (
    FIND_LIMIT,
    county_choices,
    in_language,
    latin,
    office_or_404,
    province_choices,
    week,
)

# --- Public: find an office -----------------------------------------------------------------------


def _service_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The services an office may deliver (not prohibited), grouped by agency."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for service in service_list().exclude(outsourcing=OutsourcingStatus.PROHIBITED):
        agency = in_language(service.agency.name_fa, service.agency.name_en)
        groups.setdefault(agency, []).append((service.code, in_language(service.title_fa, service.title_en)))
    return list(groups.items())


@public
def office_find(request: HttpRequest) -> HttpResponse:
    """Find the nearest open offices that deliver a service, around a point or within a county."""
    asked_province = latin(request.GET.get("province")) or latin(request.GET.get("county"))[:2]
    service_choices = _service_choices()
    form = OfficeFindForm(
        request.GET or None,
        services=service_choices,
        provinces=province_choices(),
        counties=county_choices(asked_province if asked_province.isdigit() else ""),
    )
    results: list[selectors.NearOffice] | None = None
    service_title = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        try:
            if form.by_point:
                results = selectors.offices_near(
                    service_code=data["service"],
                    lat=data["lat"],
                    lon=data["lon"],
                    limit=FIND_LIMIT,
                    now=now,
                    open_only=data["open_now"],
                )
            else:
                results = selectors.offices_in_county(
                    service_code=data["service"], county_code=data["county"], now=now
                )
                if data["open_now"]:
                    results = [near for near in results if near.open_now]
                results = results[:FIND_LIMIT]
        except ApplicationError as exc:
            errors_onto(form, exc)
            results = None
        else:
            titles = {code: title for _agency, group in service_choices for code, title in group}
            service_title = titles.get(data["service"], data["service"])
    return render(
        request,
        "offices/office_find.html",
        {"form": form, "results": results, "service_title": service_title},
    )


@public
def county_options(request: HttpRequest) -> HttpResponse:
    """The ``<option>`` list of a province's counties (htmx refreshes the county select with it)."""
    province = latin(request.GET.get("province"))
    chosen = len(province) == 2 and province.isdigit()
    everything = request.GET.get("placeholder") == "all"  # the directory's filter, not the search
    return render(
        request,
        "offices/_county_options.html",
        {
            "counties": county_choices(province if chosen else ""),
            "grouped": not chosen,
            "placeholder": _("All counties") if everything else _("Choose a county"),
        },
    )


# --- Public: an office's rate board ---------------------------------------------------------------


def _qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (drawn here: no network, no image file)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, svgclass="qr", title=_("QR code of this page"), dark="#000"
    )


@public
def rate_board(request: HttpRequest, code: str) -> HttpResponse:
    """An office's public rate board: what each service it delivers costs today, printable for the wall."""
    office = office_or_404(code)
    today = timezone.localdate()
    board = selectors.office_rate_board(office=office, on=today)
    url = request.build_absolute_uri(reverse("offices:rate_board", kwargs={"code": office.code}))
    return render(
        request,
        "offices/rate_board.html",
        {
            "office": office,
            "board": board,
            "week": week(office.opening_hours),
            "qr": _qr_svg(url),
            "url": url,
            "today": today,
            "missing_tariffs": sum(1 for line in board.lines if line.tariff is None),
        },
    )
