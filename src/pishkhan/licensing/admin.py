"""Admin of licensing: read-only. Every change (a decision, a suspension, a revocation) goes through the
services, which ask for the reason and legal basis; the admin offers no shortcut around them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.licensing.models import ApplicationDocument, CountyQuota, Licence, LicenceApplication


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    can_delete = False
    # Never the file itself: documents are read through the API, after its permission check.
    fields = ["kind", "original_name", "content_type", "size", "expires_on", "uploaded_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LicenceApplication)
class LicenceApplicationAdmin(ReadOnlyAdmin):
    list_display = ["number", "applicant_name", "office_kind", "province", "county", "status", "submitted_at"]
    list_filter = ["status", "office_kind", "province"]
    list_select_related = ["province", "county"]
    search_fields = ["number", "applicant_name", "office_name"]
    exclude = ["applicant_key", "identity_sealed"]
    inlines = [DocumentInline]
    show_full_result_count = False


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["number", "office", "kind", "holder_name", "status", "issued_on", "expires_on"]
    list_filter = ["status", "kind"]
    list_select_related = ["office"]
    search_fields = ["number", "office__code", "holder_name"]
    exclude = ["holder_key"]
    show_full_result_count = False


@admin.register(CountyQuota)
class CountyQuotaAdmin(ReadOnlyAdmin):
    list_display = ["county", "office_kind", "maximum", "set_at", "set_by"]
    list_filter = ["office_kind"]
    list_select_related = ["county"]
    search_fields = ["county__code", "county__name_fa"]
