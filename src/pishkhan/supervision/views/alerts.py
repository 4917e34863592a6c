"""Pages of supervision's rules and alerts: the alerts list (filters, pager, CSV/XLSX), an alert with
its evidence and the actions on it, and the rules page (the regulator edits each rule there).

Alerts are routed to their office's province (``selectors.alert_scope``): a directorate and an
inspector see their province's, the regulator all; one outside one's reach is a 404. Acting on an
alert needs ``supervision.alerts`` in its province; dismissing one is asked twice. Rules are read by
every supervisor and changed by the regulator (``supervision.configure``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pishkhan.accounts.permissions import Principal, has_perm, permission_required, principal_from_request
from pishkhan.common.confirmation import confirmation_of, is_confirmed
from pishkhan.common.errors import ApplicationError
from pishkhan.common.exports import Column, export_format, export_response
from pishkhan.common.forms import errors_onto
from pishkhan.geo.models import Province
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import RULE_TITLES, Alert, Rule
from pishkhan.supervision.rulebook import THRESHOLDS
from pishkhan.supervision.states import AlertStatus, Severity
from pishkhan.supervision.views.links import follow_up_url

PAGE_SIZE = 50
TEXT_MAX = 2000

# The thresholds' and the evidence figures' names in the reader's language.
THRESHOLD_LABELS = {
    "tolerance_rials": gettext_lazy("Tolerance above the tariff (rials)"),
    "grace_minutes": gettext_lazy("Grace outside the hours (minutes)"),
    "z_own": gettext_lazy("Robust z-score above the office's own days"),
    "z_peers": gettext_lazy("Robust z-score above the county's offices"),
    "min_transactions": gettext_lazy("Fewest transactions of an abnormal day"),
    "history_days": gettext_lazy("Days of history compared"),
    "per_day": gettext_lazy("Transactions of one citizen in a day"),
    "minutes": gettext_lazy("Minutes offline"),
    "ratio": gettext_lazy("Times the province's wait at the same hours"),
    "min_tickets": gettext_lazy("Fewest tickets called in the days compared"),
    "min_minutes": gettext_lazy("Shortest mean wait judged (minutes)"),
    "days": gettext_lazy("Days compared"),
}
FIGURE_LABELS = {
    "fee_charged": gettext_lazy("Fee charged (rials)"),
    "fee_tariff": gettext_lazy("Tariff (rials)"),
    "excess": gettext_lazy("Above the tariff (rials)"),
    "recorded_at": gettext_lazy("Recorded at (Tehran)"),
    "citizen": gettext_lazy("Citizen"),
    "day": gettext_lazy("Day"),
    "transactions": gettext_lazy("Transactions"),
    "own_median": gettext_lazy("Median of the office's own days"),
    "own_z": gettext_lazy("Robust z-score against its own days"),
    "peers_median": gettext_lazy("Median of the county's offices today"),
    "peers_z": gettext_lazy("Robust z-score against the county"),
    "service": gettext_lazy("Service"),
    "why": gettext_lazy("Why not"),
    "offline_since": gettext_lazy("Offline since (Tehran)"),
    "minutes": gettext_lazy("Minutes offline"),
    "days": gettext_lazy("Days compared"),
    "tickets": gettext_lazy("Tickets called"),
    "mean_wait_minutes": gettext_lazy("Mean wait (minutes)"),
    "province_wait_minutes": gettext_lazy("The province's wait at the same hours (minutes)"),
    "ratio": gettext_lazy("Times the province's wait at the same hours"),
}


# --- Forms ------------------------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    """The alerts list's filters; ``provinces`` is None for a caller who sees one province only."""

    office = forms.CharField(label=gettext_lazy("Office code"), required=False, max_length=20)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    rule = forms.ChoiceField(label=gettext_lazy("Rule"), required=False)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("State"), required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = [("", _("All provinces")), *provinces]
        self.fields["rule"].choices = [
            ("", _("All rules")),
            *((code, title) for code, title in RULE_TITLES.items()),
        ]
        self.fields["severity"].choices = [("", _("All severities")), *Severity.choices]
        self.fields["status"].choices = [("", _("All states")), *AlertStatus.choices]


class AlertNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was found and done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )


class AlertDismissForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is not a problem"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
    )


