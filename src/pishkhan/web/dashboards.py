"""The KPI dashboards (``/kpis/``): the nation for the regulator, a province for its directorate, a
county, an agency's services and an office's own figures — headline numbers against the same period of
last year and the 12.5 % target, a choropleth map, a chart of trips avoided by Jalali month and tables,
each table exportable to CSV and XLSX (``?export=xlsx&table=places``).

The pages live in the shell because they draw with the shell's choropleth banding; every figure is
read through the ``kpis`` selectors (the daily rollups), scoped by the caller's jurisdiction: another
province's page is a 404, the nation asked by a directorate a 403 (``kpis.selectors.place_resolve``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jdatetime
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape

from pishkhan.accounts.permissions import permission_required, principal_from_request
from pishkhan.common.calendar import jalali_date
from pishkhan.common.errors import NotFoundError, PermissionDeniedError, ValidationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import JalaliDateField
from pishkhan.common.templatetags.persian import digits, number
from pishkhan.geo.maps import Frame, path_d
from pishkhan.geo.selectors import county_list, province_map
from pishkhan.kpis import selectors
from pishkhan.kpis.formulas import TARGET_REDUCTION
from pishkhan.web import kpi_tables
from pishkhan.web.choropleth import band_of, bands_by_quantile
from pishkhan.web.views import DARK_BANDS, _legend

MAP_WIDTH = 800
TABLES = ("places", "agencies", "months", "visits")


# --- The period picker ---------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[
            ("year", gettext_lazy("This Jalali year so far")),
            ("quarter", gettext_lazy("This season so far")),
            ("month", gettext_lazy("This Jalali month so far")),
            ("custom", gettext_lazy("Custom")),
        ],
    )
    first = JalaliDateField(label=gettext_lazy("From"), required=False)
    last = JalaliDateField(label=gettext_lazy("To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == "custom" and not (data.get("first") and data.get("last")):
            self.add_error("last", _("Give both ends of a custom period."))
        return data


def _year_back(day: dt.date) -> dt.date:
    """The same Jalali day a year earlier (the 30th of Esfand of a leap year: the 29th)."""
    j = jalali_date(day)
    try:
        return jdatetime.date(j.year - 1, j.month, j.day).togregorian()
    except ValueError:
        return jdatetime.date(j.year - 1, j.month, j.day - 1).togregorian()


def period_of(form: PeriodForm, today: dt.date) -> selectors.Period:
    """The period the form chose (a bad or empty form: this Jalali year so far)."""
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("period") or "year"
    j = jalali_date(today)
    if kind == "custom":
        return selectors.Period.of(data["first"], data["last"])
    if kind == "month":
        return selectors.Period.of(jdatetime.date(j.year, j.month, 1).togregorian(), today)
    if kind == "quarter":
        start = (j.month - 1) // 3 * 3 + 1
        return selectors.Period.of(jdatetime.date(j.year, start, 1).togregorian(), today)
    return selectors.Period.of(jdatetime.date(j.year, 1, 1).togregorian(), today)


def last_year(period: selectors.Period) -> selectors.Period:
    return selectors.Period(_year_back(period.first), _year_back(period.last))


# --- Map and chart ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    value: int
    d: str
    band: int
    url: str
    label_x: int | None = None
    label_y: int | None = None
    label_on_dark: bool = False


def _map(place: selectors.Place, values: dict[str, int]) -> dict[str, Any] | None:
    """Provinces (the nation) or counties (a province) shaded by trips avoided."""
    if place.level == "national":
        drawing = province_map()
        outlines = [(s.code, s.name_fa, s.d, s.label_x, s.label_y) for s in drawing.provinces]
        view_box, link = drawing.view_box, "web:kpis_province"
    elif place.level == "province":
        counties = [c for c in county_list(province_code=place.code) if c.boundary]
        if not counties:
            return None
        west, south, east, north = 180.0, 90.0, -180.0, -90.0
        for county in counties:
            w, s, e, n = shape(county.boundary).bounds
            west, south, east, north = min(west, w), min(south, s), max(east, e), max(north, n)
        pad = 0.05 * max(east - west, north - south)
        frame = Frame(west=west - pad, south=south - pad, east=east + pad, north=north + pad, width=MAP_WIDTH)
        outlines = [(c.code, c.name_fa, path_d(c.boundary, frame), None, None) for c in counties]
        view_box, link = frame.view_box, "web:kpis_county"
    else:
        return None
    bands = bands_by_quantile([values.get(code, 0) for code, *_ in outlines])
    shapes = []
    for code, name, d, x, y in outlines:
        band = band_of(values.get(code, 0), bands).index
        shapes.append(
            Shape(
                code, name, values.get(code, 0), d, band, reverse(link, args=[code]), x, y, band in DARK_BANDS
            )
        )
    return {"view_box": view_box, "shapes": shapes, "legend": _legend(bands)}


CHART_W, CHART_H, CHART_PAD = 640, 280, 48


def _series(name: str, values: list[int | None], colour: str, dash: str) -> dict[str, Any]:
    """One line of a plotly chart: its values, their Persian text, its name and look."""
    text = [number(value) if value is not None else "" for value in values]
    return {"name": name, "values": values, "text": text, "colour": colour, "dash": dash}


def _axis(top: int) -> dict[str, Any]:
    step = _tick_step(max(top, 1))
    ticks = list(range(0, max(top, 1) + step, step))
    return {"ticks": ticks, "tick_text": [number(tick) for tick in ticks]}


@dataclass(frozen=True)
class VisitMonth:
    month: str
    visits: int | None
    previous: int | None
    target: int | None


def _visits_chart(visits: selectors.VisitsMeasure | None) -> dict[str, Any] | None:
    """Visits to agencies per Jalali month of the year against the same month of the previous year and
    the target (the previous year's month less 12.5 %)."""
    if visits is None or not (visits.months or visits.previous_months):
        return None
    names = _month_names()
    months = sorted(set(visits.months) | set(visits.previous_months))
    rows = [
        VisitMonth(
            names[m - 1],
            visits.months.get(m),
            visits.previous_months.get(m),
            round(visits.previous_months[m] * (1 - TARGET_REDUCTION))
            if m in visits.previous_months
            else None,
        )
        for m in months
    ]
    top = max([v for row in rows for v in (row.visits, row.previous) if v is not None], default=1)
    data = {
        "labels": [row.month for row in rows],
        "series": [
            _series(_("Previous year"), [row.previous for row in rows], "#74a9cf", "dash"),
            _series(_("Target (12.5 percent fewer)"), [row.target for row in rows], "#b2182b", "dot"),
            _series(_("This year"), [row.visits for row in rows], "#045a8d", "solid"),
        ],
        "rtl": translation.get_language_bidi(),
    } | _axis(top)
    return {"data": data, "rows": rows, "year": visits.year}


def _tick_step(top: int) -> int:
    """A round step (1, 2 or 5 × 10ⁿ) that cuts 0..top into at most five parts."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            if top <= 5 * power * factor:
                return power * factor
        power *= 10


def month_name(month: int) -> str:
    """A Jalali month's name in the active language."""
    return _month_names()[month - 1]


def _month_names() -> list[str]:
    persian = (translation.get_language() or "fa").startswith("fa")
    return jdatetime.date.j_months_fa if persian else jdatetime.date.j_months_en


@dataclass(frozen=True)
class MonthRow:
    """A Jalali month of the period with the trips avoided in the same month a year earlier."""

    code: str
    name: str
    trips_avoided: int
    transactions_completed: int
    previous_trips: int


def _month_rows(months: list[selectors.TripsRow], before: list[selectors.TripsRow]) -> list[MonthRow]:
    prior = {f"{int(row.code[:4]) + 1}{row.code[4:]}": row.trips_avoided for row in before}
    return [
        MonthRow(
            row.code,
            f"{_month_names()[int(row.code[5:]) - 1]} {row.code[:4]}",
            row.trips_avoided,
            row.transactions_completed,
            prior.get(row.code, 0),
        )
        for row in months
    ]


def _chart(months: list[selectors.TripsRow], before: list[selectors.TripsRow]) -> dict[str, Any] | None:
    """Trips avoided per Jalali month of the period, and the same months a year earlier, as SVG lines."""
    if not months and not before:
        return None
    # The same months a year earlier are drawn over this period's: 1404-03 over 1405-03.
    this = {row.code: row.trips_avoided for row in months}
    prior = {f"{int(row.code[:4]) + 1}{row.code[4:]}": row.trips_avoided for row in before}
    labels = sorted(set(this) | set(prior))
    top = max([*this.values(), *prior.values(), 1])
    step = (CHART_W - 2 * CHART_PAD) / max(len(labels) - 1, 1)

    height = CHART_H - 2 * CHART_PAD

    def xy(values: dict[str, int]) -> list[tuple[float, float]]:
        return [
            (round(CHART_PAD + i * step, 1), round(CHART_H - CHART_PAD - values[m] * height / top, 1))
            for i, m in enumerate(labels)
            if m in values
        ]

    def points(values: dict[str, int]) -> str:
        return " ".join(f"{x},{y}" for x, y in xy(values))

    names = _month_names()
    data = {
        "labels": [f"{names[int(m[5:]) - 1]} {digits(m[:4])}" for m in labels],
        "series": [
            _series(_("Same months last year"), [prior.get(m) for m in labels], "#74a9cf", "dash"),
            _series(_("This period"), [this.get(m) for m in labels], "#045a8d", "solid"),
        ],
        "rtl": translation.get_language_bidi(),
    } | _axis(top)
    return {
        "data": data,
        "view_box": f"0 0 {CHART_W} {CHART_H}",
        "this": points(this),
        "prior": points(prior),
        "dots_this": xy(this),
        "dots_prior": xy(prior),
        "ticks": [
            {
                "x": round(CHART_PAD + i * step, 1),
                "label": _month_names()[int(m[5:]) - 1],
            }
            for i, m in enumerate(labels)
        ],
        "top": top,
        "axis_y": CHART_H - CHART_PAD,
        "axis_x2": CHART_W - CHART_PAD,
    }


# --- The pages ----------------------------------------------------------------------------------------------

_PLACE_HEADER = {
    "province": gettext_lazy("Province"),
    "county": gettext_lazy("County"),
    "office": gettext_lazy("Office"),
    "service": gettext_lazy("Service"),
}


def _columns(first: Any) -> list[Column]:
    return [
        Column(_("Code"), lambda row: row.code),
        Column(first, lambda row: row.name),
        Column(_("Trips avoided"), lambda row: row.trips_avoided),
        Column(_("Transactions completed"), lambda row: row.transactions_completed),
    ]


def _days_chart(days: list[selectors.ServiceFigures]) -> dict[str, Any] | None:
    """An office's transactions and completions per day of the period (plotly.js, like the others)."""
    if not days:
        return None
    top = max(row.transactions for row in days)
    return {
        "labels": [digits(row.name) for row in days],
        "series": [
            _series(_("Transactions"), [row.transactions for row in days], "#045a8d", "solid"),
            _series(_("Completed"), [row.completed for row in days], "#74a9cf", "dash"),
        ],
        "rtl": translation.get_language_bidi(),
    } | _axis(top)


def _export_links(request: HttpRequest) -> Any:
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)

    def links(name: str) -> list[tuple[str, str]]:
        out = []
        for fmt in ("csv", "xlsx"):
            q = query.copy()
            q["table"], q["export"] = name, fmt
            out.append((fmt.upper(), f"?{q.urlencode()}"))
        return out

    return links


