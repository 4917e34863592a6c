"""Offices' monthly scores: the weights of their components (data the regulator edits) and each
office's score for a Jalali month, with what lowered it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A weight, a penalty per unit and a cap are each between 0 and this.
SCORE_MAX = 100


class ScoreComponent(models.TextChoices):
    """What an office's monthly score is made of; each has a figure per office for the month."""

    COMPLAINTS_UPHELD = "complaints_upheld", _("Upheld complaints")
    INSPECTIONS = "inspections", _("Inspection results")
    ALERTS = "alerts", _("Alerts, weighted by severity")
    AVAILABILITY = "availability", _("Availability in opening hours")
    OVERCHARGES = "overcharges", _("Overcharged transactions")
    RATINGS = "ratings", _("Citizens' ratings")


class ScoreMethod(models.TextChoices):
    """How a component's figure becomes its points out of 100."""

    # A count: 100 less ``per_unit`` points for each, at most ``cap`` points lost.
    PENALTY = "penalty", _("Penalty per unit, capped")
    # A share from 0 to 1 (availability): 100 times it.
    SHARE = "share", _("Share (0 to 1) as points")
    # A figure from 0 to 100 already (an inspection's score): itself.
    PERCENT = "percent", _("Points out of 100 as they are")
    # A mean of stars from 1 to 5 (ratings): 1 is 0 points, 5 is 100.
    STARS = "stars", _("Stars from 1 to 5")


class ScoreWeight(models.Model):
    """One component's weight in an office's score and how its figure maps to points.

    Weights are relative: an office's score is the weighted mean of the points of the components
    that have a figure for it, so a component without one (not yet built, or nothing known of the
    office) leaves its weight to the others. Seeded by a migration, edited by the regulator
    (``services.score_weights_set``).
    """

    component = models.CharField(_("component"), max_length=24, choices=ScoreComponent.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    method = models.CharField(_("how the figure counts"), max_length=12, choices=ScoreMethod.choices)
    per_unit = models.FloatField(_("points lost per unit"), default=0)
    cap = models.FloatField(_("at most points lost"), default=SCORE_MAX)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    updated_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("score weight")
        verbose_name_plural = _("score weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(component__in=ScoreComponent.values),
                name="supervision_scoreweight_component_known",
            ),
            models.CheckConstraint(
                condition=Q(method__in=ScoreMethod.values), name="supervision_scoreweight_method_known"
            ),
            models.CheckConstraint(
                condition=Q(weight__lte=SCORE_MAX), name="supervision_scoreweight_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(per_unit__gte=0, per_unit__lte=SCORE_MAX),
                name="supervision_scoreweight_per_unit_range",
            ),
            models.CheckConstraint(
                condition=Q(cap__gte=0, cap__lte=SCORE_MAX), name="supervision_scoreweight_cap_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.weight}"


class OfficeScore(models.Model):
    """An office's score (0–100) for a Jalali month, its rank in its province, and its breakdown.

    ``breakdown`` holds, per component: ``status`` (``scored``, ``no_data``, ``not_registered``,
    ``off``), ``figure``, ``points`` (out of 100), ``weight`` (as configured), ``share`` (its part of
    the score, in percent, after the weights of the components left out were shared out) and
    ``lost`` (the points of the score it cost). Provisional (``final`` false) until the month is
    closed; computed in bulk for every office at once (``services.scores_compute``).
    """

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank in the province"))
    breakdown = models.JSONField(_("breakdown"), default=dict)
    final = models.BooleanField(_("final"), default=False)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["province_id", "rank"]
        verbose_name = _("office score")
        verbose_name_plural = _("office scores")
        indexes = [
            models.Index(fields=["year", "month", "province", "rank"], name="supervision_score_ranking"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "month"], name="supervision_score_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=SCORE_MAX), name="supervision_score_range"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="supervision_score_month"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="supervision_score_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year}-{self.month:02d}: {self.score}"


class ScoreMonth(models.Model):
    """A month whose scores were computed: when, for how many offices, and whether it is closed
    (``final``: its scores no longer change). The worker's job reads it to know what is due."""

    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    final = models.BooleanField(_("final"), default=False)
    offices = models.PositiveIntegerField(_("offices scored"), default=0)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("scored month")
        verbose_name_plural = _("scored months")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="supervision_scoremonth_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="supervision_scoremonth_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"
