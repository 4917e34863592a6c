"""Admin of the catalogue: rows to browse, and actions that go through the services (so each change
is checked and audited). Nothing is edited in place: services, tariffs and visit reports are
published through the catalogue's pages and API."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.permissions import principal_from_request, require
from pishkhan.catalogue import services
from pishkhan.catalogue.models import Agency, Service, Tariff, VisitReport
from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.common.errors import ApplicationError


def _apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    rows: QuerySet,
    change: Callable[..., object],
    *,
    agency_of: Callable[..., str],
) -> None:
    """Run a service on each selected row, as the signed-in person, where they may edit the catalogue."""
    actor = principal_from_request(request)
    done = 0
    for row in rows:
        try:
            require(actor, "catalogue.edit", agency=agency_of(row))
            change(row, actor)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{row}: {exc.detail}", messages.ERROR)
    modeladmin.message_user(request, _("%(count)d changed.") % {"count": done}, messages.SUCCESS)


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_fa", "name_en", "kind", "adapter", "active"]
    list_filter = ["kind", "adapter", "active"]
    search_fields = ["code", "name_fa", "name_en"]
    exclude = ["search_key"]
    actions = ["deactivate", "activate"]

    @admin.action(description=_("Deactivate the selected agencies"), permissions=["view"])
    def deactivate(self, request: HttpRequest, rows: QuerySet[Agency]) -> None:
        _apply(self, request, rows, self._set_active(False), agency_of=lambda agency: agency.code)

    @admin.action(description=_("Activate the selected agencies"), permissions=["view"])
    def activate(self, request: HttpRequest, rows: QuerySet[Agency]) -> None:
        _apply(self, request, rows, self._set_active(True), agency_of=lambda agency: agency.code)

    @staticmethod
    def _set_active(active: bool) -> Callable[..., object]:
        return lambda agency, actor: services.agency_update(agency=agency, active=active, actor=actor)


class TariffInline(admin.TabularInline):
    model = Tariff
    fields = ["jalali_year", "government_fee", "office_fee", "effective_from"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_fa", "agency", "trips_saved", "target_minutes", "outsourcing", "active"]
    list_filter = ["agency", "outsourcing", "active"]
    list_select_related = ["agency"]
    search_fields = ["code", "title_fa", "title_en"]
    exclude = ["search_key", "office_kinds_key"]
    inlines = [TariffInline]
    actions = ["withdraw", "offer"]

    @admin.action(description=_("Stop offering the selected services"), permissions=["view"])
    def withdraw(self, request: HttpRequest, rows: QuerySet[Service]) -> None:
        _apply(self, request, rows, self._set_active(False), agency_of=lambda service: service.agency.code)

    @admin.action(description=_("Offer the selected services again"), permissions=["view"])
    def offer(self, request: HttpRequest, rows: QuerySet[Service]) -> None:
        _apply(self, request, rows, self._set_active(True), agency_of=lambda service: service.agency.code)

    @staticmethod
    def _set_active(active: bool) -> Callable[..., object]:
        return lambda service, actor: services.service_update(service=service, active=active, actor=actor)


@admin.register(Tariff)
class TariffAdmin(ReadOnlyAdmin):
    list_display = ["service", "jalali_year", "government_fee", "office_fee", "effective_from"]
    list_filter = ["jalali_year"]
    list_select_related = ["service"]
    search_fields = ["service__code", "service__title_fa"]


@admin.register(VisitReport)
class VisitReportAdmin(ReadOnlyAdmin):
    list_display = ["agency", "jalali_year", "jalali_month", "province", "visits", "reported_by"]
    list_filter = ["agency", "jalali_year"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[VisitReport]:
        # A province row carries its boundary (hundreds of kB): never load it for a list.
        return super().get_queryset(request).select_related("agency", "province").defer("province__boundary")
