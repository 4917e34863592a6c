"""Shapes of the geo API: reference data, public."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from pishkhan.geo.models import County, Place
from pishkhan.geo.selectors import PLACE_SEARCH_MAX_LIMIT

PLACE_QUERY_MAX_LENGTH = 100


class ProvinceOut(Schema):
    """A province with its census figures and capital."""

    code: str = Field(description="SCI code, two digits (00–30); equals the number in ISO 3166-2:IR")
    iso_3166_2: str
    name_fa: str
    name_en: str
    population_2016: int = Field(description="2016 (1395) census")
    urban_2016: int
    rural_2016: int
    unsettled_2016: int = Field(description="non-settled (nomadic) population, counted apart")
    population_2011: int = Field(description="2011 (1390) census, on 2011 boundaries")
    capital_fa: str
    capital_en: str
    lat: float = Field(description="latitude of the capital (GeoNames, CC BY 4.0)")
    lon: float = Field(description="longitude of the capital (GeoNames, CC BY 4.0)")
    area_km2: int = Field(description="from the OpenStreetMap boundary (ODbL); for maps and densities")


class CountyOut(Schema):
    """A county of the current official list."""

    code: str = Field(description="province (2) + county (2)")
    province_code: str
    name_fa: str
    name_en: str
    population_2016: int | None = Field(description="2016 census; null for counties created since")
    urban_2016: int | None
    rural_2016: int | None
    population_2011: int | None
    seat_fa: str
    lat: float = Field(description="the county seat, or the county's centroid; see coord_source")
    lon: float
    coord_source: str
    parent_code_2016: str = Field(
        description="for a county created after 2016: the county it was carved from"
    )

    @staticmethod
    def resolve_province_code(county: County) -> str:
        return county.province.code


class PlaceOut(Schema):
    """A city or village found by a search."""

    kind: str = Field(description="city or village")
    code: str | None = Field(
        description="official code: 10 digits (city) or 16 (village); null for new cities"
    )
    city_code: str | None = Field(description="4-digit SCI city code (cities only)")
    name_fa: str
    name_en: str
    admin_role: str = Field(description="province_capital, county_seat or empty")
    county_code: str
    county_name_fa: str
    province_code: str
    province_name_fa: str
    population_2016: int | None = Field(description="2016 census; known for only a few cities")
    population_geonames: int | None = Field(description="GeoNames figure of mixed years; a rough size only")
    lat: float | None
    lon: float | None

    @staticmethod
    def resolve_county_code(place: Place) -> str:
        return place.county.code

    @staticmethod
    def resolve_county_name_fa(place: Place) -> str:
        return place.county.name_fa

    @staticmethod
    def resolve_province_code(place: Place) -> str:
        return place.county.province.code

    @staticmethod
    def resolve_province_name_fa(place: Place) -> str:
        return place.county.province.name_fa


class CountyListIn(Schema):
    """Which province's counties to list."""

    province: str = Field(description="province code, two digits", max_length=8)


class PlaceSearchIn(Schema):
    """A place search."""

    q: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PLACE_QUERY_MAX_LENGTH)
    ] = Field(description="part of a Persian or English name, typed any way")
    limit: int = Field(20, ge=1, le=PLACE_SEARCH_MAX_LIMIT)
    province: str | None = Field(
        None, pattern=r"^[0-9]{2}$", description="only places of this province (code)"
    )
    county: str | None = Field(None, pattern=r"^[0-9]{4}$", description="only places of this county (code)")
