"""The geography Pishkhan ships, read from its files into plain rows (no Django).

Provinces, counties, cities, the 1,250 villages with coordinates and both boundary files come from
this package's ``data/`` (see ``data/README.md``). Districts and the full list of 98,100 villages
(official names and codes only) come from the installed django-iranian-cities package, which is a
dependency for its data files and not an installed Django app (see ``data/NOTICE.md``).

Each row is a dict of model field values; a foreign key appears as the parent's code
(``province_code``, ``county_code``, ``district_code``) for the loader to resolve.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from pishkhan.common.persian import normalize
from pishkhan.geo.search import name_key

Row = dict[str, Any]

# django-iranian-cities stores codes as integers, so leading zeros are lost; padded, they are the SCI
# codes: province (2) + county (2) + district (2) for a district, and 16 digits for a village, whose
# first 4 digits are its county and first 6 its district.
DISTRICT_CODE_DIGITS = 6
VILLAGE_CODE_DIGITS = 16


def _shipped(name: str) -> Traversable:
    return resources.files("pishkhan.geo") / "data" / name


def _iranian_cities(name: str) -> Traversable:
    return resources.files("iranian_cities") / "data" / name


def _csv_rows(source: Traversable) -> Iterator[dict[str, str]]:
    with source.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _int(text: str) -> int | None:
    return int(text) if text else None


def _float(text: str) -> float | None:
    return float(text) if text else None


def _geometries(name: str) -> dict[str, dict]:
    """The GeoJSON geometry of each feature of a shipped file, by code."""
    with _shipped(name).open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return {feature["properties"]["code"]: feature["geometry"] for feature in collection["features"]}


def provinces() -> list[Row]:
    """The 31 provinces with census figures, capital, centroid, area and boundary."""
    boundaries = _geometries("provinces.geojson")
    return [
        {
            "code": row["code"],
            "iso_3166_2": row["iso_3166_2"],
            "name_fa": normalize(row["name_fa"]),
            "name_en": row["name_en"],
            "population_2016": int(row["population_2016"]),
            "urban_2016": int(row["urban_2016"]),
            "rural_2016": int(row["rural_2016"]),
            "unsettled_2016": int(row["unsettled_2016"]),
            "population_2011": int(row["population_2011"]),
            "capital_fa": normalize(row["capital_fa"]),
            "capital_en": row["capital_en"],
            "capital_city_code": row["capital_city_code"],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "centroid_lat": float(row["centroid_lat"]),
            "centroid_lon": float(row["centroid_lon"]),
            "area_km2": int(row["area_km2"]),
            "boundary": boundaries[row["code"]],
            "search_key": name_key(row["name_fa"], row["name_en"]),
        }
        for row in _csv_rows(_shipped("provinces.csv"))
    ]


@dataclass(frozen=True)
class ProvinceNumbering:
    """A province's telephone area code (with the trunk 0, e.g. ``021``) and the first two digits its
    postal codes start with (``data/province_numbering.csv``; provenance in ``data/NOTICE.md``)."""

    area_code: str
    postal_prefixes: tuple[str, ...]


def province_numbering() -> dict[str, ProvinceNumbering]:
    """Each province's area code and postal-code prefixes, by province code."""
    return {
        row["code"]: ProvinceNumbering(row["area_code"], tuple(row["postal_prefixes"].split()))
        for row in _csv_rows(_shipped("province_numbering.csv"))
    }


def counties() -> list[Row]:
    """The 483 current counties; post-2016 ones without 2016 figures, five without a boundary."""
    boundaries = _geometries("counties.geojson")
    return [
        {
            "code": row["code"],
            "province_code": row["province_code"],
            "name_fa": normalize(row["name_fa"]),
            "name_en": row["name_en"],
            "population_2016": _int(row["population_2016"]),
            "urban_2016": _int(row["urban_2016"]),
            "rural_2016": _int(row["rural_2016"]),
            "population_2011": _int(row["population_2011"]),
            "seat_fa": normalize(row["seat_fa"]),
            "seat_city_code": row["seat_city_code"],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "coord_source": row["coord_source"],
            "centroid_lat": _float(row["centroid_lat"]),
            "centroid_lon": _float(row["centroid_lon"]),
            "area_km2": _int(row["area_km2"]),
            "parent_code_2016": row["parent_code_2016"],
            "boundary": boundaries.get(row["code"]),
            "search_key": name_key(row["name_fa"], row["name_en"]),
        }
        for row in _csv_rows(_shipped("counties.csv"))
    ]


def districts() -> list[Row]:
    """The 1,099 districts of django-iranian-cities 2.0.0, under the county their code names."""
    rows = []
    for row in _csv_rows(_iranian_cities("district.csv")):
        code = row["code"].zfill(DISTRICT_CODE_DIGITS)
        rows.append({"code": code, "county_code": code[:4], "name_fa": normalize(row["name"])})
    return rows


def _place(row: dict[str, str], *, kind: str, county_code: str, district_code: str | None) -> Row:
    return {
        "kind": kind,
        "code": row["code"] or None,
        "city_code": row["city_code"] or None,
        "name_fa": normalize(row["name_fa"]),
        "name_en": row["name_en"],
        "admin_role": row["admin_role"],
        "county_code": county_code,
        "district_code": district_code,
        "population_2016": _int(row["population_2016"]),
        "population_geonames": _int(row["population_geonames"]),
        "lat": _float(row["lat"]),
        "lon": _float(row["lon"]),
        "coord_source": row["coord_source"],
        "search_key": name_key(row["name_fa"], row["name_en"]),
    }


def places() -> list[Row]:
    """The 1,451 cities and all 98,100 villages, one row each, with coordinates where known.

    A village's row comes from django-iranian-cities; the 1,250 villages of ``places.csv`` (matched by
    their 16-digit code) add GeoNames coordinates, English name and population.
    """
    located_villages: dict[str, dict[str, str]] = {}
    rows = []
    for row in _csv_rows(_shipped("places.csv")):
        if row["type"] == "village":
            located_villages[row["code"]] = row
            continue
        # The county part of a city's code is the county when the list was compiled, and its district
        # lies in that county; `county_code` is the current county.
        district_code = row["code"][:DISTRICT_CODE_DIGITS] if row["code"] else None
        rows.append(_place(row, kind="city", county_code=row["county_code"], district_code=district_code))
    for village in _csv_rows(_iranian_cities("village.csv")):
        code = village["code"].zfill(VILLAGE_CODE_DIGITS)
        row = located_villages.pop(code, None) or {
            "code": code,
            "city_code": "",
            "name_fa": village["name"],
            "name_en": "",
            "admin_role": "",
            "population_2016": "",
            "population_geonames": "",
            "lat": "",
            "lon": "",
            "coord_source": "",
        }
        rows.append(
            _place(row, kind="village", county_code=code[:4], district_code=code[:DISTRICT_CODE_DIGITS])
        )
    if located_villages:
        raise ValueError(
            f"places.csv has villages missing from the official list: {sorted(located_villages)[:5]}"
        )
    return rows
