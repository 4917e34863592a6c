"""Admin: the audit log can be read here, never added to, changed or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pishkhan.audit.models import AuditEntry
from pishkhan.common.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only list and detail of audit entries."""

    list_display = ["seq", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_id"]
    date_hierarchy = "at"
    ordering = ["-seq"]
    show_full_result_count = False  # counting millions of rows on every page is slow

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEntry | None = None) -> list[str]:
        return [field.name for field in AuditEntry._meta.fields]
