"""Pages of the site's shell: the public home page (the national picture) and the error pages."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from pishkhan.accounts.permissions import public
from pishkhan.common.languages import in_language
from pishkhan.common.outage import database_unreachable, outage_mark, outage_problem
from pishkhan.geo.models import Province
from pishkhan.geo.selectors import ProvinceMap, geo_is_loaded, province_list, province_map
from pishkhan.web.choropleth import Band, band_of, bands_by_quantile

# Shades 3 and 4 of the map are dark: labels drawn on them are white.
DARK_BANDS = frozenset({3, 4})


@dataclass(frozen=True)
class ProvinceRow:
    """One province as the home page shows it, named in the active language."""

    code: str
    name: str
    capital: str
    population: int
    urban_share: float
    band: int


@dataclass(frozen=True)
class MapShape:
    """One province's outline on the home page's map, with its shade and label."""

    code: str
    name: str
    population: int
    d: str
    label_x: int
    label_y: int
    band: int
    label_on_dark: bool


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _table_rows(provinces: list[Province], bands: list[Band]) -> list[ProvinceRow]:
    rows = [
        ProvinceRow(
            code=province.code,
            name=in_language(province.name_fa, province.name_en),
            capital=in_language(province.capital_fa, province.capital_en),
            population=province.population_2016,
            urban_share=_share(province.urban_2016, province.population_2016),
            band=band_of(province.population_2016, bands).index,
        )
        for province in provinces
    ]
    return sorted(rows, key=lambda row: (-row.population, row.code))


def _map_shapes(drawing: ProvinceMap, bands: list[Band]) -> list[MapShape]:
    shapes = []
    for shape in drawing.provinces:
        band = band_of(shape.population_2016, bands).index
        shapes.append(
            MapShape(
                code=shape.code,
                name=in_language(shape.name_fa, shape.name_en),
                population=shape.population_2016,
                d=shape.d,
                label_x=shape.label_x,
                label_y=shape.label_y,
                band=band,
                label_on_dark=band in DARK_BANDS,
            )
        )
    return shapes


@dataclass(frozen=True)
class LegendEntry:
    """One shade of the map's legend: the band and whether it is the first or the last."""

    band: Band
    first: bool
    last: bool


def _legend(bands: list[Band]) -> list[LegendEntry]:
    return [LegendEntry(band=band, first=i == 0, last=i == len(bands) - 1) for i, band in enumerate(bands)]


@public
def home(request: HttpRequest) -> HttpResponse:
    """The national picture: the 31 provinces with their 2016 population, on a map and in a table."""
    if not geo_is_loaded():
        return render(request, "web/home.html", {"geo_loaded": False})
    provinces = list(province_list())
    drawing = province_map()
    bands = bands_by_quantile([province.population_2016 for province in provinces])
    population = sum(province.population_2016 for province in provinces)
    context = {
        "geo_loaded": True,
        "rows": _table_rows(provinces, bands),
        "shapes": _map_shapes(drawing, bands),
        "view_box": drawing.view_box,
        "legend": _legend(bands),
        "province_count": len(provinces),
        "total_population": population,
        "total_urban_share": _share(sum(province.urban_2016 for province in provinces), population),
    }
    return render(request, "web/home.html", context)


# --- Error pages (handler400/403/404/500 in pishkhan.config.urls) ---------------------------------


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: the request could not be understood."""
    return render(request, "web/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the caller may not see this page (strangers are offered the sign-in page)."""
    return render(request, "web/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page."""
    return render(request, "web/404.html", {"path": request.path}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: something broke. Rendered without the request's context: the database may be what broke.

    If what broke is the database being unreachable (raised by a middleware, after the view: the
    view's own are answered by ``middleware.DatabaseOutageMiddleware``), the outage's 503 instead."""
    if database_unreachable(sys.exc_info()[1]):
        return outage_answer(request)
    return HttpResponseServerError(loader.get_template("web/500.html").render())


logger = logging.getLogger(__name__)
API_PREFIX = "/api/"


def outage_answer(request: HttpRequest) -> HttpResponse:
    """503 while the database is unreachable: a problem body under the API, else the friendly page
    (rendered without the request's context, like the 500 page: no user, no menu, no database)."""
    logger.info("The database is unreachable: 503 for %s %s", request.method, request.path)
    if request.path.startswith(API_PREFIX):
        return outage_problem()
    return outage_mark(HttpResponse(loader.get_template("web/503.html").render(), status=503))
