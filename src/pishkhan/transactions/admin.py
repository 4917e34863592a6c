"""Read-only admin of counter transactions: they are evidence, changed only through the services."""

from django.contrib import admin

from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.transactions.models import CounterTransaction, Heartbeat, OfficeLiveness, TransactionEvent


class TransactionEventInline(admin.TabularInline):
    model = TransactionEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "at", "detail")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CounterTransaction)
class CounterTransactionAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "office", "service", "state", "fee_charged", "fee_tariff", "received_at")
    list_filter = ("state",)
    search_fields = ("tracking_code", "office__code", "office_reference")
    list_select_related = ("office", "service")
    raw_id_fields = ("office", "service")
    exclude = ("citizen_key", "mobile_sealed")
    inlines = [TransactionEventInline]


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("office", "terminal_id", "software_version", "at")
    search_fields = ("office__code", "terminal_id")
    list_select_related = ("office",)


@admin.register(OfficeLiveness)
class OfficeLivenessAdmin(ReadOnlyAdmin):
    list_display = ("office", "last_seen_at", "terminal_id", "software_version")
    search_fields = ("office__code",)
    list_select_related = ("office",)
