"""The outbox in the admin: templates edited (validated, their SMS parts shown); messages read only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pishkhan.notifications.models import Message, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "language", "essential", "parts_shown", "updated_at"]
    list_filter = ["language", "essential"]
    search_fields = ["code", "body"]
    readonly_fields = ["code", "language", "placeholders", "essential", "parts_shown", "updated_at"]
    fields = [
        "code",
        "language",
        "body",
        "placeholders",
        "essential",
        "parts_shown",
        "description",
        "updated_at",
    ]

    @admin.display(description=_("SMS parts"))
    def parts_shown(self, obj: MessageTemplate) -> int:
        return obj.parts

    def has_add_permission(self, request: object) -> bool:
        return False  # a template exists because code sends it: the data migration makes them

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["key", "template", "mobile_masked", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["key"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
