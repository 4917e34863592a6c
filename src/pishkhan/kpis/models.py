"""The daily rollups of counter transactions, and the cursor of their upkeep.

One row per Tehran day of recording × office × service, with the grouping keys copied from the office
and the service (province, county, office kind, agency), so that a province's, an agency's or the
nation's figures are one GROUP BY over this small table and never a scan of the counter's.

Above the office, one level coarser: one row per Jalali month × county × service (``MonthRollup``),
the sums of that month's daily rows, kept with them by the same upkeep. At national volume most daily
office × service cells hold one or two transactions, so a year by province over the daily rows still
sums millions of rows; over the month rows it sums a few hundred thousand at most.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RollupFigures(models.Model):
    """The additive figures of a rollup cell, the same at every level: a coarser cell is the sum of
    its finer ones, field by field (``services.FIGURES`` names them)."""

    # Counts by the transactions' present state.
    total = models.PositiveIntegerField(_("transactions"), default=0)
    received = models.PositiveIntegerField(_("received"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    completed = models.PositiveIntegerField(_("completed"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    # Rials: as charged, the tariffs in force (where known), and the excess of the overcharged ones.
    fees_charged = models.BigIntegerField(_("fees charged (rials)"), default=0)
    fees_tariff = models.BigIntegerField(_("tariff fees (rials)"), default=0)
    overcharges = models.PositiveIntegerField(_("overcharged transactions"), default=0)
    overcharged = models.BigIntegerField(_("overcharged (rials)"), default=0)
    # Completed × the service's trips saved per delivery.
    trips_saved = models.BigIntegerField(_("trips saved"), default=0)
    # Σ (finished − recorded) of the completed ones, whole seconds.
    delivery_seconds = models.BigIntegerField(_("delivery time (seconds)"), default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupFigures):
    """What one office did for one service on one day (the Tehran day the office recorded it)."""

    day = models.DateField(_("day"))
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"), db_index=False
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service"),
        db_index=False,
    )
    # Copied from the office and the service when the row is computed (kpis_rebuild refreshes them).
    province = models.ForeignKey(
        "geo.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province"), db_index=False
    )
    county = models.ForeignKey(
        "geo.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county"), db_index=False
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agency"),
        db_index=False,
    )
    office_kind = models.CharField(_("office kind"), max_length=20)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["day", "office", "service"], name="kpis_rollup_cell"),
        ]
        indexes = [
            models.Index(fields=["province", "day"], name="kpis_rollup_province_day"),
            models.Index(fields=["county", "day"], name="kpis_rollup_county_day"),
            # The month cells' upkeep: a (county, service)'s days of a month.
            models.Index(fields=["county", "service", "day"], name="kpis_rollup_county_service"),
            models.Index(fields=["agency", "day"], name="kpis_rollup_agency_day"),
            models.Index(fields=["office", "day"], name="kpis_rollup_office_day"),
            models.Index(fields=["service", "day"], name="kpis_rollup_service_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.service_id}"


class MonthRollup(RollupFigures):
    """What the offices of one county did for one service in one Jalali month: the sums of the daily
    rollups of the month's days. ``month`` is the Gregorian date of the Jalali month's first day.

    The province and the agency are copied from the daily rows and are part of the cell, so the sums
    are those of the daily rows exactly even while a daily row still carries an office's or a
    service's former keys (``kpis_rebuild`` refreshes both levels); normally a cell is one row per
    month × county × service. The office kind is not kept: no measure groups by it."""

    month = models.DateField(_("Jalali month (its first day)"))
    county = models.ForeignKey(
        "geo.County", on_delete=models.CASCADE, related_name="+", verbose_name=_("county"), db_index=False
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service"),
        db_index=False,
    )
    province = models.ForeignKey(
        "geo.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province"), db_index=False
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agency"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "county", "service", "province", "agency"], name="kpis_month_cell"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "month"], name="kpis_month_province"),
            models.Index(fields=["county", "month"], name="kpis_month_county"),
            models.Index(fields=["agency", "month"], name="kpis_month_agency"),
            models.Index(fields=["service", "month"], name="kpis_month_service"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.county_id} {self.service_id}"


class RollupCursor(models.Model):
    """Where the rollups' upkeep stands in the counter's transaction events: one row, ``name="events"``.

    ``last_id`` is the last event read; ``pending`` the ids below it not yet committed when it moved
    past them (ids are taken at insert, rows appear at commit), each with when it was first missed, so
    that a late commit is still read; a gap left by a rolled-back insert is forgotten after a while.
    """

    name = models.CharField(max_length=32, unique=True)
    last_id = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rollup cursor")
        verbose_name_plural = _("rollup cursors")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"