class RuleForm(forms.Form):
    """One rule's settings: enabled, severity, and a field per threshold (its range checked by the
    service, so that the page and the API refuse alike)."""

    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices)

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", rule.code)
        values = dict(rule.thresholds or {})
        kwargs.setdefault(
            "initial",
            {"enabled": rule.enabled, "severity": rule.severity}
            | {name: values.get(name, spec.default) for name, spec in THRESHOLDS.get(rule.code, {}).items()},
        )
        super().__init__(*args, **kwargs)
        self.rule = rule
        for name, spec in THRESHOLDS.get(rule.code, {}).items():
            field_class = forms.IntegerField if spec.integer else forms.FloatField
            self.fields[name] = field_class(
                # Text, not type=number: a Persian keyboard types Persian digits, which Python reads.
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric" if spec.integer else "decimal", "dir": "ltr"}
                ),
                label=THRESHOLD_LABELS.get(name, name),
                help_text=_("From %(minimum)s to %(maximum)s.")
                % {"minimum": spec.minimum, "maximum": spec.maximum},
            )

    def thresholds(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in THRESHOLDS.get(self.rule.code, {})}


# --- Helpers ----------------------------------------------------------------------------------------


def _principal(request: HttpRequest) -> Principal:
    principal = principal_from_request(request)
    if principal is None:  # permission_required lets no stranger through; this guards a misuse
        raise PermissionDenied
    return principal


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.alert_scope(principal)
    if scope is None:
        raise PermissionDenied(_("You may not see alerts."))
    return scope


def _alert_or_404(pk: int, principal: Principal) -> Alert:
    try:
        return selectors.alert_get(pk=pk, scope=_scope(principal))
    except ApplicationError:
        raise Http404(str(pk)) from None


def _may_act(principal: Principal, alert: Alert) -> bool:
    return has_perm(principal, "supervision.alerts", province=alert.province.code)


def _provinces(scope: dict[str, str]) -> list[tuple[str, str]] | None:
    if scope:
        return None
    return [(p.code, p.name_fa) for p in Province.objects.order_by("code")]


_EXPORT_COLUMNS = [
    Column(gettext_lazy("Alert"), lambda a: a.pk),
    Column(gettext_lazy("Rule"), lambda a: a.rule.title),
    Column(gettext_lazy("Severity"), lambda a: a.get_severity_display()),
    Column(gettext_lazy("State"), lambda a: a.get_status_display()),
    Column(gettext_lazy("Office code"), lambda a: a.office.code),
    Column(gettext_lazy("Office"), lambda a: a.office.name),
    Column(gettext_lazy("Province"), lambda a: a.province.code),
    Column(gettext_lazy("Count"), lambda a: a.count),
    Column(gettext_lazy("First seen"), lambda a: a.first_seen),
    Column(gettext_lazy("Last seen"), lambda a: a.last_seen),
    Column(gettext_lazy("Transactions"), lambda a: " ".join(a.tracking_codes)),
]


# --- Pages ------------------------------------------------------------------------------------------


@permission_required("supervision.view")
def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts of the caller's jurisdiction, the latest seen first, by office, province, rule, severity
    and state; ``?export=csv|xlsx`` the same rows as a file."""
    scope = _scope(_principal(request))
    data = request.GET.copy()
    data.pop("page", None)
    data.pop("export", None)
    form = AlertFilterForm(data or None, provinces=_provinces(scope))
    status = 200
    alerts = Alert.objects.none()
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
        try:
            alerts = selectors.alert_list(scope=scope, **filters)
        except ApplicationError as exc:
            errors_onto(form, exc)
            status = exc.status
    wanted = export_format(request)
    if wanted and status == 200:
        return export_response(
            rows=alerts.iterator(), columns=_EXPORT_COLUMNS, filename="alerts", format=wanted
        )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/alert_list.html", {"form": form, "page": page}, status=status)


@permission_required("supervision.view")
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One alert: its rule, office, evidence (links to the transactions), handling, and the actions."""
    principal = _principal(request)
    alert = _alert_or_404(pk, principal)
    return _detail(request, principal, alert)


