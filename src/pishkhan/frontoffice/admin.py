"""The front office in the admin: ratings and appointments read only, holidays edited."""

from __future__ import annotations

from django.contrib import admin

from pishkhan.frontoffice.models import Appointment, Holiday, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["transaction_id", "office", "stars", "created_at"]
    list_filter = ["stars"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The public holidays: no appointment is offered on them (edited here, or seeded by the demo)."""

    list_display = ["day", "name"]
    date_hierarchy = "day"


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Appointments, read only: the citizen books, cancels and moves them on the public pages."""

    list_display = ["code", "office", "counter", "service", "start", "state"]
    list_filter = ["state"]
    exclude = ["mobile_sealed", "national_id_key"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
