"""The geo API: Iran's provinces, counties and places. Public reference data, so no authentication."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from pishkhan.geo import selectors
from pishkhan.geo.schemas import CountyListIn, CountyOut, PlaceOut, PlaceSearchIn, ProvinceOut

router = Router()


@router.get("/provinces", response=list[ProvinceOut], auth=None, summary="Provinces with their population")
def provinces(request: HttpRequest) -> list:
    """The 31 provinces with their 2016 and 2011 census population, capital and its coordinates."""
    return list(selectors.province_list())


@router.get("/counties", response=list[CountyOut], auth=None, summary="Counties of a province")
def counties(request: HttpRequest, filters: Query[CountyListIn]) -> list:
    """The counties of a province. An unknown province code is a 404, a malformed one a 422."""
    return list(selectors.county_list(province_code=filters.province))


@router.get("/places", response=list[PlaceOut], auth=None, summary="Search cities and villages")
def places(request: HttpRequest, filters: Query[PlaceSearchIn]) -> list:
    """Cities and villages whose name contains ``q``, best match first.

    Finds a name however it was typed: Arabic ي/ك or Persian ی/ک, with a zero-width non-joiner, a
    space or nothing between its parts, with Persian, Arabic-Indic or Latin digits, in Persian or in
    English (accents optional). ``province`` or ``county`` keeps only the places within it.
    """
    return selectors.place_search(
        q=filters.q,
        limit=filters.limit,
        province_code=filters.province or "",
        county_code=filters.county or "",
    )
