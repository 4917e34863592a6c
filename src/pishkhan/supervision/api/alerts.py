"""Rules and alerts in the API: ``alerts`` (read, acknowledge, resolve, dismiss) and ``rules`` (read;
the regulator changes them).

Alerts are routed to their office's province: a supervisor (``supervision.view``) reads the alerts of
their jurisdiction (a directorate and an inspector their province's, the regulator all); one outside
it is a 404. Acting on an alert needs ``supervision.alerts`` in its province. Rules are read by every
supervisor and changed by the regulator (``supervision.configure``): a threshold out of its range is a
422 naming it (``thresholds.<name>``), and nothing is changed.

No ``from __future__ import annotations`` here: ninja's ``@paginate`` wraps a view, and the wrapper
cannot resolve string annotations against this module.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from pishkhan.accounts.auth import api_auth
from pishkhan.accounts.permissions import Principal, require
from pishkhan.common.errors import PermissionDeniedError
from pishkhan.common.pagination import Pagination
from pishkhan.supervision import selectors, services
from pishkhan.supervision.models import Alert, Rule
from pishkhan.supervision.rulebook import THRESHOLDS
from pishkhan.supervision.schemas import LongText, ShortText

router = Router(auth=api_auth)

PAGE_SIZE = 50


class AlertListIn(Schema):
    office: ShortText | None = Field(None, description="office code, e.g. P23-0001")
    province: ShortText | None = Field(None, description="province code, two digits")
    rule: ShortText | None = Field(None, description="rule code, e.g. overcharge")
    severity: ShortText | None = Field(None, description="info, warning or critical")
    status: ShortText | None = Field(None, description="open, acknowledged, resolved or dismissed")


class AlertOut(Schema):
    """An alert: its rule, office, evidence (tracking codes and figures) and handling."""

    id: int
    rule: str = Field(description="rule code")
    rule_name: str
    office: str = Field(description="office code")
    office_name: str
    province: str = Field(description="province code")
    severity: str
    status: str
    count: int = Field(description="how many times the finding was seen (repeats fold into one alert)")
    first_seen: dt.datetime
    last_seen: dt.datetime
    transactions: list[str] = Field(description="tracking codes of the transactions that raised it (capped)")
    figures: dict[str, Any]
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    closed_at: dt.datetime | None
    closed_by: str
    note: str = Field(description="the resolution's note or the dismissal's reason")

    @staticmethod
    def resolve_rule(alert: Alert) -> str:
        return alert.rule.code

    @staticmethod
    def resolve_rule_name(alert: Alert) -> str:
        return alert.rule.title

    @staticmethod
    def resolve_office(alert: Alert) -> str:
        return alert.office.code

    @staticmethod
    def resolve_office_name(alert: Alert) -> str:
        return alert.office.name

    @staticmethod
    def resolve_province(alert: Alert) -> str:
        return alert.province.code

    @staticmethod
    def resolve_transactions(alert: Alert) -> list[str]:
        return alert.tracking_codes

    @staticmethod
    def resolve_figures(alert: Alert) -> dict[str, Any]:
        return alert.figures

    @staticmethod
    def resolve_note(alert: Alert) -> str:
        return alert.close_note


class ThresholdOut(Schema):
    value: float
    minimum: float
    maximum: float
    integer: bool


class RuleOut(Schema):
    """A rule: whether it runs, its alerts' severity, and its thresholds with their allowed ranges."""

    code: str
    name: str
    description: str
    enabled: bool
    severity: str
    thresholds: dict[str, ThresholdOut]
    updated_at: dt.datetime
    updated_by: str

    @staticmethod
    def of(rule: Rule) -> "RuleOut":
        values = dict(rule.thresholds or {})
        return RuleOut(
            code=rule.code,
            name=rule.title,
            description=rule.description,
            enabled=rule.enabled,
            severity=rule.severity,
            thresholds={
                name: ThresholdOut(
                    value=values.get(name, spec.default),
                    minimum=spec.minimum,
                    maximum=spec.maximum,
                    integer=spec.integer,
                )
                for name, spec in THRESHOLDS.get(rule.code, {}).items()
            },
            updated_at=rule.updated_at,
            updated_by=rule.updated_by,
        )


