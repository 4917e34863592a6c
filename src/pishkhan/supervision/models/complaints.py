"""Citizens' complaints about offices."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.supervision.states import ComplaintStatus

# C-<province>-<Jalali year>-<sequence within the province and year>: C-23-1405-00007.
COMPLAINT_NUMBER_PATTERN = r"^C-[0-9]{2}-[0-9]{4}-[0-9]{5}$"
COMPLAINT_NUMBER_LENGTH = 15
COMPLAINT_TEXT_MAX = 2000


class ComplaintCategory(models.TextChoices):
    """What a citizen complains of."""

    OVERCHARGING = "overcharging", _("Charged more than the tariff")
    REFUSED_SERVICE = "refused_service", _("Refused a service")
    ABSENT = "absent", _("Closed or absent in working hours")
    CONDUCT = "conduct", _("Rude conduct")
    OTHER = "other", _("Something else")


class Complaint(models.Model):
    """A citizen's complaint about an office, from the office's licence page, and its handling.

    The citizen is not identified: a mobile for a reply is optional, kept masked for display and
    sealed (encrypted with keys outside the database) for the reply. ``reviewed_*`` and ``closed_*``
    record who took it under review and who closed it, with the reason given to the citizen.
    """

    number = models.CharField(_("number"), max_length=COMPLAINT_NUMBER_LENGTH, unique=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    category = models.CharField(_("category"), max_length=16, choices=ComplaintCategory.choices)
    description = models.TextField(_("description"), max_length=COMPLAINT_TEXT_MAX)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=11, blank=True)
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("taken under review"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="supervision_complaint_status"),
            models.Index(fields=["office", "-created_at"], name="supervision_complaint_office"),
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
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"
