"""Admin of geo: read-only, because the geography is reference data that only the loader writes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pishkhan.geo.models import County, District, Place, Province


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lets staff browse and search rows but never add, change or delete them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


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
