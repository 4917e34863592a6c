"""Planning's tables: where people are and how much they need offices (``DemandPoint``), each
coverage computation with its per-county results (``CoverageRun``, ``CountyCoverage``), and the
proposed plan of new offices per province (``Plan``).

Demand points are rebuilt whole by ``planning_demand_build``; coverage runs are kept (the latest is
read by the pages); a province's plans are replaced by each run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.TextChoices):
    """Whether people live in a city or in the countryside (and which office kind serves them)."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class DemandMethod(models.TextChoices):
    """How a demand point's place and population were found."""

    CITY = "city", _("City (real coordinates), share of the county's urban population")
    COUNTY_SEAT = "county_seat", _("County seat (estimated: no city with coordinates)")
    VILLAGE = "village", _("Village (real coordinates, GeoNames population)")
    ESTIMATED = "estimated", _("Estimated point inside the county, share of its rural population")


class DemandPoint(models.Model):
    """People at a place, and the transactions a year they are expected to bring to the counter."""

    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    place = models.ForeignKey(
        "geo.Place",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("place"),
    )
    name = models.CharField(_("name"), max_length=80)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"))
    setting = models.CharField(_("setting"), max_length=8, choices=Setting.choices)
    estimated = models.BooleanField(_("estimated"), default=False)
    method = models.CharField(_("method"), max_length=16, choices=DemandMethod.choices)
    rate = models.FloatField(_("transactions per person a year"))
    demand = models.FloatField(_("transactions a year"))
    # Filled by the latest coverage run: the nearest office in force of the kind serving this point.
    nearest_km = models.FloatField(_("nearest office (km)"), null=True, blank=True)
    covered = models.BooleanField(_("covered"), default=False)

    class Meta:
        ordering = ["county__code", "-population"]
        verbose_name = _("demand point")
        verbose_name_plural = _("demand points")
        indexes = [models.Index(fields=["province", "setting"], name="planning_demand_prov_setting")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="planning_demand_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.population})"


class CoverageRun(models.Model):
    """One computation of coverage over every demand point, with the settings it used."""

    computed_at = models.DateTimeField(_("computed at"))
    urban_km = models.FloatField(_("urban threshold (km)"))
    rural_km = models.FloatField(_("rural threshold (km)"))
    office_capacity = models.PositiveIntegerField(_("transactions a year one office serves"))
    rate_source = models.CharField(_("source of the use rates"), max_length=16)
    demand_points = models.PositiveIntegerField(_("demand points"))
    seconds = models.FloatField(_("seconds"))

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("coverage run")
        verbose_name_plural = _("coverage runs")

    def __str__(self) -> str:
        return f"coverage {self.computed_at:%Y-%m-%d %H:%M}"


class Served(models.TextChoices):
    """A county's capacity of offices against the demand on them."""

    UNDER = "under", _("Under-served")
    BALANCED = "balanced", _("Balanced")
    OVER = "over", _("Over-served")


class CountyCoverage(models.Model):
    """A county's results in a coverage run (provinces' are their sums)."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="counties")
    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("geo.County", on_delete=models.PROTECT, related_name="+")
    urban_population = models.PositiveIntegerField(default=0)
    urban_covered = models.PositiveIntegerField(default=0)
    rural_population = models.PositiveIntegerField(default=0)
    rural_covered = models.PositiveIntegerField(default=0)
    pishkhan_offices = models.PositiveIntegerField(default=0)
    ict_offices = models.PositiveIntegerField(default=0)
    demand = models.FloatField(default=0.0)
    capacity = models.FloatField(default=0.0)
    served = models.CharField(max_length=8, choices=Served.choices)

    class Meta:
        ordering = ["county__code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="planning_county_coverage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} in {self.run_id}"

    @property
    def population(self) -> int:
        return self.urban_population + self.rural_population

    @property
    def offices(self) -> int:
        return self.pishkhan_offices + self.ict_offices


class PlanStatus(models.TextChoices):
    """The optimiser's answer (``optimisation.Result.status``)."""

    OPTIMAL = "optimal", _("Optimal")
    TIME_LIMIT = "time_limit", _("Time limit reached")
    GREEDY = "greedy", _("Greedy (with its bound)")


class Plan(models.Model):
    """A proposed plan for a province and a setting: the new offices (MCLP) that cover the most
    people not yet covered, with the population covered before and after."""

    province = models.ForeignKey("geo.Province", on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(CoverageRun, on_delete=models.SET_NULL, null=True, related_name="plans")
    setting = models.CharField(_("setting"), max_length=8, choices=Setting.choices)
    created_at = models.DateTimeField(_("created at"))
    radius_km = models.FloatField(_("radius (km)"))
    budget = models.PositiveIntegerField(_("new offices"))
    # [{"id", "name", "county", "lat", "lon", "population", "estimated"}], in the optimiser's order.
    chosen = models.JSONField(_("chosen sites"), default=list)
    population = models.PositiveIntegerField(_("population"))
    covered_before = models.PositiveIntegerField(_("covered before"))
    covered_after = models.PositiveIntegerField(_("covered after"))
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices)
    bound = models.FloatField(_("bound"))
    gap = models.FloatField(_("gap"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"))

    class Meta:
        ordering = ["province__code", "setting"]
        constraints = [
            models.UniqueConstraint(fields=["province", "setting"], name="planning_plan_one_per_setting"),
        ]

    def __str__(self) -> str:
        return f"plan {self.province_id} {self.setting}"
