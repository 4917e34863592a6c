"""The admin's one base for domain models: browse and search, never add, change or delete in place.

Every change goes through a domain service (in the admin: an action that calls it), so the rules
are checked and the change is audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lets staff browse and search rows but never add, change or delete them in place."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
