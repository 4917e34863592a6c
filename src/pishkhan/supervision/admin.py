"""Admin of supervision: read-only. Campaigns (and sanction cases) are run through the services (pages,
API, ``pishkhan licences_revoke_inactive``), which serve the notices and keep the due process."""

from __future__ import annotations

from django.contrib import admin

from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.supervision.models import (
    CampaignCase,
    ChecklistItem,
    ChecklistVersion,
    Complaint,
    FineRule,
    InactivityCampaign,
    Inspection,
    SanctionCase,
)


@admin.register(InactivityCampaign)
class InactivityCampaignAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "never_activated_days", "idle_days", "grace_days", "started_at"]
    list_filter = ["status"]
    search_fields = ["number"]


@admin.register(CampaignCase)
class CampaignCaseAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "licence", "office", "province", "criterion", "days_idle", "outcome"]
    list_filter = ["outcome", "criterion"]
    list_select_related = ["campaign", "licence", "office", "province"]
    search_fields = ["licence__number", "office__code"]
    show_full_result_count = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["number", "office", "category", "status", "created_at"]
    list_filter = ["status", "category"]
    list_select_related = ["office"]
    search_fields = ["number", "office__code"]
    exclude = ["mobile_sealed", "mobile_key"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    can_delete = False
    extra = 0
    fields = ["position", "code", "weight", "text_fa", "text_en"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(ReadOnlyAdmin):
    """Read-only: a new version is published with ``pishkhan inspection_checklist --publish``."""

    list_display = ["number", "published_at", "note"]
    inlines = [ChecklistItemInline]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "office", "planned_for", "planned_how", "inspector", "status", "score"]
    list_filter = ["status", "planned_how"]
    list_select_related = ["office", "inspector"]
    search_fields = ["office__code"]
    exclude = ["mobile_sealed"]


@admin.register(FineRule)
class FineRuleAdmin(ReadOnlyAdmin):
    list_display = ["ground", "offence", "measure", "fine_rials", "fine_share_bp", "suspension_days"]
    list_filter = ["ground", "measure"]


@admin.register(SanctionCase)
class SanctionCaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "office", "ground", "status", "offence", "measure", "opened_at"]
    list_filter = ["status", "ground", "measure"]
    list_select_related = ["office"]
    search_fields = ["number", "office__code", "licence__number"]
    show_full_result_count = False
