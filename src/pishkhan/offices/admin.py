"""Admin of the office registry: read-mostly. Status changes and decisions go through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.common.admin import ReadOnlyAdmin
from pishkhan.common.errors import ApplicationError
from pishkhan.offices import services
from pishkhan.offices.models import Conversion, Office, Operator, StaffMember
from pishkhan.offices.states import ConversionState, OfficeStatus


def _each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    change: Callable[[Any], object],
    done: Any,
) -> None:
    """Apply a service to each selected row; report how many succeeded and why others were refused.

    ``done`` is a message with a ``%(count)d`` placeholder.
    """
    succeeded = 0
    for obj in queryset:
        try:
            change(obj)
            succeeded += 1
        except ApplicationError as error:
            message = _("%(object)s: %(detail)s") % {"object": obj, "detail": error.detail}
            modeladmin.message_user(request, message, level=messages.WARNING)
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded})


class OperatorInline(admin.StackedInline):
    model = Operator
    can_delete = False
    fields = ["kind", "name", "identifier_masked", "mobile_masked"]
    readonly_fields = ["kind", "name", "identifier_masked", "mobile_masked"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "status", "province", "county", "counters"]
    list_filter = ["kind", "status", "setting", "province"]
    list_select_related = ["province", "county"]
    search_fields = ["code", "name"]
    exclude = ["search_key"]
    inlines = [OperatorInline]
    show_full_result_count = False
    actions = ["suspend", "reopen"]

    @admin.action(description=_("Suspend the selected offices"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Office]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda office: services.office_set_status(
                office=office, status=OfficeStatus.SUSPENDED, actor=request.user, reason="admin"
            ),
            _("Offices suspended: %(count)d"),
        )

    @admin.action(description=_("Reopen the selected offices"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[Office]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda office: services.office_set_status(
                office=office, status=OfficeStatus.ACTIVE, actor=request.user, reason="admin"
            ),
            _("Offices reopened: %(count)d"),
        )


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["office", "user", "position", "active", "added_at", "removed_at"]
    list_filter = ["position", "active"]
    list_select_related = ["office", "user"]
    search_fields = ["office__code", "user__username"]
    actions = ["remove"]

    @admin.action(description=_("Remove the selected staff members"))
    def remove(self, request: HttpRequest, queryset: QuerySet[StaffMember]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda member: services.staff_remove(member=member, actor=request.user, reason="admin"),
            _("Staff members removed: %(count)d"),
        )


@admin.register(Conversion)
class ConversionAdmin(ReadOnlyAdmin):
    list_display = ["office", "from_kind", "state", "requested_at", "deadline", "decided_at"]
    list_filter = ["state", "from_kind"]
    list_select_related = ["office"]
    search_fields = ["office__code", "office__name"]
    actions = ["review", "mark_overdue"]

    @admin.action(description=_("Start reviewing the selected conversions"))
    def review(self, request: HttpRequest, queryset: QuerySet[Conversion]) -> None:
        _each(
            self,
            request,
            queryset.filter(state=ConversionState.REQUESTED),
            lambda conversion: services.conversion_review(conversion=conversion, actor=request.user),
            _("Conversions under review: %(count)d"),
        )

    @admin.action(description=_("Mark every conversion past its deadline as overdue"))
    def mark_overdue(self, request: HttpRequest, queryset: QuerySet[Conversion]) -> None:
        marked = services.conversions_mark_overdue(now=timezone.now(), actor=request.user)
        self.message_user(request, _("Conversions marked overdue: %(count)d") % {"count": marked})
