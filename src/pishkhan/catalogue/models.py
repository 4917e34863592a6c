"""What the agencies offer: agencies, their services, the tariffs of each service per Jalali year, and
the agencies' monthly reports of in-person visits (the baseline of the trips target).

Rows are written only by ``services.py``; the constraints here are the invariants a row must keep
whoever writes it. ``search_key`` columns hold the names folded by
:func:`pishkhan.common.persian.search_key` (one key per name, separated by a space, which no folded
query contains), so one column answers a search in Persian or English however it was typed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.catalogue.versions import catalogue_changed

AGENCY_CODE_LENGTH = 16  # an agency code is also a jurisdiction code (accounts: 1–16 characters)
SERVICE_CODE_LENGTH = 64
SEARCH_KEY_LENGTH = 600


class AgencyKind(models.TextChoices):
    """What sort of public body an agency is."""

    MINISTRY = "ministry", _("Ministry")
    ORGANISATION = "organisation", _("Government organisation")
    COMPANY = "company", _("Government company")
    MUNICIPALITY = "municipality", _("Municipality")
    JUDICIARY = "judiciary", _("Judiciary")
    OTHER = "other", _("Other")


class BackendAdapter(models.TextChoices):
    """How the gateway reaches an agency's back-end."""

    SANDBOX = "sandbox", _("Sandbox (simulated back-end)")
    HTTP = "http", _("HTTP")


class OutsourcingStatus(models.TextChoices):
    """Whether a service is delivered through the counter offices.

    Every service is to be outsourced to the offices unless a law prohibits it; ``pending`` is a
    service the agency has not yet handed over.
    """

    OUTSOURCED = "outsourced", _("Outsourced to the offices")
    PENDING = "pending", _("Outsourcing pending")
    PROHIBITED = "prohibited", _("Outsourcing prohibited by law")


class CatalogueQuerySet(models.QuerySet):
    """Agencies', services' and tariffs' querysets: a bulk write, which sends no signal, notes that the
    catalogue changed as a save does (``versions``), so no server process keeps a stale copy."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        catalogue_changed()
        return count

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(*args, **kwargs)
        catalogue_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        count = super().bulk_update(*args, **kwargs)
        catalogue_changed()
        return count


class Agency(models.Model):
    """An executive agency (دستگاه اجرایی) that delivers e-services through the offices."""

    code = models.CharField(
        _("code"), max_length=AGENCY_CODE_LENGTH, unique=True, help_text=_("short Latin slug, e.g. sabt")
    )
    name_fa = models.CharField(_("Persian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices)
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Read by the gateway (a later layer) to reach the agency's back-end.
    adapter = models.CharField(
        _("back-end adapter"), max_length=16, choices=BackendAdapter.choices, default=BackendAdapter.SANDBOX
    )
    base_url = models.URLField(_("back-end base URL"), blank=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("back-end timeout (seconds)"), default=10)
    active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(timeout_seconds__gte=1, timeout_seconds__lte=120),
                name="catalogue_agency_timeout_range",
            ),
            models.CheckConstraint(
                condition=~Q(adapter=BackendAdapter.HTTP) | ~Q(base_url=""),
                name="catalogue_agency_http_needs_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_fa}"


class Service(models.Model):
    """An e-service of an agency, with who may deliver it and whether it is outsourced.

    ``office_kinds`` lists the kinds of office (``kinds.OfficeKind`` values) that may deliver it;
    ``office_kinds_key`` repeats them as ``|pishkhan|ict|`` because SQLite cannot search inside a
    JSON list, and both databases can match a substring of an indexed text column.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("agency")
    )
    code = models.CharField(
        _("code"),
        max_length=SERVICE_CODE_LENGTH,
        unique=True,
        help_text=_("the agency's code, a dot and a slug, e.g. sabt.birth-certificate-copy"),
    )
    title_fa = models.CharField(_("Persian title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    description_fa = models.TextField(_("Persian description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    trips_saved = models.PositiveSmallIntegerField(
        _("trips saved per delivery"), help_text=_("visits to the agency a citizen no longer makes")
    )
    target_minutes = models.PositiveIntegerField(_("target completion time (minutes)"))
    office_kinds = models.JSONField(_("office kinds that may deliver it"))
    office_kinds_key = models.CharField(max_length=100, db_index=True, editable=False)
    outsourcing = models.CharField(_("outsourcing status"), max_length=16, choices=OutsourcingStatus.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_date = models.DateField(_("date of the legal basis"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_minutes__gte=1), name="catalogue_service_target_positive"
            ),
            models.CheckConstraint(
                condition=~Q(office_kinds_key=""), name="catalogue_service_some_office_kind"
            ),
            models.CheckConstraint(
                condition=~Q(outsourcing=OutsourcingStatus.PROHIBITED) | ~Q(legal_basis=""),
                name="catalogue_service_prohibition_has_basis",
            ),
        ]
        indexes = [models.Index(fields=["agency", "code"], name="catalogue_service_agency_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title_fa}"

    @property
    def office_kind_labels(self) -> list[str]:
        """The human names of the kinds of office that may deliver it (translated)."""
        return [str(OfficeKind(kind).label) for kind in self.office_kinds if kind in OfficeKind.values]


class Tariff(models.Model):
    """The fees of a service for one Jalali year: the agency's (government) fee and the office's fee.

    A tariff is in force from ``effective_from`` (a day inside its Jalali year) until the next
    year's tariff takes over; fees are whole rials.
    """

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="tariffs", verbose_name=_("service")
    )
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    government_fee = models.BigIntegerField(_("government fee (rials)"))
    office_fee = models.BigIntegerField(_("office fee (rials)"))
    effective_from = models.DateField(_("effective from"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["service_id", "-effective_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.UniqueConstraint(fields=["service", "jalali_year"], name="catalogue_tariff_one_per_year"),
            # Also the index that finds the tariff in force: (service, latest effective_from <= day).
            models.UniqueConstraint(
                fields=["service", "effective_from"], name="catalogue_tariff_one_per_start"
            ),
            models.CheckConstraint(
                condition=Q(government_fee__gte=0) & Q(office_fee__gte=0),
                name="catalogue_tariff_fees_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.jalali_year}"

    @property
    def total(self) -> int:
        """What the citizen pays: the government fee and the office fee."""
        return self.government_fee + self.office_fee


class VisitReport(models.Model):
    """How many citizens visited an agency's own buildings in a province in one Jalali month.

    The baseline against which trips avoided by the offices are measured.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="visit_reports", verbose_name=_("agency")
    )
    jalali_year = models.PositiveSmallIntegerField(_("Jalali year"))
    jalali_month = models.PositiveSmallIntegerField(_("Jalali month"))
    province = models.ForeignKey(
        "geo.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    visits = models.PositiveIntegerField(_("in-person visits"))
    reported_at = models.DateTimeField(_("reported at"))
    reported_by = models.CharField(_("reported by"), max_length=150)

    class Meta:
        ordering = ["agency_id", "jalali_year", "jalali_month", "province_id"]
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "jalali_year", "jalali_month", "province"],
                name="catalogue_visitreport_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(jalali_month__gte=1, jalali_month__lte=12),
                name="catalogue_visitreport_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.jalali_year}/{self.jalali_month:02d} {self.province_id}"
