"""Inactivity campaigns (ADR 0008): a campaign, and each licence's case in it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.licensing.states import LicenceStatus
from pishkhan.supervision.states import CampaignStatus, CaseOutcome, Criterion

# IC-<Jalali year>-<sequence within the year>: IC-1405-001.
CAMPAIGN_NUMBER_PATTERN = r"^IC-[0-9]{4}-[0-9]{3}$"
CAMPAIGN_NUMBER_LENGTH = 11


class InactivityCampaign(models.Model):
    """One campaign of the regulator: its criteria, its grace period, and when it was started and closed.

    The criteria are kept as started (``never_activated_days``, ``idle_days``: 0 means the criterion
    was off; ``province``: the campaign's reach, null for the whole country). ``respond_by`` is when the
    grace period ends: the notices' response window. Only one campaign is open at a time.
    """

    number = models.CharField(_("number"), max_length=CAMPAIGN_NUMBER_LENGTH, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.NOTICED
    )
    never_activated_days = models.PositiveIntegerField(_("days without activation"))
    idle_days = models.PositiveIntegerField(_("days without transactions"))
    province = models.ForeignKey(
        "geo.Province",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("province"),
    )
    grace_days = models.PositiveIntegerField(_("grace period (days)"))
    basis = models.TextField(_("legal basis"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.CharField(_("started by"), max_length=150)
    respond_by = models.DateTimeField(_("grace period ends"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("inactivity campaign")
        verbose_name_plural = _("inactivity campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=CAMPAIGN_NUMBER_PATTERN), name="supervision_campaign_number_shape"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="supervision_campaign_status_known"
            ),
            # The database itself keeps two campaigns from being open at once (two starts racing).
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=CampaignStatus.NOTICED),
                name="supervision_campaign_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status=CampaignStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=CampaignStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="supervision_campaign_closed_iff_closed_at",
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gte=F("started_at")), name="supervision_campaign_grace_after_start"
            ),
            models.CheckConstraint(
                condition=Q(never_activated_days__gt=0) | Q(idle_days__gt=0),
                name="supervision_campaign_some_criterion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Whether its cases are still being concluded."""
        return self.status == CampaignStatus.NOTICED


class CampaignCase(models.Model):
    """One licence in a campaign: the evidence when it was frozen, its notice, and its outcome.

    The evidence (state, dates, last transaction, last heartbeat, days idle, criterion) is what the
    regulator saw on starting the campaign; whether the office showed activity afterwards is read
    again when the case is concluded. ``proceeding`` is the notice served on the licence (licensing).
    """

    campaign = models.ForeignKey(
        InactivityCampaign, on_delete=models.PROTECT, related_name="cases", verbose_name=_("campaign")
    )
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, related_name="+", verbose_name=_("licence")
    )
    proceeding = models.OneToOneField(
        "licensing.Proceeding", on_delete=models.PROTECT, related_name="+", verbose_name=_("proceeding")
    )
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices)
    licence_status = models.CharField(_("licence's state then"), max_length=12, choices=LicenceStatus.choices)
    issued_on = models.DateField(_("issued on"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    last_transaction_at = models.DateTimeField(_("last transaction"), null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    days_idle = models.PositiveIntegerField(_("days idle"))
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    notice_to = models.CharField(_("notice sent to (masked)"), max_length=11, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=CaseOutcome.choices, default=CaseOutcome.PENDING
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome's grounds"), blank=True)

    class Meta:
        ordering = ["campaign_id", "province_id", "id"]
        verbose_name = _("campaign case")
        verbose_name_plural = _("campaign cases")
        indexes = [
            models.Index(fields=["campaign", "outcome"], name="supervision_case_outcome"),
            models.Index(fields=["campaign", "province"], name="supervision_case_province"),
            # The notices still to send, found without reading the sent ones.
            models.Index(
                fields=["campaign"], condition=Q(notice_sent_at__isnull=True), name="supervision_case_unsent"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "licence"], name="supervision_case_one_per_licence"),
            models.CheckConstraint(
                condition=Q(outcome__in=CaseOutcome.values), name="supervision_case_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(criterion__in=Criterion.values), name="supervision_case_criterion_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome=CaseOutcome.PENDING, outcome_at__isnull=True)
                | (~Q(outcome=CaseOutcome.PENDING) & Q(outcome_at__isnull=False)),
                name="supervision_case_outcome_iff_outcome_at",
            ),
            # Revoked only after its notice went out.
            models.CheckConstraint(
                condition=~Q(outcome=CaseOutcome.REVOKED) | Q(notice_sent_at__isnull=False),
                name="supervision_case_revoked_after_notice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.licence_id} ({self.outcome})"
