"""Planning's tables: where people are and how much they need offices (``DemandPoint``), each
coverage computation with its per-county results (``CoverageRun``, ``CountyCoverage``), and the
proposed plan of new offices per province (``Plan``).

Demand points are rebuilt whole by ``planning_demand_build``; coverage runs are kept (the latest is
read by the pages); a province's plans are replaced by each run.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.planning.states import ItemStatus, MemberRole, SessionStatus, VoteChoice


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


# --- Working groups (docs/planning.md, "Working groups") -------------------------------------------


class WorkingGroup(models.Model):
    """A province's working group: it assesses how many offices the province's counties need and
    decides their quotas."""

    province = models.OneToOneField(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["province__code"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return f"working group {self.province_id}"


class Member(models.Model):
    """A person sitting in a working group, in a role; a member who left is kept (``active`` off) so
    that past attendance and votes still name them."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role in the group"), max_length=12, choices=MemberRole.choices)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["group_id", "role", "id"]
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="planning_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


class Session(models.Model):
    """A meeting of a working group: scheduled, opened with its attendance, closed with its minutes."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField(_("number"))
    scheduled_at = models.DateTimeField(_("scheduled for"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.CharField(_("scheduled by"), max_length=150)

    class Meta:
        ordering = ["group_id", "-number"]
        verbose_name = _("working group session")
        verbose_name_plural = _("working group sessions")
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="planning_session_number_once"),
        ]

    def __str__(self) -> str:
        return f"session {self.number} of {self.group_id}"


class Attendance(models.Model):
    """A member present at a session (only they vote)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["session_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="planning_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.session_id}"


class AgendaItem(models.Model):
    """One item of a session's agenda. A quota item proposes the most Pishkhan and rural ICT offices
    a county may have in force; carried, those become the county's quotas (licensing)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    county = models.ForeignKey(
        "geo.County",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("county"),
    )
    pishkhan_quota = models.PositiveIntegerField(_("Pishkhan offices"), null=True, blank=True)
    ict_quota = models.PositiveIntegerField(_("rural ICT offices"), null=True, blank=True)
    # What the agenda was generated from: {"served", "proposed_urban", "proposed_rural",
    # "pending_pishkhan", "pending_ict", "in_force_pishkhan", "in_force_ict", "conversions_due",
    # "quota_pishkhan", "quota_ict"} (absent keys: not known).
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The quotas before the decision, {"pishkhan": n | None, "ict": n | None}: what a return restores.
    quotas_before = models.JSONField(_("quotas before"), default=dict, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    return_reason = models.TextField(_("reason for the return"), blank=True)

    class Meta:
        ordering = ["session_id", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="planning_item_number_once"),
        ]

    def __str__(self) -> str:
        return f"item {self.number} of {self.session_id}"

    @property
    def is_quota(self) -> bool:
        return self.county_id is not None


class Vote(models.Model):
    """A present member's vote on an item: one each, changeable until the item is decided."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(_("cast at"))

    class Meta:
        ordering = ["item_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="planning_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.choice} on {self.item_id}"
