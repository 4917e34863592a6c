"""Reads of geo: provinces, counties, place search and the province map."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from pishkhan.common.errors import NotFoundError, ValidationError
from pishkhan.common.persian import to_latin_digits
from pishkhan.geo import maps
from pishkhan.geo.models import County, Place, PlaceKind, Province
from pishkhan.geo.search import SEPARATOR, query_key

PROVINCE_CODE_SHAPE = re.compile(r"[0-9]{2}")
PLACE_SEARCH_MAX_LIMIT = 50


def geo_is_loaded() -> bool:
    """Whether the geography has been loaded (the loader writes every table in one transaction)."""
    return Province.objects.exists() and Place.objects.exists()


def province_list() -> QuerySet[Province]:
    """All provinces by code, with their census figures (boundaries left out)."""
    return Province.objects.defer("boundary").order_by("code")


def _province_code_clean(code: str) -> str:
    code = to_latin_digits((code or "").strip())
    if not PROVINCE_CODE_SHAPE.fullmatch(code):
        message = _("A province code is two digits, 00 to 30.")
        raise ValidationError(message, fields={"province": message})
    return code


def province_get(*, code: str) -> Province:
    """The province with this code (Persian digits accepted); boundary left out.

    Raises ``ValidationError`` for a malformed code and ``NotFoundError`` for an unknown one.
    """
    code = _province_code_clean(code)
    province = province_list().filter(code=code).first()
    if province is None:
        raise NotFoundError(_("No province has the code %(code)s.") % {"code": code})
    return province


def province_code_exists(code: str) -> bool:
    """Whether a province has this code (the jurisdiction resolver of accounts)."""
    return Province.objects.filter(code=code).exists()


def province_codes_existing(codes: Collection[str]) -> set[str]:
    """Those of ``codes`` that name a province (the jurisdiction resolver of accounts)."""
    return set(Province.objects.filter(code__in=list(codes)).values_list("code", flat=True))


def county_names(*, province_code: str = "") -> QuerySet:
    """(code, name_fa, name_en) of every county, or of one province's, by code: for choice lists."""
    counties = County.objects.order_by("code").values_list("code", "name_fa", "name_en")
    return counties.filter(province__code=province_code) if province_code else counties


def county_list(*, province_code: str) -> QuerySet[County]:
    """The counties of a province by code, with their province (boundaries left out).

    Raises like :func:`province_get` when the province code is malformed or unknown.
    """
    province = province_get(code=province_code)
    return (
        County.objects.filter(province=province)
        .select_related("province")
        .defer("boundary", "province__boundary")
        .order_by("code")
    )


def place_search(*, q: str, limit: int = 20, province_code: str = "", county_code: str = "") -> list[Place]:
    """Cities and villages whose Persian or English name contains what was typed, best first;
    only those of a province or a county when its code is given.

    The query is folded like the stored names (Arabic ي/ك, ZWNJ / space / nothing, any digits and
    Latin accents all meet). Exact names come first, then names starting with the query, then the
    rest; within each, cities before villages and bigger places before smaller.
    """
    key = query_key(q)
    if not key:
        return []
    limit = max(1, min(limit, PLACE_SEARCH_MAX_LIMIT))
    # The stored key is "<persian> <english>": a name equals the query when the key is the query or
    # starts or ends with it next to the separator; a name starts with it after the separator.
    exact = (
        Q(search_key=key)
        | Q(search_key__startswith=key + SEPARATOR)
        | Q(search_key__endswith=SEPARATOR + key)
    )
    prefix = Q(search_key__startswith=key) | Q(search_key__contains=SEPARATOR + key)
    places = Place.objects.filter(search_key__contains=key)
    if county_code:
        places = places.filter(county__code=county_code)
    elif province_code:
        places = places.filter(county__province__code=province_code)
    matches = (
        places.select_related("county__province")
        .defer("county__boundary", "county__province__boundary")
        .annotate(
            match=Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2)),
            kind_rank=Case(When(kind=PlaceKind.CITY, then=Value(0)), default=Value(1)),
            size=Coalesce("population_2016", "population_geonames"),
        )
        .order_by("match", "kind_rank", F("size").desc(nulls_last=True), "name_fa", "pk")
    )
    return list(matches[:limit])


@dataclass(frozen=True)
class ProvinceShape:
    """One province on the map: its figures, its outline and where its label goes."""

    code: str
    name_fa: str
    name_en: str
    population_2016: int
    d: str
    label_x: int
    label_y: int


@dataclass(frozen=True)
class ProvinceMap:
    """The provinces drawn in one SVG viewBox."""

    view_box: str
    width: int
    height: int
    provinces: list[ProvinceShape]


# Projected outlines by province code. Boundaries never change while the server runs (only the
# loader writes them, and it clears this), so each process projects them once.
_outlines: dict[str, tuple[str, int, int]] = {}


def province_map_forget() -> None:
    """Drop the cached outlines (after the loader rewrote the boundaries)."""
    _outlines.clear()


def province_map() -> ProvinceMap:
    """Every province as an SVG path with its population, for a map of Iran.

    Draw the paths with ``fill-rule="evenodd"`` (some provinces have holes) and credit
    "© OpenStreetMap contributors" under the map (the boundaries are ODbL).
    """
    provinces = list(
        Province.objects.order_by("code").values(
            "code", "name_fa", "name_en", "population_2016", "centroid_lat", "centroid_lon"
        )
    )
    missing = [row["code"] for row in provinces if row["code"] not in _outlines]
    if missing:
        for code, boundary, lat, lon in Province.objects.filter(code__in=missing).values_list(
            "code", "boundary", "centroid_lat", "centroid_lon"
        ):
            _outlines[code] = (maps.path_d(boundary), *maps.label_point(lon, lat))
    shapes = []
    for row in provinces:
        d, label_x, label_y = _outlines[row["code"]]
        shapes.append(
            ProvinceShape(
                code=row["code"],
                name_fa=row["name_fa"],
                name_en=row["name_en"],
                population_2016=row["population_2016"],
                d=d,
                label_x=label_x,
                label_y=label_y,
            )
        )
    frame = maps.IRAN
    return ProvinceMap(view_box=frame.view_box, width=frame.width, height=frame.height, provinces=shapes)


def county_rows() -> list[dict]:
    """Every county with its 2016 populations, seat, boundary and the 2016 county it was carved from
    (for planning's demand)."""
    return list(
        County.objects.order_by("code").values(
            "id", "code", "province_id", "province__code", "name_fa", "population_2016", "urban_2016",
            "rural_2016", "lat", "lon", "area_km2", "boundary", "parent_code_2016",
        )
    )  # fmt: skip


def place_points() -> list[dict]:
    """Every city and village that has coordinates, with its populations (for planning's demand)."""
    return list(
        Place.objects.filter(lat__isnull=False)
        .order_by("id")
        .values("id", "kind", "name_fa", "county_id", "population_2016", "population_geonames", "lat", "lon")
    )