def _detail(
    request: HttpRequest,
    principal: Principal,
    alert: Alert,
    *,
    note_form: AlertNoteForm | None = None,
    dismiss_form: AlertDismissForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_act = _may_act(principal, alert) and alert.is_live
    return render(
        request,
        "supervision/alert_detail.html",
        {
            "alert": alert,
            "figures": [
                (FIGURE_LABELS.get(name, name), value, isinstance(value, int) and not isinstance(value, bool))
                for name, value in alert.figures.items()
            ],
            "may_act": may_act,
            "may_acknowledge": may_act and alert.status == AlertStatus.OPEN,
            "note_form": (note_form or AlertNoteForm()) if may_act else None,
            "dismiss_form": (dismiss_form or AlertDismissForm()) if may_act else None,
            "sanction_url": follow_up_url(
                principal,
                "sanction",
                office_code=alert.office.code,
                province=alert.province.code,
                source=f"alert:{alert.pk}",
            ),
            "may_see_transactions": has_perm(principal, "transactions.view"),
        },
        status=status,
    )


def _acting(request: HttpRequest, pk: int) -> tuple[Principal, Alert]:
    principal = _principal(request)
    alert = _alert_or_404(pk, principal)
    if not _may_act(principal, alert):
        raise PermissionDenied(_("You may not handle this alert."))
    return principal, alert


@permission_required("supervision.alerts")
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge the alert, then show it."""
    principal, alert = _acting(request, pk)
    try:
        services.alert_acknowledge(alert=alert, actor=principal)
    except ApplicationError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Alert %(number)s is acknowledged.") % {"number": alert.pk})
    return redirect("supervision:alert_detail", pk=alert.pk)


@permission_required("supervision.alerts")
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve the alert with a note; a refusal comes back onto the form with the note kept."""
    principal, alert = _acting(request, pk)
    form = AlertNoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, principal, alert, note_form=form, status=422)
    try:
        services.alert_resolve(alert=alert, note=form.cleaned_data["note"], actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, principal, alert, note_form=form, status=exc.status)
    messages.success(request, _("Alert %(number)s is resolved.") % {"number": alert.pk})
    return redirect("supervision:alert_detail", pk=alert.pk)


@permission_required("supervision.alerts")
@require_POST
def alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss the alert with its reason, asked twice: the first POST shows what it will do."""
    principal, alert = _acting(request, pk)
    form = AlertDismissForm(request.POST)
    if not form.is_valid():
        return _detail(request, principal, alert, dismiss_form=form, status=422)
    if alert.is_live and not is_confirmed(request):
        confirmation = confirmation_of(
            request,
            title=_("Dismiss alert %(number)s?") % {"number": alert.pk},
            consequence=_(
                "A dismissed alert is closed for good as a false alarm "
                "and does not count in the office's score."
            ),
            button=_("Dismiss the alert"),
            cancel_url=reverse("supervision:alert_detail", kwargs={"pk": alert.pk}),
            facts=[(_("Reason"), form.cleaned_data["reason"])],
        )
        return render(request, "web/confirm.html", {"confirmation": confirmation})
    try:
        services.alert_dismiss(alert=alert, reason=form.cleaned_data["reason"], actor=principal)
    except ApplicationError as exc:
        errors_onto(form, exc)
        return _detail(request, principal, alert, dismiss_form=form, status=exc.status)
    messages.success(request, _("Alert %(number)s is dismissed.") % {"number": alert.pk})
    return redirect("supervision:alert_detail", pk=alert.pk)


@permission_required("supervision.view")
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule with its state, severity and thresholds; the regulator edits each in place."""
    principal = _principal(request)
    _scope(principal)  # a supervisor of some jurisdiction; 403 otherwise
    return _rules(request, principal)


def _rules(
    request: HttpRequest, principal: Principal, *, bound: RuleForm | None = None, status: int = 200
) -> HttpResponse:
    may_edit = has_perm(principal, "supervision.configure")
    rows = []
    for rule in selectors.rule_list():
        form = bound if bound is not None and bound.rule.code == rule.code else RuleForm(rule=rule)
        rows.append({"rule": rule, "form": form if may_edit else None, "thresholds": _thresholds(rule)})
    return render(request, "supervision/rule_list.html", {"rows": rows, "may_edit": may_edit}, status=status)


def _thresholds(rule: Rule) -> list[tuple[str, Any, Any, Any]]:
    values = dict(rule.thresholds or {})
    return [
        (str(THRESHOLD_LABELS.get(name, name)), values.get(name, spec.default), spec.minimum, spec.maximum)
        for name, spec in THRESHOLDS.get(rule.code, {}).items()
    ]


@permission_required("supervision.configure")
@require_POST
def rule_update(request: HttpRequest, code: str) -> HttpResponse:
    """Change one rule; a value out of its range comes back onto its field, nothing stored."""
    principal = _principal(request)
    try:
        rule = selectors.rule_get(code=code)
    except ApplicationError:
        raise Http404(code) from None
    form = RuleForm(request.POST, rule=rule)
    if not form.is_valid():
        return _rules(request, principal, bound=form, status=422)
    try:
        services.rule_update(
            code=rule.code,
            enabled=form.cleaned_data["enabled"],
            severity=form.cleaned_data["severity"],
            thresholds=form.thresholds(),
            actor=principal,
        )
    except ApplicationError as exc:
        for field, problems in exc.fields.items():
            name = field.split(".", 1)[-1]
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _rules(request, principal, bound=form, status=exc.status)
    messages.success(request, _("Rule %(name)s is saved.") % {"name": rule.title})
    return redirect(f"{reverse('supervision:rule_list')}#rule-{rule.code}")
