"""Admin of geo: read-only, because the geography is reference data that only the loader writes."""

from __future__ import annotations

from django.contrib import admin

from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.geo.models import County, District, Place, Province


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fa", "name_en", "population_2016", "capital_fa", "area_km2"]
    search_fields = ["code", "name_fa", "name_en"]
    exclude = ["boundary"]


@admin.register(County)
class CountyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fa", "name_en", "province", "population_2016", "seat_fa"]
    list_filter = ["province"]
    list_select_related = ["province"]
    search_fields = ["code", "name_fa", "name_en"]
    exclude = ["boundary"]


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fa", "county"]
    list_select_related = ["county"]
    search_fields = ["code", "name_fa"]


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ["code", "city_code", "name_fa", "name_en", "kind", "admin_role", "county", "lat", "lon"]
    list_filter = ["kind", "admin_role"]
    list_select_related = ["county"]
    search_fields = ["code", "city_code", "name_fa", "name_en"]
    show_full_result_count = False  # counting 100k rows on every search page is wasted work
