"""Ratings in the admin: read only."""

from __future__ import annotations

from django.contrib import admin

from pishkhan.frontoffice.models import Rating


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
