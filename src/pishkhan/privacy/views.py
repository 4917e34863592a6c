"""The privacy officer's pages (permission ``privacy.export``, the regulator's): the retention
policy, and a subject access export of everything held about a national ID, as a page or as JSON.
Each export is audited (who, when, the ID masked); nothing of it is stored."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pishkhan.accounts.permissions import permission_required, principal_from_request
from pishkhan.common.errors import ApplicationError
from pishkhan.common.templatetags.persian import digits, jdatetime
from pishkhan.privacy.forms import SubjectForm
from pishkhan.privacy.models import RetentionRule
from pishkhan.privacy.registry import purger_of
from pishkhan.privacy.services import subject_export

SECTIONS = {
    "counter_transactions": gettext_lazy("Counter transactions"),
    "licence_applications": gettext_lazy("Licence applications"),
    "licences": gettext_lazy("Licences"),
    "office_operator": gettext_lazy("Offices run"),
    "complaints": gettext_lazy("Complaints"),
}
FIELDS = {
    "tracking_code": gettext_lazy("Tracking code"),
    "office": gettext_lazy("Office"),
    "office_name": gettext_lazy("Office name"),
    "service": gettext_lazy("Service"),
    "service_name": gettext_lazy("Service name"),
    "state": gettext_lazy("State"),
    "status": gettext_lazy("Status"),
    "national_id_masked": gettext_lazy("National ID (masked)"),
    "identifier_masked": gettext_lazy("Identifier (masked)"),
    "mobile_masked": gettext_lazy("Mobile (masked)"),
    "mobile_held_sealed": gettext_lazy("Full mobile held (sealed)"),
    "fee_charged_rials": gettext_lazy("Fee charged (rials)"),
    "recorded_at": gettext_lazy("Recorded at the office"),
    "received_at": gettext_lazy("Received"),
    "finished_at": gettext_lazy("Finished"),
    "notified_at": gettext_lazy("Citizen notified"),
    "agency_reference": gettext_lazy("Agency's reference"),
    "number": gettext_lazy("Number"),
    "applicant_name": gettext_lazy("Applicant name"),
    "holder_name": gettext_lazy("Holder"),
    "office_kind": gettext_lazy("Office kind"),
    "kind": gettext_lazy("Kind"),
    "address": gettext_lazy("Address"),
    "postal_code": gettext_lazy("Postal code"),
    "phone": gettext_lazy("Phone"),
    "submitted_at": gettext_lazy("Submitted"),
    "decided_at": gettext_lazy("Decided"),
    "withdrawn_at": gettext_lazy("Withdrawn"),
    "documents": gettext_lazy("Documents"),
    "name": gettext_lazy("Name"),
    "national_id": gettext_lazy("National ID"),
    "mobile": gettext_lazy("Mobile"),
    "category": gettext_lazy("Category"),
    "description": gettext_lazy("Description"),
    "created_at": gettext_lazy("Received"),
    "answer": gettext_lazy("Answer"),
    "answered_at": gettext_lazy("Answered"),
    "closed_at": gettext_lazy("Closed"),
    "outcome": gettext_lazy("Outcome"),
    "refund_amount_rials": gettext_lazy("Refund (rials)"),
}


def _shown(value: object) -> str:
    """One exported value as the page shows it: Jalali dates, Persian digits."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return jdatetime(value)
    if isinstance(value, list):
        return "، ".join(
            f"{item.get('kind', '')} {item.get('original_name', '')}" if isinstance(item, dict) else str(item)
            for item in value
        )
    return digits(value)


def _readable(export: dict[str, Any]) -> list[dict[str, object]]:
    sections = export["sections"]
    return [
        {
            "name": name,
            "label": SECTIONS.get(name, name),
            "items": [
                [(FIELDS.get(key, key), _shown(value)) for key, value in item.items()] for item in items
            ],
        }
        for name, items in sections.items()
    ]


def _rules() -> list[dict[str, object]]:
    return [
        {
            "kind": rule.kind,
            "data": _(rule.data),
            "purpose_end": _(rule.purpose_end),
            "days": rule.days,
            "action": _(rule.action),
            "active": rule.active,
            "applied": rule.active and purger_of(rule.kind) is not None,
            "changed_at": rule.changed_at,
        }
        for rule in RetentionRule.objects.order_by("kind")
    ]


def _home(request: HttpRequest, form: SubjectForm, status: int = 200) -> HttpResponse:
    return render(request, "privacy/home.html", {"rules": _rules(), "form": form}, status=status)


@permission_required("privacy.export")
def privacy_home(request: HttpRequest) -> HttpResponse:
    """The retention policy and the subject access request's form."""
    return _home(request, SubjectForm())


@permission_required("privacy.export")
@require_POST
def privacy_export(request: HttpRequest) -> HttpResponse:
    """Export a person's data: the page, or (``format=json``) a JSON file to hand over."""
    form = SubjectForm(request.POST)
    if not form.is_valid():
        return _home(request, form, status=422)
    try:
        export = subject_export(
            actor=principal_from_request(request),
            national_id=form.cleaned_data["national_id"],
            mobile=form.cleaned_data["mobile"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as refused:
        for field, problems in refused.fields.items():
            if field in form.fields:
                for problem in problems:
                    form.add_error(field, problem)
        if not refused.fields:
            form.add_error(None, refused.detail)
        return _home(request, form, status=refused.status)
    if request.POST.get("format") == "json":
        body = json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        masked = export["national_id"][:3]
        response["Content-Disposition"] = f'attachment; filename="subject-access-{masked}.json"'
        response["Cache-Control"] = "no-store"
        return response
    response = render(request, "privacy/export.html", {"export": export, "sections": _readable(export)})
    response["Cache-Control"] = "no-store"
    return response
