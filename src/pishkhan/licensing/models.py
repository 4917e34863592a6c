"""Licensing: applications for a licence (with their documents), licences, and counties' quotas.

Rows are written only by ``services``; the constraints here are the invariants a row keeps whoever
writes it. An applicant's or holder's national ID (or company ID) is kept only as a keyed hash (to
match it against revoked licences) and a mask; the application keeps it sealed until its decision,
because approving registers the office with its operator's identifiers (ADR 0007).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# LICENSED_KINDS, the kinds of office the regulator licenses, is the catalogue's, so that the registry
# (below licensing) knows which offices need a licence to serve; it is read from here as before.
from pishkhan.catalogue.kinds import LICENSED_KINDS, OfficeKind
from pishkhan.common.sealed_storage import sealed_media_storage
from pishkhan.licensing.states import (
    IN_FORCE_STATES,
    OPEN_PROCEEDING_STATES,
    ApplicationStatus,
    LicenceStatus,
    ProceedingMeasure,
    ProceedingStatus,
    ProceedingTrack,
)

# Who applies for and holds a licence is who holds the office: a person or a company.
from pishkhan.offices.models import OperatorKind

# A number is its letter, the province's two-digit code, the Jalali year and a five-digit sequence
# within that province and year: L-23-1405-00042.
APPLICATION_NUMBER_PATTERN = r"^A-[0-9]{2}-[0-9]{4}-[0-9]{5}$"
LICENCE_NUMBER_PATTERN = r"^L-[0-9]{2}-[0-9]{4}-[0-9]{5}$"
NUMBER_LENGTH = 15
KEY_LENGTH = 64  # hex of an HMAC-SHA256


class DocumentKind(models.TextChoices):
    """The documents an application carries."""

    IDENTITY = "identity", _("Identity document (national card, or the company's registration notice)")
    PREMISES = "premises", _("Title deed or lease of the premises")
    EDUCATION = "education", _("Educational certificate")
    CLEARANCE = "clearance", _("Certificate of no criminal record")
    OTHER = "other", _("Other supporting document")


# What an application must carry before the directorate takes it, by kind of applicant. A company's
# identity document is its registration notice; its clearance is its managing director's.
REQUIRED_DOCUMENTS: dict[str, frozenset[str]] = {
    OperatorKind.PERSON: frozenset(
        {DocumentKind.IDENTITY, DocumentKind.PREMISES, DocumentKind.EDUCATION, DocumentKind.CLEARANCE}
    ),
    OperatorKind.COMPANY: frozenset({DocumentKind.IDENTITY, DocumentKind.PREMISES, DocumentKind.CLEARANCE}),
}
# Documents valid only until a date, which must be given: a clearance certificate is issued for months.
DOCUMENTS_WITH_EXPIRY = frozenset({DocumentKind.CLEARANCE})


class LicenceApplication(models.Model):
    """An application for a licence to run an office of a kind in a county, reviewed then decided.

    The proposed office's details are those :func:`pishkhan.offices.services.office_register` needs,
    checked at submission as at registration. ``office`` names an existing office of the applicant
    instead (a converted office asking for its licence). ``identity_sealed`` holds the applicant's full
    identifier and mobile number sealed, and is erased once the application is decided or withdrawn.
    """

    number = models.CharField(_("number"), max_length=NUMBER_LENGTH, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applicant")
    )
    applicant_kind = models.CharField(_("applicant kind"), max_length=8, choices=OperatorKind.choices)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_key = models.CharField(_("applicant key"), max_length=KEY_LENGTH, editable=False)
    applicant_masked = models.CharField(_("applicant identifier (masked)"), max_length=16)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=11)
    identity_sealed = models.TextField(_("identity (sealed)"), blank=True, editable=False)
    office_kind = models.CharField(_("office kind"), max_length=20, choices=OfficeKind.choices)
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
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    office_name = models.CharField(_("office name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("existing office"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    taken_at = models.DateTimeField(_("review started"), null=True, blank=True)
    taken_by = models.CharField(_("taken by"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    review_reason = models.TextField(_("review's reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_reason = models.TextField(_("decision's reason"), blank=True)
    decision_basis = models.TextField(_("decision's legal basis"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("withdrawal's reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")
        indexes = [
            models.Index(fields=["province", "status"], name="licensing_app_prov_status"),
            models.Index(fields=["applicant_user", "status"], name="licensing_app_user_status"),
            models.Index(fields=["applicant_key", "status"], name="licensing_app_key_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=APPLICATION_NUMBER_PATTERN), name="licensing_app_number_shape"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="licensing_app_status_known"
            ),
            models.CheckConstraint(
                condition=Q(office_kind__in=list(LICENSED_KINDS)), name="licensing_app_kind_licensed"
            ),
            models.CheckConstraint(
                condition=Q(applicant_kind__in=OperatorKind.values), name="licensing_app_applicant_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__isnull=False, lon__isnull=False),
                name="licensing_app_both_coordinates_or_none",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REFUSED],
                        decided_at__isnull=False,
                    )
                    | (
                        ~Q(status__in=[ApplicationStatus.APPROVED, ApplicationStatus.REFUSED])
                        & Q(decided_at__isnull=True)
                    )
                ),
                name="licensing_app_decided_iff_decision",
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.WITHDRAWN, withdrawn_at__isnull=False)
                | (~Q(status=ApplicationStatus.WITHDRAWN) & Q(withdrawn_at__isnull=True)),
                name="licensing_app_withdrawn_iff_withdrawn_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name} ({self.status})"


def document_upload_to(document: ApplicationDocument, filename: str) -> str:
    """Where a document is stored: a random name (never the uploader's) with its detected type's extension."""
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        document.content_type, "bin"
    )
    return f"licensing/documents/{secrets.token_hex(16)}.{extension}"


class ApplicationDocument(models.Model):
    """A document uploaded with an application: PDF, PNG or JPEG, at most 5 MB, with its expiry if any.

    Stored sealed (encrypted with the sealing keys, :mod:`pishkhan.common.sealed_storage`) under a
    random name below ``MEDIA_ROOT`` and never served from a public URL: the API and the review page
    stream it, unsealed, to those who may review the application.
    """

    application = models.ForeignKey(
        LicenceApplication, on_delete=models.PROTECT, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(
        _("file"), upload_to=document_upload_to, storage=sealed_media_storage, max_length=200
    )
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)

    class Meta:
        ordering = ["application_id", "uploaded_at", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="licensing_doc_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/png", "image/jpeg"]),
                name="licensing_doc_type_allowed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.original_name}"


class CountyQuota(models.Model):
    """The most licensed offices of a kind that a county may have in force, as its working group decided.

    No row means no limit: until a province has quotas, none apply.
    """

    county = models.ForeignKey(
        "geo.County", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    office_kind = models.CharField(_("office kind"), max_length=20, choices=OfficeKind.choices)
    maximum = models.PositiveIntegerField(_("maximum"))
    set_at = models.DateTimeField(_("set"), default=timezone.now)
    set_by = models.CharField(_("set by"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)
    basis = models.TextField(_("legal basis"), blank=True)

    class Meta:
        ordering = ["county_id", "office_kind"]
        verbose_name = _("county quota")
        verbose_name_plural = _("county quotas")
        constraints = [
            models.UniqueConstraint(fields=["county", "office_kind"], name="licensing_quota_one_per_kind"),
            models.CheckConstraint(
                condition=Q(office_kind__in=list(LICENSED_KINDS)), name="licensing_quota_kind_licensed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.office_kind} ≤ {self.maximum}"


class Licence(models.Model):
    """The regulator's licence for an office: who holds it, from when until when, and where it stands.

    Only an active licence lets its office post transactions. It becomes active once the office's
    system is equipped and connected: an API key issued for the office and a first sign of life
    (``first_signal_at``). An office has at most one licence in force (issued, active or suspended).
    Its history is its audit entries (``selectors.licence_timeline``).
    """

    number = models.CharField(_("number"), max_length=NUMBER_LENGTH, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ISSUED
    )
    kind = models.CharField(_("office kind"), max_length=20, choices=OfficeKind.choices)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    application = models.OneToOneField(
        LicenceApplication,
        on_delete=models.PROTECT,
        related_name="licence",
        null=True,
        blank=True,
        verbose_name=_("application"),
    )
    conversion = models.OneToOneField(
        "offices.Conversion",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("conversion"),
    )
    holder_kind = models.CharField(_("holder kind"), max_length=8, choices=OperatorKind.choices)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_key = models.CharField(_("holder key"), max_length=KEY_LENGTH, editable=False)
    holder_masked = models.CharField(_("holder identifier (masked)"), max_length=16)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("holder's login"),
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    first_signal_at = models.DateTimeField(_("first sign of life"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["number"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [
            models.Index(fields=["office", "status"], name="licensing_licence_office"),
            models.Index(fields=["status", "expires_on"], name="licensing_licence_expiry"),
            models.Index(fields=["status", "suspended_until"], name="licensing_licence_suspension"),
            models.Index(fields=["holder_key", "status"], name="licensing_licence_holder"),
            models.Index(fields=["applicant_user", "status"], name="licensing_licence_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=LICENCE_NUMBER_PATTERN), name="licensing_licence_number_shape"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LicenceStatus.values), name="licensing_licence_status_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=list(LICENSED_KINDS)), name="licensing_licence_kind_licensed"
            ),
            models.CheckConstraint(
                condition=Q(holder_kind__in=OperatorKind.values), name="licensing_licence_holder_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="licensing_licence_expires_after_issue"
            ),
            # The office's place is held by one licence at a time.
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(status__in=sorted(IN_FORCE_STATES)),
                name="licensing_licence_one_in_force_per_office",
            ),
            models.CheckConstraint(
                condition=Q(status=LicenceStatus.SUSPENDED, suspended_until__isnull=False)
                | (~Q(status=LicenceStatus.SUSPENDED) & Q(suspended_until__isnull=True)),
                name="licensing_licence_suspended_iff_until",
            ),
            models.CheckConstraint(
                condition=Q(status__in=sorted(IN_FORCE_STATES), ended_at__isnull=True)
                | (~Q(status__in=sorted(IN_FORCE_STATES)) & Q(ended_at__isnull=False)),
                name="licensing_licence_ended_iff_ended_at",
            ),
            # Active (or suspended after being active) only once equipped and connected.
            models.CheckConstraint(
                condition=~Q(status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED])
                | Q(first_signal_at__isnull=False, activated_at__isnull=False),
                name="licensing_licence_active_after_signal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    @property
    def in_force(self) -> bool:
        """Whether it still holds its office's place (issued, active or suspended)."""
        return self.status in IN_FORCE_STATES


class Proceeding(models.Model):
    """A proceeding against a licence: the notice, the holder's response window, a hearing, the
    decision, and the holder's appeal, owed before a measure such as revocation is taken.

    Opened by the layer that finds the ground (supervision's inactivity campaigns, which name
    themselves in ``reference``); the holder and the office see it as their notice. A licence has at
    most one open proceeding. Its steps are audited with this row as the target.
    """

    licence = models.ForeignKey(
        Licence, on_delete=models.PROTECT, related_name="proceedings", verbose_name=_("licence")
    )
    measure = models.CharField(
        _("proposed measure"),
        max_length=16,
        choices=ProceedingMeasure.choices,
        default=ProceedingMeasure.REVOCATION,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProceedingStatus.choices, default=ProceedingStatus.NOTICED
    )
    ground = models.TextField(_("ground"))
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    noticed_at = models.DateTimeField(_("notice served"), default=timezone.now)
    noticed_by = models.CharField(_("notice served by"), max_length=150)
    respond_by = models.DateTimeField(_("response window ends"))
    track = models.CharField(
        _("due process"), max_length=8, choices=ProceedingTrack.choices, default=ProceedingTrack.NOTICE
    )
    hearing_at = models.DateTimeField(_("hearing"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=300, blank=True)
    # The hearing track: the hearing held (its minutes), the decision naming the measure (a fine's
    # amount, a suspension's days) and the appeal window it opens. ``decided_*`` close the proceeding.
    heard_at = models.DateTimeField(_("hearing held"), null=True, blank=True)
    minutes = models.TextField(_("hearing's minutes"), blank=True)
    ruled_at = models.DateTimeField(_("measure decided"), null=True, blank=True)
    ruled_by = models.CharField(_("measure decided by"), max_length=150, blank=True)
    ruling_reason = models.TextField(_("ruling's reason"), blank=True)
    ruling_basis = models.TextField(_("ruling's legal basis"), blank=True)
    fine_rials = models.PositiveBigIntegerField(_("fine (rials)"), null=True, blank=True)
    suspension_days = models.PositiveIntegerField(_("suspension (days)"), null=True, blank=True)
    appeal_by = models.DateTimeField(_("appeal window ends"), null=True, blank=True)
    appeal_lodged_at = models.DateTimeField(_("appeal lodged"), null=True, blank=True)
    appeal_statement = models.TextField(_("appeal"), blank=True)
    appeal_decided_at = models.DateTimeField(_("appeal decided"), null=True, blank=True)
    appeal_decided_by = models.CharField(_("appeal decided by"), max_length=150, blank=True)
    appeal_accepted = models.BooleanField(_("appeal accepted"), null=True, blank=True)
    appeal_reason = models.TextField(_("appeal decision's reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decision_reason = models.TextField(_("decision's reason"), blank=True)
    decision_basis = models.TextField(_("decision's legal basis"), blank=True)

    class Meta:
        ordering = ["-noticed_at", "-id"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        indexes = [
            models.Index(fields=["licence", "status"], name="licensing_proc_licence"),
            models.Index(fields=["reference"], name="licensing_proc_reference"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProceedingStatus.values), name="licensing_proc_status_known"
            ),
            models.CheckConstraint(
                condition=Q(measure__in=ProceedingMeasure.values), name="licensing_proc_measure_known"
            ),
            models.CheckConstraint(
                condition=Q(track__in=ProceedingTrack.values), name="licensing_proc_track_known"
            ),
            # A decided measure says what it is: a fine its amount, a suspension its days.
            models.CheckConstraint(
                condition=Q(ruled_at__isnull=True) | ~Q(measure=ProceedingMeasure.FINE) | Q(fine_rials__gt=0),
                name="licensing_proc_fine_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(ruled_at__isnull=True)
                | ~Q(measure=ProceedingMeasure.SUSPENSION)
                | Q(suspension_days__gt=0),
                name="licensing_proc_suspension_has_days",
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gte=F("noticed_at")), name="licensing_proc_window_after_notice"
            ),
            models.UniqueConstraint(
                fields=["licence"],
                condition=Q(status__in=sorted(OPEN_PROCEEDING_STATES)),
                name="licensing_proc_one_open_per_licence",
            ),
            models.CheckConstraint(
                condition=Q(status__in=sorted(OPEN_PROCEEDING_STATES), decided_at__isnull=True)
                | (~Q(status__in=sorted(OPEN_PROCEEDING_STATES)) & Q(decided_at__isnull=False)),
                name="licensing_proc_decided_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProceedingStatus.APPEALED) | Q(appeal_lodged_at__isnull=False),
                name="licensing_proc_appealed_has_appeal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.measure} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Whether the measure is still undecided."""
        return self.status in OPEN_PROCEEDING_STATES
