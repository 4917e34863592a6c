"""The public pages: "find an office near me" and each office's printable rate board."""

from dataclasses import dataclass

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
from pishkhan.common.templatetags.persian import digits
from pishkhan.geo.maps import path_d
from pishkhan.geo.selectors import county_list
from pishkhan.offices import map as office_map
from pishkhan.offices import selectors
from pishkhan.offices.forms import (
    OfficeFindForm,
)
from pishkhan.offices.public_panels import public_panels
from pishkhan.offices.templatetags.offices import scale_distance
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


@dataclass(frozen=True)
class ShownPin:
    """A pin of the results map with what it says: its number(s) and the offices it stands for."""

    pin: office_map.ResultPin
    label: str
    title: str


@dataclass(frozen=True)
class ShownResultsMap:
    """The results map as the template draws it."""

    drawing: office_map.ResultsMap
    outlines: list[tuple[str, str]]  # (name, path d) of the results' counties
    pins: list[ShownPin]
    scale_label: str
    by_point: bool


def _results_map(
    results: list[selectors.NearOffice], *, point: tuple[float, float] | None
) -> ShownResultsMap | None:
    """The map of the results around the searched point, or around the county seat; with the
    outlines of the results' counties for bearings (no tiles, nothing fetched)."""
    if not results:
        return None
    seat = results[0].office.county
    centre = point or (seat.lat, seat.lon)
    drawing = office_map.results_map([(near.office.lat, near.office.lon) for near in results], centre=centre)
    if drawing is None:
        return None
    counties = {near.office.county.code for near in results}
    outlines = []
    for province in sorted({code[:2] for code in counties}):
        rows = county_list(province_code=province).filter(code__in=counties)
        for name_fa, name_en, boundary in rows.values_list("name_fa", "name_en", "boundary"):
            if boundary:
                outlines.append((in_language(name_fa, name_en), path_d(boundary, drawing.frame)))
    pins = []
    for pin in drawing.pins:
        first = pin.numbers[0]
        label = digits(first) + ("+" if len(pin.numbers) > 1 else "")
        title = " · ".join(f"{digits(number)}. {results[number - 1].office.name}" for number in pin.numbers)
        pins.append(ShownPin(pin=pin, label=label, title=title))
    return ShownResultsMap(
        drawing=drawing,
        outlines=outlines,
        pins=pins,
        scale_label=scale_distance(drawing.scale_km),
        by_point=point is not None,
    )


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
    results_map = None
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
            point = (data["lat"], data["lon"]) if form.by_point else None
            results_map = _results_map(results, point=point)
    return render(
        request,
        "offices/office_find.html",
        {"form": form, "results": results, "results_map": results_map, "service_title": service_title},
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
            "panels": public_panels(office),
        },
    )