def place_and_scope(
    request: HttpRequest, level: str, code: str
) -> tuple[selectors.Place, selectors.Jurisdiction]:
    """The place asked for within the caller's reach: 404 outside it, 403 for the nation asked by a
    province or an office."""
    jurisdiction = selectors.jurisdiction_of(principal_from_request(request))
    try:
        place = selectors.place_resolve(level=level, code=code, jurisdiction=jurisdiction)
    except NotFoundError as missing:
        raise Http404(str(missing)) from None
    except PermissionDeniedError as refused:
        raise PermissionDenied(str(refused)) from None
    return place, jurisdiction


def _office_url(code: str) -> str:
    return reverse("web:kpis_office", args=[code])


def _dashboard(request: HttpRequest, level: str, code: str) -> HttpResponse:
    place, jurisdiction = place_and_scope(request, level, code)
    form = PeriodForm(request.GET or None)
    try:
        period = period_of(form, timezone.localdate())
        wanted = export_format(request)
    except ValidationError as refused:
        return render(request, "web/kpis/dashboard.html", {"form": form, "error": refused.detail}, status=400)
    compare = last_year(period)
    by = selectors.DEFAULT_BY[place.level]
    args = {"place": place, "jurisdiction": jurisdiction}
    trips = selectors.trips_measure(**args, period=period, by=by, compare=compare)
    agencies_by = "province" if place.level == "agency" else "agency"
    agencies = (
        selectors.trips_measure(**args, period=period, by=agencies_by) if place.level != "office" else None
    )
    months = selectors.trips_measure(**args, period=period, by="month")
    months_before = selectors.trips_measure(**args, period=compare, by="month")
    service = selectors.service_measure(**args, period=period, by=by, compare=compare)
    waits = selectors.waits_measure(**args, period=period, by=by)
    visits = None
    if place.level in {"national", "province", "agency"}:
        visits = selectors.visits_measure(**args, year=jalali_date(period.last).year)
    visits_chart = _visits_chart(visits)
    extra = _level_tables(place, jurisdiction, period, trips, service, visits)
    tables = extra["tables"]
    table = request.GET.get("table", "places")
    if wanted:
        chosen = {
            "places": (trips.by, _columns(_PLACE_HEADER[by])),
            "agencies": (
                agencies.by if agencies else [],
                _columns(_PLACE_HEADER.get(agencies_by, _("Agency"))),
            ),
            "months": (
                _month_rows(months.by, months_before.by),
                [
                    *_columns(_("Jalali month")),
                    Column(_("Trips avoided, same month last year"), lambda row: row.previous_trips),
                ],
            ),
            "visits": (
                visits_chart["rows"] if visits_chart else [],
                [
                    Column(_("Jalali month"), lambda row: row.month),
                    Column(_("This year"), lambda row: row.visits),
                    Column(_("Previous year"), lambda row: row.previous),
                    Column(_("Target (12.5 percent fewer)"), lambda row: row.target),
                ],
            ),
        } | {kpi.name: (kpi.rows, kpi.export_columns()) for kpi in tables}
        if table not in chosen:
            return render(
                request, "web/kpis/dashboard.html", {"form": form, "error": _("No such table.")}, status=400
            )
        rows, columns = chosen[table]
        return export_response(rows=rows, columns=columns, filename=f"kpis-{table}", format=wanted)
    previous = trips.previous.trips_avoided if trips.previous else 0
    links = _export_links(request)
    for kpi in tables:
        kpi.links = links(kpi.name)
    row_link = {"province": "web:kpis_province", "county": "web:kpis_county", "office": "web:kpis_office"}
    context = {
        "form": form,
        "place": place,
        "period": period,
        "compare": compare,
        "trips": trips,
        "previous": previous,
        "change": (trips.trips_avoided - previous) / previous if previous else None,
        "service": service.totals,
        "service_before": service.previous,
        "waits": waits,
        "visits": visits.totals if visits else None,
        "visits_chart": visits_chart,
        "by_header": _PLACE_HEADER[by],
        "by_rows": [
            (row, reverse(row_link[by], args=[row.code]) if by in row_link else "") for row in trips.by
        ],
        "agencies": agencies,
        "agencies_header": _PLACE_HEADER.get(agencies_by, _("Agency")),
        "months": _month_rows(months.by, months_before.by),
        "map": _map(place, {row.code: row.trips_avoided for row in trips.by}),
        "chart": _chart(months.by, months_before.by),
        "links": {name: links(name) for name in TABLES},
        "tables": tables,
        "report_month": jalali_date(period.last).strftime("%Y-%m") if place.level == "province" else "",
    } | {name: value for name, value in extra.items() if name != "tables"}
    return render(request, "web/kpis/dashboard.html", context)


