"""Sanctions with due process (ADR 0010): a case against an office's licence, and the regulation's
fine table kept as data.

A case mirrors, for supervision's lists and pages, the steps of the licensing ``Proceeding`` that
carries it (one-to-one, on the hearing track): licensing owns the proceeding and enforces the
measure; this row keeps the ground, the facts, the source (a complaint, an inspection, an alert), the
holder's answer, the proposal the ladder made, and when the notice's SMS went out.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.licensing.states import ProceedingMeasure
from pishkhan.supervision.states import SanctionStatus

# S-<province>-<Jalali year>-<sequence within the province and year>: S-23-1405-00007.
SANCTION_NUMBER_PATTERN = r"^S-[0-9]{2}-[0-9]{4}-[0-9]{5}$"
SANCTION_NUMBER_LENGTH = 15
# A source names what the case came from: complaint:C-23-1405-00007, inspection:12, alert:40.
SOURCE_PATTERN = r"^(complaint|inspection|alert):[A-Za-z0-9-]{1,40}$"
SOURCE_MAX = 64
# Basis points: 100 is one per cent of the office's revenue of the last twelve months.
BASIS_POINTS_MAX = 10_000


class SanctionGround(models.TextChoices):
    """What an office is sanctioned for."""

    OVERCHARGE = "overcharge", _("Charged more than the tariff")
    REFUND_NOT_MADE = "refund_not_made", _("Refund not made")
    INSPECTION_FAILURE = "inspection_failure", _("Failed an inspection")
    COMPLAINT_UPHELD = "complaint_upheld", _("Complaint upheld")
    ALERT = "alert", _("Supervision alert")
    OTHER = "other", _("Other breach")


class FineRule(models.Model):
    """One line of the regulation's table: for a ground and the offence's rank (1 the first, 2 the
    second within the repeat period …), the measure and its size.

    The line with the highest ``offence`` not above the case's rank applies: the last line of a ground
    covers every later offence. A fine is a fixed amount (rials) or a share of the office's revenue of
    the last twelve months (basis points); a suspension has its days.
    """

    ground = models.CharField(_("ground"), max_length=20, choices=SanctionGround.choices)
    offence = models.PositiveSmallIntegerField(_("offence"))
    measure = models.CharField(_("measure"), max_length=16, choices=ProceedingMeasure.choices)
    fine_rials = models.PositiveBigIntegerField(_("fine (rials)"), null=True, blank=True)
    fine_share_bp = models.PositiveIntegerField(_("fine (basis points of revenue)"), null=True, blank=True)
    suspension_days = models.PositiveIntegerField(_("suspension (days)"), null=True, blank=True)
    basis = models.TextField(_("legal basis"))

    class Meta:
        ordering = ["ground", "offence"]
        verbose_name = _("fine table line")
        verbose_name_plural = _("fine table")
        constraints = [
            models.UniqueConstraint(fields=["ground", "offence"], name="supervision_fine_rule_unique"),
            models.CheckConstraint(condition=Q(offence__gte=1), name="supervision_fine_rule_offence"),
            models.CheckConstraint(
                condition=Q(ground__in=SanctionGround.values), name="supervision_fine_rule_ground_known"
            ),
            # A fine has exactly one size (fixed or share); a suspension its days; nothing else has either.
            models.CheckConstraint(
                condition=(
                    Q(measure=ProceedingMeasure.FINE)
                    & (
                        Q(fine_rials__gt=0, fine_share_bp__isnull=True)
                        | Q(fine_rials__isnull=True, fine_share_bp__gt=0, fine_share_bp__lte=BASIS_POINTS_MAX)
                    )
                    & Q(suspension_days__isnull=True)
                )
                | (
                    Q(measure=ProceedingMeasure.SUSPENSION, suspension_days__gt=0)
                    & Q(fine_rials__isnull=True, fine_share_bp__isnull=True)
                )
                | (
                    Q(measure__in=[ProceedingMeasure.WARNING, ProceedingMeasure.REVOCATION])
                    & Q(fine_rials__isnull=True, fine_share_bp__isnull=True, suspension_days__isnull=True)
                ),
                name="supervision_fine_rule_sized",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ground} #{self.offence}: {self.measure}"


class SanctionCase(models.Model):
    """A sanction case against an office's licence and its steps: notice, remedy window, hearing,
    decision, appeal, enforcement (``SANCTION_TRANSITIONS``)."""

    number = models.CharField(_("number"), max_length=SANCTION_NUMBER_LENGTH, unique=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, related_name="+", verbose_name=_("licence")
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    # Set in the transaction that inserts the case (the proceeding names the case as its reference).
    proceeding = models.OneToOneField(
        "licensing.Proceeding",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proceeding"),
        null=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SanctionStatus.choices, default=SanctionStatus.NOTICED
    )
    ground = models.CharField(_("ground"), max_length=20, choices=SanctionGround.choices)
    facts = models.TextField(_("facts"))
    evidence = models.TextField(_("evidence"), blank=True)
    source = models.CharField(_("source"), max_length=SOURCE_MAX, blank=True)
    basis = models.TextField(_("legal basis"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.CharField(_("opened by"), max_length=150)
    # The ladder's proposal: the offence's rank and the table's line for it.
    offence = models.PositiveSmallIntegerField(_("offence"))
    proposed_measure = models.CharField(
        _("proposed measure"), max_length=16, choices=ProceedingMeasure.choices
    )
    proposed_fine_rials = models.PositiveBigIntegerField(_("proposed fine (rials)"), null=True, blank=True)
    proposed_suspension_days = models.PositiveIntegerField(
        _("proposed suspension (days)"), null=True, blank=True
    )
    # The notice: in the application at once, by SMS from the worker (masked number kept).
    remedy_by = models.DateTimeField(_("remedy window ends"))
    notice_sent_at = models.DateTimeField(_("notice SMS sent"), null=True, blank=True)
    notice_to = models.CharField(_("notice SMS sent to"), max_length=11, blank=True)
    # The holder's answer within the remedy window.
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("holder's answer"), blank=True)
    remedied_claimed = models.BooleanField(_("holder says remedied"), default=False)
    # The hearing.
    hearing_at = models.DateTimeField(_("hearing"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=300, blank=True)
    heard_at = models.DateTimeField(_("hearing held"), null=True, blank=True)
    minutes = models.TextField(_("hearing's minutes"), blank=True)
    # The decision.
    measure = models.CharField(_("measure"), max_length=16, choices=ProceedingMeasure.choices, blank=True)
    fine_rials = models.PositiveBigIntegerField(_("fine (rials)"), null=True, blank=True)
    suspension_days = models.PositiveIntegerField(_("suspension (days)"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_reason = models.TextField(_("decision's reason"), blank=True)
    appeal_by = models.DateTimeField(_("appeal window ends"), null=True, blank=True)
    # The appeal.
    appealed_at = models.DateTimeField(_("appealed"), null=True, blank=True)
    appeal_statement = models.TextField(_("appeal"), blank=True)
    appeal_decided_at = models.DateTimeField(_("appeal decided"), null=True, blank=True)
    appeal_decided_by = models.CharField(_("appeal decided by"), max_length=150, blank=True)
    appeal_accepted = models.BooleanField(_("appeal accepted"), null=True, blank=True)
    appeal_reason = models.TextField(_("appeal decision's reason"), blank=True)
    # The end: enforced, or closed without a measure.
    enforced_at = models.DateTimeField(_("enforced"), null=True, blank=True)
    enforced_by = models.CharField(_("enforced by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("sanction case")
        verbose_name_plural = _("sanction cases")
        indexes = [
            models.Index(fields=["province", "status", "-opened_at"], name="supervision_sanction_prov"),
            models.Index(fields=["office", "ground", "-decided_at"], name="supervision_sanction_office"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=SANCTION_NUMBER_PATTERN), name="supervision_sanction_number_shape"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SanctionStatus.values), name="supervision_sanction_status_known"
            ),
            models.CheckConstraint(
                condition=Q(ground__in=SanctionGround.values), name="supervision_sanction_ground_known"
            ),
            models.CheckConstraint(
                condition=Q(source="") | Q(source__regex=SOURCE_PATTERN),
                name="supervision_sanction_source_shape",
            ),
            models.CheckConstraint(condition=~Q(facts=""), name="supervision_sanction_facts"),
            # A decided case names its measure; an undecided one has none.
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, measure="")
                | Q(decided_at__isnull=False) & ~Q(measure=""),
                name="supervision_sanction_decided_measure",
            ),
            models.CheckConstraint(
                condition=Q(notice_to="") | Q(notice_to__regex=r"^09[0-9]{2}\*\*\*[0-9]{4}$"),
                name="supervision_sanction_notice_masked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status not in (SanctionStatus.ENFORCED, SanctionStatus.CLOSED)

    @property
    def source_kind(self) -> str:
        """What the case came from: complaint, inspection, alert ("" when opened directly)."""
        return self.source.partition(":")[0]

    @property
    def source_ref(self) -> str:
        """The source's own reference: a complaint's number, an inspection's or alert's id."""
        return self.source.partition(":")[2]