class RulePatchIn(Schema):
    """What to change; what is left out stays. ``thresholds``: some of the rule's named numbers."""

    enabled: bool | None = None
    severity: ShortText | None = Field(None, description="info, warning or critical")
    thresholds: dict[str, Any] | None = Field(None, description="name → number within its range")


class NoteIn(Schema):
    note: LongText = Field(description="what was found and done (required)")


class ReasonIn(Schema):
    reason: LongText = Field(description="why the alert is not a problem (required)")


def _principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scope(principal: Principal) -> dict[str, str]:
    scope = selectors.alert_scope(principal)
    if scope is None:
        raise PermissionDeniedError(_("You may not see alerts."))
    return scope


def _alert(principal: Principal, alert_id: int) -> Alert:
    return selectors.alert_get(pk=alert_id, scope=_scope(principal))


def _acting(principal: Principal, alert_id: int) -> Alert:
    alert = _alert(principal, alert_id)
    require(principal, "supervision.alerts", province=alert.province.code)
    return alert


@router.get("/alerts", response=list[AlertOut], summary="Alerts you may see", tags=["alerts"])
@paginate(Pagination, page_size=PAGE_SIZE)
def alert_list(request: HttpRequest, filters: Query[AlertListIn]):
    """Alerts of your jurisdiction, the latest seen first, filtered by office, province, rule,
    severity and state (422 naming a malformed filter)."""
    principal = _principal(request)
    require(principal, "supervision.view")
    return selectors.alert_list(scope=_scope(principal), **filters.model_dump())


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One alert", tags=["alerts"])
def alert_detail(request: HttpRequest, alert_id: int) -> Alert:
    """The alert with its evidence and handling; 404 outside your jurisdiction."""
    principal = _principal(request)
    require(principal, "supervision.view")
    return _alert(principal, alert_id)


@router.post(
    "/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert", tags=["alerts"]
)
def alert_acknowledge(request: HttpRequest, alert_id: int) -> Alert:
    """Someone is on it (an open alert only: 409 otherwise); repeats still fold into it."""
    principal = _principal(request)
    alert = services.alert_acknowledge(alert=_acting(principal, alert_id), actor=principal)
    return _alert(principal, alert.pk)


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, summary="Resolve an alert", tags=["alerts"])
def alert_resolve(request: HttpRequest, alert_id: int, payload: NoteIn) -> Alert:
    """Resolve an open or acknowledged alert with a note (422 without one; 409 once closed)."""
    principal = _principal(request)
    services.alert_resolve(alert=_acting(principal, alert_id), note=payload.note, actor=principal)
    return _alert(principal, alert_id)


@router.post("/alerts/{alert_id}/dismiss", response=AlertOut, summary="Dismiss an alert", tags=["alerts"])
def alert_dismiss(request: HttpRequest, alert_id: int, payload: ReasonIn) -> Alert:
    """Dismiss an open or acknowledged alert as a false alarm, with the reason (422 without one)."""
    principal = _principal(request)
    services.alert_dismiss(alert=_acting(principal, alert_id), reason=payload.reason, actor=principal)
    return _alert(principal, alert_id)


@router.get("/rules", response=list[RuleOut], summary="Supervision's rules", tags=["alerts"])
def rule_list(request: HttpRequest) -> list[RuleOut]:
    """Every rule with its state, severity and thresholds (each with its allowed range)."""
    require(_principal(request), "supervision.view")
    return [RuleOut.of(rule) for rule in selectors.rule_list()]


@router.patch("/rules/{code}", response=RuleOut, summary="Change a rule (regulator)", tags=["alerts"])
def rule_update(request: HttpRequest, code: str, payload: RulePatchIn) -> RuleOut:
    """Enable or disable a rule, set its severity, change some thresholds. A value out of its range is
    a 422 naming it (``thresholds.z_own``), and nothing is changed."""
    principal = _principal(request)
    require(principal, "supervision.configure")
    rule = services.rule_update(
        code=code,
        actor=principal,
        enabled=payload.enabled,
        severity=payload.severity,
        thresholds=payload.thresholds,
    )
    return RuleOut.of(rule)
