"""Inspections of offices: the regulator's checklist (data, versioned), the visits planned or drawn at
random, each item's result and the photos that are its evidence.

A checklist version is a set of rows: changing the checklist publishes a new version, and every
inspection keeps the version it was planned with, so an old visit's score is read against the items
its inspector saw. Photos are stored under a random name below ``PISHKHAN_INSPECTION_PHOTO_DIR``
(the data directory, outside anything served) and streamed only by a view that checks who asks.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pishkhan.common.sealed_storage import SealedFileSystemStorage
from pishkhan.supervision.states import InspectionStatus

ITEM_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
WEIGHT_MAX = 10
ITEM_TEXT_MAX = 300
NOTE_MAX = 1000
SOURCE_PATTERN = r"^(complaint:C-[0-9]{2}-[0-9]{4}-[0-9]{5}|alert:[0-9]{1,12})$"
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


class ChecklistVersion(models.Model):
    """One published version of the inspection checklist; its items never change once published."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")

    def __str__(self) -> str:
        return f"v{self.number}"


class ChecklistItem(models.Model):
    """One thing an inspector checks, with its weight in the score (1–10)."""

    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="items", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"))
    text_fa = models.CharField(_("text (Persian)"), max_length=ITEM_TEXT_MAX)
    text_en = models.CharField(_("text (English)"), max_length=ITEM_TEXT_MAX)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["version_id", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="supervision_item_code_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=ITEM_CODE_PATTERN), name="supervision_item_code_shape"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=WEIGHT_MAX), name="supervision_item_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} (v{self.version_id})"

    @property
    def text(self) -> str:
        """The item in the active language (Persian unless English is active)."""
        return self.text_en if (get_language() or "fa").startswith("en") and self.text_en else self.text_fa


class PlannedHow(models.TextChoices):
    """How a visit came to be planned."""

    DIRECTORATE = "directorate", _("Planned by the directorate")
    RANDOM = "random", _("Drawn at random")


class InspectionDraw(models.Model):
    """A random draw of visits in a province for a Jalali quarter: its seed makes it reproducible."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    quarter = models.CharField(_("quarter"), max_length=7)  # 1405-Q3
    seed = models.BigIntegerField(_("seed"))
    requested = models.PositiveSmallIntegerField(_("visits asked for"))
    candidates = models.PositiveIntegerField(_("offices that could be drawn"))
    risky = models.PositiveIntegerField(_("of which risky"))
    drawn_at = models.DateTimeField(_("drawn"), default=timezone.now)
    drawn_by = models.CharField(_("drawn by"), max_length=150)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = _("inspection draw")
        verbose_name_plural = _("inspection draws")
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^[0-9]{4}-Q[1-4]$"), name="supervision_draw_quarter_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.quarter} #{self.pk}"


class Inspection(models.Model):
    """A visit to an office by an inspector, against one checklist version, and its score once submitted."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    checklist = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist version")
    )
    planned_for = models.DateField(_("planned for"))
    planned_how = models.CharField(_("planned how"), max_length=12, choices=PlannedHow.choices)
    draw = models.ForeignKey(
        InspectionDraw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("draw"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    source = models.CharField(_("opened from"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    planned_at = models.DateTimeField(_("planned at"), default=timezone.now)
    planned_by = models.CharField(_("planned by"), max_length=150)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("overall note"), max_length=NOTE_MAX, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    review_note = models.TextField(_("review note"), max_length=NOTE_MAX, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-planned_for", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            models.Index(fields=["province", "status", "-planned_for"], name="supervision_insp_province"),
            models.Index(fields=["inspector", "status", "-planned_for"], name="supervision_insp_inspector"),
            models.Index(fields=["office", "-planned_for"], name="supervision_insp_office"),
            models.Index(fields=["status", "submitted_at"], name="supervision_insp_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InspectionStatus.values), name="supervision_insp_status_known"
            ),
            models.CheckConstraint(
                condition=Q(planned_how__in=PlannedHow.values), name="supervision_insp_how_known"
            ),
            # A drawn visit names its draw; a planned one has none.
            models.CheckConstraint(
                condition=Q(planned_how=PlannedHow.RANDOM, draw__isnull=False)
                | Q(planned_how=PlannedHow.DIRECTORATE, draw__isnull=True),
                name="supervision_insp_draw_matches_how",
            ),
            models.CheckConstraint(
                condition=Q(source="") | Q(source__regex=SOURCE_PATTERN), name="supervision_insp_source_shape"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="supervision_insp_score_range",
            ),
            # A submitted (or reviewed) visit says when; a cancelled one why.
            models.CheckConstraint(
                condition=~Q(status__in=[InspectionStatus.SUBMITTED, InspectionStatus.REVIEWED])
                | Q(submitted_at__isnull=False),
                name="supervision_insp_submitted_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=InspectionStatus.CANCELLED)
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="supervision_insp_cancelled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"inspection {self.pk} ({self.status})"

    @property
    def score_display(self) -> int | None:
        """The score rounded to a whole number, or None before submission or with nothing applicable."""
        return None if self.score is None else round(self.score)


class ItemOutcome(models.TextChoices):
    """An item's result."""

    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionResult(models.Model):
    """One checklist item's result in one inspection."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    outcome = models.CharField(_("outcome"), max_length=4, choices=ItemOutcome.choices)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["inspection_id", "item__position", "id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="supervision_result_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=ItemOutcome.values), name="supervision_result_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}={self.outcome}"


class PhotoStorage(SealedFileSystemStorage):
    """The photos' directory, ``PISHKHAN_INSPECTION_PHOTO_DIR``, read from the settings at each use (so
    that a test, or a deployment that moves it, is followed). It has no URL: nothing serves it. Photos
    are sealed on disk with the sealing keys and unsealed when a checked view streams them."""

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PISHKHAN_INSPECTION_PHOTO_DIR)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("inspection photos have no public URL; they are streamed by a checked view")


def _photo_storage() -> SealedFileSystemStorage:
    """The photos' storage (a callable, so that migrations name it rather than freeze a path)."""
    return PhotoStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


def photo_upload_to(photo: InspectionPhoto, filename: str) -> str:
    """A random name (never the uploader's) with the detected type's extension, one folder per month."""
    extension = PHOTO_TYPES.get(photo.content_type, "bin")
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class InspectionPhoto(models.Model):
    """A photo taken as evidence for one item of an inspection: JPEG or PNG, checked by its content."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="photos", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    file = models.FileField(_("file"), upload_to=photo_upload_to, storage=_photo_storage, max_length=200)
    content_type = models.CharField(_("content type"), max_length=16)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)

    class Meta:
        ordering = ["inspection_id", "uploaded_at", "id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=sorted(PHOTO_TYPES)), name="supervision_photo_type_known"
            ),
        ]

    def __str__(self) -> str:
        return f"photo {self.pk} of inspection {self.inspection_id}"