def _level_tables(
    place: selectors.Place,
    jurisdiction: selectors.Jurisdiction,
    period: selectors.Period,
    trips: selectors.TripsMeasure,
    service: selectors.ServiceMeasure,
    visits: selectors.VisitsMeasure | None,
) -> dict[str, Any]:
    """The tables (and headline figures) that a level adds to the trips: the service figures for every
    level; an agency's services with their outsourcing status, its compliance and rank, its visits per
    province; an office's days, score and ratings; a province's or the nation's agencies, conversions
    and network."""
    args = {"place": place, "jurisdiction": jurisdiction}
    by = selectors.DEFAULT_BY[place.level]
    agency = place.level == "agency"
    statuses = selectors.service_statuses(place=place) if agency else None
    lines = kpi_tables.service_lines(service, trips, statuses)
    title = _("The service, by %(name)s") % {"name": _PLACE_HEADER[by]}
    link = (lambda row: _office_url(row.code)) if by == "office" else None
    services = kpi_tables.service_table("services", title, _PLACE_HEADER[by], lines, agency=agency)
    services.link = link
    tables: list[kpi_tables.Table] = [services]
    out: dict[str, Any] = {}
    if visits is not None:
        header = _("Province") if agency else _("Agency")
        tables.append(kpi_tables.visits_table(visits, header))
    if agency:
        own, ranked = selectors.agency_standing(place=place, period=period)
        out["standing"], out["ranked"] = own, ranked
        rows = [own] if own else []
        tables.append(kpi_tables.outsourcing_table(rows))
    if place.level in {"national", "province"} and jurisdiction.kind not in {"agency", "office"}:
        outsourcing = selectors.outsourcing_measure(**args, period=period)
        tables.append(kpi_tables.outsourcing_table(outsourcing.by))
        conversions = selectors.conversions_measure(**args)
        tables.append(kpi_tables.conversions_table(conversions))
        network = selectors.network_measure(**args, period=period)
        out["network"] = network
        header = _("County") if place.level == "province" else _("Province")
        tables.append(kpi_tables.network_table(network, header))
        tables.append(kpi_tables.ranked_table(network, _office_url))
    if place.level == "office":
        days = selectors.service_measure(**args, period=period, by="day")
        tables.insert(0, kpi_tables.days_table(days))  # beside the chart of the days
        out["days_chart"] = _days_chart(days.by)
        out["standing"] = selectors.office_standing(**args, period=period)
    return {"tables": tables} | out


@permission_required("kpis.view")
def kpis_home(request: HttpRequest) -> HttpResponse:
    """The caller's own dashboard: the nation, their province, their agency or their office."""
    principal = principal_from_request(request)
    kind, code = principal.jurisdiction_kind, principal.jurisdiction_code
    if principal.is_national:
        return _dashboard(request, "national", "")
    return _dashboard(request, kind if kind in {"province", "agency", "office"} else "office", code)


@permission_required("kpis.view")
def kpis_province(request: HttpRequest, code: str) -> HttpResponse:
    """A province's dashboard, its counties on the map (another province than the caller's: 404)."""
    return _dashboard(request, "province", code)


@permission_required("kpis.view")
def kpis_county(request: HttpRequest, code: str) -> HttpResponse:
    """A county's dashboard, by office."""
    return _dashboard(request, "county", code)


@permission_required("kpis.view")
def kpis_office(request: HttpRequest, code: str) -> HttpResponse:
    """An office's dashboard: its services, its days, its score and ratings."""
    return _dashboard(request, "office", code)
