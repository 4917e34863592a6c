"""The office registry: offices of the five kinds, who holds each, their staff, and conversions.

Rows are written only by ``services.py``; the constraints here are the invariants a row keeps whoever
writes it. ``search_key`` holds the office's name and code folded by
:func:`pishkhan.common.persian.search_key`, separated by a space (which no folded query contains).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import OfficeKind
from pishkhan.common.identifiers import mobile_mask, national_id_mask
from pishkhan.common.sealing import seal, unseal
from pishkhan.offices.states import OPEN_CONVERSION_STATES, ConversionState, OfficeStatus, ServingHold

# An office code is the letter of the kind it was registered as, the province's two-digit code and a
# four-digit number within that pair: P23-0001. Codes never change, not even when the office converts.
OFFICE_CODE_LENGTH = 8
OFFICE_CODE_PATTERN = r"^[PRESH][0-9]{2}-[0-9]{4}$"
KIND_LETTERS: dict[str, str] = {
    OfficeKind.PISHKHAN: "P",
    OfficeKind.ICT: "R",  # rural
    OfficeKind.E_CITY: "E",
    OfficeKind.SOCIAL_SECURITY: "S",
    OfficeKind.HEALTH_INSURANCE: "H",
}
MIN_COUNTERS, MAX_COUNTERS = 1, 50
SEARCH_KEY_LENGTH = 300


class OfficeSetting(models.TextChoices):
    """Whether an office serves a city or the countryside."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Office(models.Model):
    """A counter office: where citizens are served, by whom, when, and what kind of office it is."""

    code = models.CharField(_("code"), max_length=OFFICE_CODE_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OfficeKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=OfficeStatus.choices, default=OfficeStatus.ACTIVE
    )
    # Whether the office serves citizens, beside its status: blank, or why not (its licence is not in
    # force), and until when for a suspension. Written only by ``services.office_serving_set``.
    serving_hold = models.CharField(
        _("not serving because"), max_length=16, choices=ServingHold.choices, blank=True, default=""
    )
    serving_hold_until = models.DateField(_("not serving until"), null=True, blank=True)
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
        verbose_name=_("city or village"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    location_estimated = models.BooleanField(
        _("location estimated"),
        default=False,
        help_text=_("a point inside the county, for a village whose coordinates are unknown"),
    )
    setting = models.CharField(_("setting"), max_length=8, choices=OfficeSetting.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    counters = models.PositiveSmallIntegerField(_("counters"), default=1)
    opening_hours = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        help_text=_('weekday (0 = Saturday … 6 = Friday) → [["08:00", "16:00"], …], Tehran time'),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    organisation = models.ForeignKey(
        "catalogue.Agency",
        on_delete=models.PROTECT,
        related_name="offices",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
        help_text=_("the body that runs the network a parallel or ICT office belongs to"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        indexes = [
            models.Index(fields=["province", "kind", "status"], name="offices_office_prov_kind"),
            models.Index(fields=["county"], name="offices_office_county"),
            models.Index(fields=["lat", "lon"], name="offices_office_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=OFFICE_CODE_PATTERN), name="offices_office_code_shape"
            ),
            models.CheckConstraint(condition=Q(kind__in=OfficeKind.values), name="offices_office_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=OfficeStatus.values), name="offices_office_status_known"
            ),
            models.CheckConstraint(
                condition=Q(serving_hold__in=["", *ServingHold.values]), name="offices_office_hold_known"
            ),
            models.CheckConstraint(
                condition=Q(serving_hold_until__isnull=True) | Q(serving_hold=ServingHold.SUSPENDED),
                name="offices_office_hold_until_suspended",
            ),
            models.CheckConstraint(
                condition=Q(counters__gte=MIN_COUNTERS, counters__lte=MAX_COUNTERS),
                name="offices_office_counters_range",
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="offices_office_coordinates_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def serving(self) -> bool:
        """Whether the office serves citizens now: open (active) and its licence, if it needs one, active."""
        return self.status == OfficeStatus.ACTIVE and not self.serving_hold

    @property
    def code_letter_kind(self) -> str:
        """The kind the office was registered as, read from its code's letter."""
        return next(kind for kind, letter in KIND_LETTERS.items() if letter == self.code[0])


class OperatorKind(models.TextChoices):
    """Who holds an office's licence."""

    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


# The keyed hash of an operator's kind and identifier (HMAC-SHA256, hex): what a licence's holder key
# and a subject access request compare against. The salt is licensing's holder key's, so that an
# operator and the licences they hold share one key.
OPERATOR_KEY_SALT = "pishkhan.licensing.holder_key"
OPERATOR_KEY_LENGTH = 64


def operator_key(kind: str, identifier: str) -> str:
    """The keyed hash of a holder's clean identifier (the kind keeps persons and companies apart)."""
    return salted_hmac(OPERATOR_KEY_SALT, f"{kind}:{identifier}", algorithm="sha256").hexdigest()


# The fields :func:`operator_identity` fills.
OPERATOR_IDENTITY_FIELDS = [
    "identifier_key",
    "identifier_masked",
    "identifier_sealed",
    "mobile_masked",
    "mobile_sealed",
]


def operator_identity(*, kind: str, identifier: str, mobile: str) -> dict[str, str]:
    """The stored identity fields of an operator: the identifier and mobile sealed, keyed and masked."""
    return {
        "identifier_key": operator_key(kind, identifier),
        "identifier_masked": national_id_mask(identifier),
        "identifier_sealed": seal(identifier),
        "mobile_masked": mobile_mask(mobile),
        "mobile_sealed": seal(mobile),
    }


class Operator(models.Model):
    """The person or company holding an office.

    Its national ID (a company's national ID) and mobile are never stored in clear: each is sealed
    (encrypted with keys kept outside the database, :mod:`pishkhan.common.sealing`) for the few uses
    that need the full value — the holder's notices by SMS, re-checking the office — and masked for
    display; the identifier also as a keyed hash (``identifier_key``) to find a person's offices and
    licences. Rows are built with :func:`operator_identity`.
    """

    office = models.OneToOneField(
        Office, on_delete=models.CASCADE, related_name="operator", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=OperatorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    identifier_key = models.CharField(
        _("identifier (keyed hash)"), max_length=OPERATOR_KEY_LENGTH, db_index=True, editable=False
    )
    identifier_masked = models.CharField(_("national ID (masked)"), max_length=16, editable=False)
    identifier_sealed = models.TextField(_("national ID (sealed)"), editable=False)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=11, editable=False)
    mobile_sealed = models.TextField(_("mobile (sealed)"), editable=False)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier_key__regex=r"^[0-9a-f]{64}$"), name="offices_operator_key_shape"
            ),
            # Never an identifier or a mobile in clear: masks show a few digits, the rest is sealed.
            models.CheckConstraint(
                condition=Q(identifier_masked__regex=r"^[0-9]{3}\*{5,6}[0-9]{2}$"),
                name="offices_operator_identifier_masked",
            ),
            models.CheckConstraint(
                condition=Q(mobile_masked__regex=r"^09[0-9]{2}\*\*\*[0-9]{4}$"),
                name="offices_operator_mobile_masked",
            ),
            models.CheckConstraint(
                condition=~Q(identifier_sealed="") & ~Q(mobile_sealed=""), name="offices_operator_sealed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier_masked})"

    @property
    def identifier(self) -> str:
        """The full national ID (a person) or company national ID, unsealed."""
        return unseal(self.identifier_sealed)

    @property
    def national_id(self) -> str:
        """A person's full national ID, unsealed; blank for a company."""
        return self.identifier if self.kind == OperatorKind.PERSON else ""

    @property
    def company_id(self) -> str:
        """A company's full national ID, unsealed; blank for a person."""
        return self.identifier if self.kind == OperatorKind.COMPANY else ""

    @property
    def mobile(self) -> str:
        """The full mobile number, unsealed (for the holder's notices)."""
        return unseal(self.mobile_sealed)


class StaffPosition(models.TextChoices):
    """What a member of staff does in the office."""

    OPERATOR = "operator", _("Operator")
    DEPUTY = "deputy", _("Deputy (stands in for the operator)")
    CLERK = "clerk", _("Clerk")


class StaffMember(models.Model):
    """A person working at an office with their own login (role office operator, jurisdiction the office)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="staff", verbose_name=_("office")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    position = models.CharField(_("position"), max_length=10, choices=StaffPosition.choices)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["office_id", "position", "id"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            # A login works for one office at a time.
            models.UniqueConstraint(
                fields=["user"], condition=Q(active=True), name="offices_staff_one_office"
            ),
            # One operator and one deputy in office at a time; clerks as many as the counters need.
            models.UniqueConstraint(
                fields=["office", "position"],
                condition=Q(active=True, position__in=["operator", "deputy"]),
                name="offices_staff_one_operator_one_deputy",
            ),
            models.CheckConstraint(
                condition=Q(active=True, removed_at__isnull=True) | Q(active=False, removed_at__isnull=False),
                name="offices_staff_removed_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.position} {self.user_id}"


class Conversion(models.Model):
    """The conversion of a parallel or ICT office into a Pishkhan office, tracked against its deadline.

    Legal basis: the conversion of the parallel networks is a duty since 1388 (2009); see
    ``services.CONVERSION_DEADLINE`` for the time an organisation has to decide.
    """

    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="conversions", verbose_name=_("office")
    )
    from_kind = models.CharField(_("from kind"), max_length=20, choices=OfficeKind.choices)
    to_kind = models.CharField(
        _("to kind"), max_length=20, choices=OfficeKind.choices, default=OfficeKind.PISHKHAN
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ConversionState.choices, default=ConversionState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.CharField(_("requested by"), max_length=150)
    deadline = models.DateTimeField(_("legal deadline"))
    reviewed_at = models.DateTimeField(_("review started"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        indexes = [
            models.Index(fields=["state", "deadline"], name="offices_conversion_state_dl"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(state__in=sorted(OPEN_CONVERSION_STATES)),
                name="offices_conversion_one_open_per_office",
            ),
            models.CheckConstraint(
                condition=Q(to_kind=OfficeKind.PISHKHAN) & ~Q(from_kind=OfficeKind.PISHKHAN),
                name="offices_conversion_into_pishkhan",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ConversionState.values), name="offices_conversion_state_known"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[ConversionState.CONVERTED, ConversionState.REFUSED], decided_at__isnull=False
                )
                | (
                    ~Q(state__in=[ConversionState.CONVERTED, ConversionState.REFUSED])
                    & Q(decided_at__isnull=True)
                ),
                name="offices_conversion_decided_iff_decision",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("requested_at")), name="offices_conversion_deadline_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.from_kind} → {self.to_kind} ({self.state})"

    @property
    def is_open(self) -> bool:
        """Whether it still awaits a decision."""
        return self.state in OPEN_CONVERSION_STATES


class CounterService(models.Model):
    """One service one counter of an office serves. A counter with no row serves every service the
    office's kind may deliver (the registry's default); with rows, only those (its call-next too)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="counter_services", verbose_name=_("office")
    )
    counter = models.PositiveSmallIntegerField(_("counter"))
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.CASCADE, related_name="+", verbose_name=_("service")
    )

    class Meta:
        verbose_name = _("counter's service")
        verbose_name_plural = _("counters' services")
        constraints = [
            models.UniqueConstraint(fields=["office", "counter", "service"], name="offices_counter_service"),
            models.CheckConstraint(
                condition=Q(counter__gte=MIN_COUNTERS, counter__lte=MAX_COUNTERS),
                name="offices_counter_service_counter_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} #{self.counter}: {self.service_id}"
