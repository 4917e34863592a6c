"""Supervision's rules (data the regulator edits), the alerts they raise, and the evaluator's cursor.

A rule's thresholds are named numbers, each checked against its range (``supervision.rulebook``). An
alert is one finding about one office, kept while it is open or acknowledged: the same finding again
(the same rule, office and dedupe key) folds into it, a count and a last-seen time, never a second
row; a partial unique constraint makes that so even between two writers. The cursor remembers the last
counter transaction the evaluator read.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.supervision.states import ALERT_LIVE_STATES, AlertStatus, Severity

RULE_CODE_MAX = 32
DEDUPE_KEY_MAX = 100
# Tracking codes an alert keeps as its evidence; past this only the count grows.
EVIDENCE_CAP = 50


# The rules' names in the reader's language (the row's ``name`` is the regulator's English label).
RULE_TITLES = {
    "overcharge": _("Fee charged above the tariff"),
    "off_hours": _("Transaction outside opening hours"),
    "abnormal_volume": _("Abnormal volume"),
    "repeat_citizen": _("The same citizen many times a day"),
    "undeliverable_service": _("Service the office may not deliver"),
    "offline_in_hours": _("Offline in opening hours"),
    "licence_not_in_force": _("Licence not in force"),
    "long_waits": _("Long queue waits"),
}


class Rule(models.Model):
    """One of supervision's rules: whether it runs, how severe its alerts are, and its thresholds."""

    code = models.CharField(_("code"), max_length=RULE_CODE_MAX, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING
    )
    # Named numbers, each within the range ``rulebook.THRESHOLDS`` gives it.
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="supervision_rule_severity_known"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="supervision_rule_code_given"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        """The rule's name in the reader's language."""
        return str(RULE_TITLES.get(self.code, self.name))


class Alert(models.Model):
    """A rule's finding about an office, and its handling."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("rule"))
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    # The office's province, copied: the queues of the 31 directorates are read by it.
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    # What the finding is about within its rule and office ("" for the office as a whole; a day, a
    # service, a citizen's day): repeats with the same key fold together.
    dedupe_key = models.CharField(_("dedupe key"), max_length=DEDUPE_KEY_MAX, blank=True)
    # {"transactions": [tracking codes, at most EVIDENCE_CAP], "figures": {name: number or text}}
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("count"), default=1)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)
    # The note of a resolution, or the reason of a dismissal.
    close_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["province", "status", "-last_seen"], name="supervision_alert_province"),
            models.Index(fields=["office", "-last_seen"], name="supervision_alert_office"),
            models.Index(fields=["status", "-last_seen"], name="supervision_alert_status"),
            models.Index(fields=["first_seen"], name="supervision_alert_first_seen"),
        ]
        constraints = [
            # One live alert per finding: a repeat folds into it (services.alerts.alert_raise).
            models.UniqueConstraint(
                fields=["rule", "office", "dedupe_key"],
                condition=Q(status__in=ALERT_LIVE_STATES),
                name="supervision_alert_live_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values), name="supervision_alert_status_known"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="supervision_alert_severity_known"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="supervision_alert_count_positive"),
            # A resolved or dismissed alert says when and why; a live one has neither.
            models.CheckConstraint(
                condition=Q(status__in=ALERT_LIVE_STATES, closed_at__isnull=True)
                | (~Q(status__in=ALERT_LIVE_STATES) & Q(closed_at__isnull=False) & ~Q(close_note="")),
                name="supervision_alert_closed_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.office_id}:{self.dedupe_key} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in ALERT_LIVE_STATES

    @property
    def tracking_codes(self) -> list[str]:
        return list((self.evidence or {}).get("transactions", []))

    @property
    def figures(self) -> dict:
        return dict((self.evidence or {}).get("figures", {}))


class AlertCursor(models.Model):
    """Where the alert evaluator stands in the counter's transactions: one row, ``name="counter"``.

    ``last_id`` is the id of the last transaction read. ``pending`` holds ids below it that were not
    yet committed when it moved past them (ids are taken at insert, rows appear at commit), each with
    when it was first missed, so that a late commit is still read; a gap left by a rolled-back insert is
    forgotten after a while.
    """

    name = models.CharField(max_length=32, unique=True)
    last_id = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alert cursor")
        verbose_name_plural = _("alert cursors")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"
