"""Citizens' complaints about offices."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.supervision.states import ComplaintOutcome, ComplaintStatus, RefundStatus

# C-<province>-<Jalali year>-<sequence within the province and year>: C-23-1405-00007.
COMPLAINT_NUMBER_PATTERN = r"^C-[0-9]{2}-[0-9]{4}-[0-9]{5}$"
COMPLAINT_NUMBER_LENGTH = 15
COMPLAINT_TEXT_MAX = 2000
# The keyed hash of the citizen's mobile (HMAC-SHA256, hex): what a tracking look-up compares against.
MOBILE_KEY_LENGTH = 64
REFERENCE_MAX = 64


class ComplaintCategory(models.TextChoices):
    """What a citizen complains of."""

    OVERCHARGING = "overcharging", _("Charged more than the tariff")
    REFUSED_SERVICE = "refused_service", _("Refused a service")
    ABSENT = "absent", _("Closed or absent in working hours")
    CONDUCT = "conduct", _("Rude conduct")
    OTHER = "other", _("Something else")


class Complaint(models.Model):
    """A citizen's complaint about an office, from the office's licence page, and its handling.

    The citizen is not identified: a mobile for a reply is optional, kept masked for display, sealed
    (encrypted with keys outside the database) for the reply, and as a keyed hash (``mobile_key``) so
    that the tracking page can match the mobile a citizen types without reading it back.

    The directorate of the office's province owes an answer by ``answer_due_at`` (received +
    ``PISHKHAN_COMPLAINT_ANSWER_DAYS``); past it, the worker sets ``escalated_at`` and the complaint
    shows on the regulator's queue too. ``answered_*`` hold the answer (texted by the worker, which
    fills ``answer_sms_sent_at``), ``closed_*`` the outcome and the reason. An overcharge complaint
    closed as upheld may order a refund (``refund_*``) that the office confirms by ``refund_due_at``;
    past it, the worker sets ``refund_overdue_at``.
    """

    number = models.CharField(_("number"), max_length=COMPLAINT_NUMBER_LENGTH, unique=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    category = models.CharField(_("category"), max_length=16, choices=ComplaintCategory.choices)
    description = models.TextField(_("description"), max_length=COMPLAINT_TEXT_MAX)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=11, blank=True)
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True)
    mobile_key = models.CharField(_("mobile (keyed hash)"), max_length=MOBILE_KEY_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    answer_due_at = models.DateTimeField(_("answer due"))
    escalated_at = models.DateTimeField(_("escalated to the regulator"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("taken under review"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    answer = models.TextField(_("answer"), max_length=COMPLAINT_TEXT_MAX, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=150, blank=True)
    answer_sms_sent_at = models.DateTimeField(_("answer texted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    # Blank on complaints closed before outcomes were recorded; closing now requires one.
    outcome = models.CharField(_("outcome"), max_length=16, choices=ComplaintOutcome.choices, blank=True)
    refund_status = models.CharField(
        _("refund"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.NONE
    )
    refund_amount = models.BigIntegerField(_("refund (rials)"), null=True, blank=True)
    refund_ordered_at = models.DateTimeField(_("refund ordered"), null=True, blank=True)
    refund_due_at = models.DateTimeField(_("refund due"), null=True, blank=True)
    refund_overdue_at = models.DateTimeField(_("refund flagged overdue"), null=True, blank=True)
    refund_confirmed_at = models.DateTimeField(_("refund confirmed"), null=True, blank=True)
    refund_confirmed_by = models.CharField(_("refund confirmed by"), max_length=150, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=REFERENCE_MAX, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="supervision_complaint_status"),
            models.Index(fields=["office", "-created_at"], name="supervision_complaint_office"),
            models.Index(fields=["status", "answer_due_at"], name="supervision_complaint_due"),
            models.Index(fields=["refund_status", "refund_due_at"], name="supervision_complaint_refund"),
            models.Index(fields=["number", "mobile_key"], name="supervision_complaint_track"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=COMPLAINT_NUMBER_PATTERN), name="supervision_complaint_number_shape"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ComplaintStatus.values), name="supervision_complaint_status_known"
            ),
            models.CheckConstraint(
                condition=Q(category__in=ComplaintCategory.values),
                name="supervision_complaint_category_known",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="supervision_complaint_described"),
            # A closed complaint says when and why; an open one has neither.
            models.CheckConstraint(
                condition=Q(status=ComplaintStatus.CLOSED, closed_at__isnull=False) & ~Q(close_reason="")
                | (~Q(status=ComplaintStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="supervision_complaint_closed_with_reason",
            ),
            # Never a mobile in clear: the mask shows four and four digits, the rest is sealed.
            models.CheckConstraint(
                condition=Q(mobile_masked="") | Q(mobile_masked__regex=r"^09[0-9]{2}\*\*\*[0-9]{4}$"),
                name="supervision_complaint_mobile_masked",
            ),
            models.CheckConstraint(
                condition=Q(mobile_key="") | Q(mobile_key__regex=r"^[0-9a-f]{64}$"),
                name="supervision_complaint_mobile_key_shape",
            ),
            # An answered or closed-after-answer complaint has its answer; an unanswered one has none.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="")
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="supervision_complaint_answer_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status=ComplaintStatus.ANSWERED) | Q(answered_at__isnull=False),
                name="supervision_complaint_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(outcome="")
                | Q(status=ComplaintStatus.CLOSED, outcome__in=ComplaintOutcome.values),
                name="supervision_complaint_outcome_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(refund_status__in=RefundStatus.values), name="supervision_complaint_refund_known"
            ),
            # A refund is an amount in rials, ordered on an overcharge upheld (in whole or part) and
            # closed; a confirmed one has its reference.
            models.CheckConstraint(
                condition=Q(
                    refund_status=RefundStatus.NONE, refund_amount__isnull=True, refund_due_at__isnull=True
                )
                | (
                    ~Q(refund_status=RefundStatus.NONE)
                    & Q(
                        refund_amount__gt=0,
                        refund_due_at__isnull=False,
                        refund_ordered_at__isnull=False,
                        category=ComplaintCategory.OVERCHARGING,
                        status=ComplaintStatus.CLOSED,
                        outcome__in=[ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY_UPHELD],
                    )
                ),
                name="supervision_complaint_refund_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(refund_status=RefundStatus.CONFIRMED)
                | (Q(refund_confirmed_at__isnull=False) & ~Q(refund_reference="")),
                name="supervision_complaint_refund_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"
