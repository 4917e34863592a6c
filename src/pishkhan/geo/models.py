"""Iran's administrative geography: provinces → counties → districts → places (cities and villages).

Reference data, loaded from the package's ``data/`` by :func:`pishkhan.geo.services.geo_load` and never
edited by users. Every unit carries its official Statistical Centre of Iran (SCI) code as a zero-padded
string; provenance and licences of each column are in ``data/README.md`` and ``data/NOTICE.md``.

``search_key`` holds the Persian and the English name folded by :func:`pishkhan.geo.search.name_key`
(one key per name, separated by a space, which no folded query can contain), so one indexed column
answers a search in either language.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Folded names are short (the longest village name is 42 characters); room for both languages.
SEARCH_KEY_LENGTH = 200


class Province(models.Model):
    """A province (استان), with its 2016 and 2011 census population and its boundary."""

    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("SCI code, 00–30"))
    iso_3166_2 = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    name_fa = models.CharField(_("Persian name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    population_2016 = models.PositiveIntegerField(_("population (2016 census)"))
    urban_2016 = models.PositiveIntegerField(_("urban population (2016)"))
    rural_2016 = models.PositiveIntegerField(_("rural population (2016)"))
    unsettled_2016 = models.PositiveIntegerField(_("non-settled population (2016)"))
    population_2011 = models.PositiveIntegerField(_("population (2011 census)"))
    capital_fa = models.CharField(_("capital (Persian)"), max_length=64)
    capital_en = models.CharField(_("capital (English)"), max_length=64)
    capital_city_code = models.CharField(_("capital's city code"), max_length=4)
    lat = models.FloatField(_("latitude of the capital"))
    lon = models.FloatField(_("longitude of the capital"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    centroid_lon = models.FloatField(_("centroid longitude"))
    area_km2 = models.PositiveIntegerField(_("area (km²)"))
    boundary = models.JSONField(_("boundary"), help_text=_("GeoJSON geometry (OpenStreetMap, ODbL)"))
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            models.CheckConstraint(
                condition=Q(urban_2016__lte=models.F("population_2016"))
                & Q(rural_2016__lte=models.F("population_2016")),
                name="geo_province_parts_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_fa}"


class County(models.Model):
    """A county (شهرستان) of the current (1402) official list.

    The 54 counties created after the 2016 census have no 2016 population; ``parent_code_2016`` names
    the county they were carved from. A split county's 2016 figures describe its 2016 extent.
    """

    code = models.CharField(_("code"), max_length=4, unique=True, help_text=_("province (2) + county (2)"))
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="counties", verbose_name=_("province")
    )
    name_fa = models.CharField(_("Persian name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64)
    population_2016 = models.PositiveIntegerField(_("population (2016 census)"), null=True, blank=True)
    urban_2016 = models.PositiveIntegerField(_("urban population (2016)"), null=True, blank=True)
    rural_2016 = models.PositiveIntegerField(_("rural population (2016)"), null=True, blank=True)
    population_2011 = models.PositiveIntegerField(_("population (2011 census)"), null=True, blank=True)
    seat_fa = models.CharField(_("seat"), max_length=64)
    seat_city_code = models.CharField(_("seat's city code"), max_length=4, blank=True)
    lat = models.FloatField(_("latitude of the seat"))
    lon = models.FloatField(_("longitude of the seat"))
    coord_source = models.CharField(_("source of the coordinates"), max_length=64)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lon = models.FloatField(_("centroid longitude"), null=True, blank=True)
    area_km2 = models.PositiveIntegerField(_("area (km²)"), null=True, blank=True)
    parent_code_2016 = models.CharField(_("2016 county it was carved from"), max_length=4, blank=True)
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("GeoJSON geometry (OpenStreetMap, ODbL); empty for the five counties OSM lacks"),
    )
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return f"{self.code} {self.name_fa}"


class District(models.Model):
    """A district (بخش): a part of a county, as numbered in the official code list."""

    code = models.CharField(
        _("code"), max_length=6, unique=True, help_text=_("province (2) + county (2) + district (2)")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="districts", verbose_name=_("county")
    )
    name_fa = models.CharField(_("Persian name"), max_length=64)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.code} {self.name_fa}"


class PlaceKind(models.TextChoices):
    """What a place is."""

    CITY = "city", _("city")
    VILLAGE = "village", _("village")


class AdminRole(models.TextChoices):
    """The administrative role of a city, if any."""

    NONE = "", _("none")
    PROVINCE_CAPITAL = "province_capital", _("province capital")
    COUNTY_SEAT = "county_seat", _("county seat")


class Place(models.Model):
    """A city (شهر) or a village (روستا).

    ``code`` is the official code: 10 digits for a city (province, county, district, city), 16 for a
    village. The 96 cities newer than the code list have none and are known by ``city_code``, the
    4-digit SCI city code that every city has. The county part of ``code`` is the county when the list
    was compiled; ``county`` is the current one (they differ for 44 cities). Villages carry names and
    codes only; 1,250 of them have GeoNames coordinates.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=PlaceKind.choices)
    code = models.CharField(_("code"), max_length=16, unique=True, null=True, blank=True)
    city_code = models.CharField(_("city code"), max_length=4, unique=True, null=True, blank=True)
    name_fa = models.CharField(_("Persian name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    admin_role = models.CharField(
        _("administrative role"), max_length=16, choices=AdminRole.choices, blank=True, default=""
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="places", verbose_name=_("county")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="places",
        null=True,
        blank=True,
        verbose_name=_("district"),
    )
    population_2016 = models.PositiveIntegerField(_("population (2016 census)"), null=True, blank=True)
    population_geonames = models.PositiveIntegerField(
        _("population (GeoNames, mixed years)"), null=True, blank=True
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    coord_source = models.CharField(_("source of the coordinates"), max_length=64, blank=True)
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PlaceKind.CITY) & Q(city_code__isnull=False))
                | (Q(kind=PlaceKind.VILLAGE) & Q(code__isnull=False) & Q(city_code__isnull=True)),
                name="geo_place_identified_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__isnull=False, lon__isnull=False),
                name="geo_place_lat_lon_together",
            ),
        ]
        indexes = [models.Index(fields=["county", "kind"], name="geo_place_county_kind")]

    def __str__(self) -> str:
        return f"{self.code or self.city_code} {self.name_fa}"
