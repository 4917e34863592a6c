"""Users with a role and a jurisdiction, and the API keys of machine clients."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.roles import ROLE_JURISDICTIONS, JurisdictionKind, Role

# The role ⇄ jurisdiction table of roles.py, enforced by the database too.
_ROLE_FITS_JURISDICTION = reduce(
    or_,
    [
        Q(role=role.value, jurisdiction_kind__in=sorted(kind.value for kind in kinds))
        for role, kinds in ROLE_JURISDICTIONS.items()
    ],
    Q(role=""),
)


class User(AbstractUser):
    """A person who signs in: a role, and the jurisdiction where that role's powers reach.

    An empty role means "no role yet": the person can sign in and do nothing. A superuser acts as
    a regulator whatever the role says (see ``pishkhan.accounts.permissions``).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True, default="")
    jurisdiction_kind = models.CharField(
        _("jurisdiction kind"),
        max_length=10,
        choices=JurisdictionKind.choices,
        default=JurisdictionKind.NATIONAL,
    )
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=16, blank=True, default="")
    # The person's national ID, verified (the identity check and a code texted to the mobile registered
    # to it, accounts/identity.py): a keyed hash to match, a mask to show, sealed to apply under. Never
    # in clear. Empty for an account that has verified none (staff).
    national_id_key = models.CharField(_("national ID (keyed hash)"), max_length=64, blank=True, default="")
    national_id_masked = models.CharField(_("national ID (masked)"), max_length=16, blank=True, default="")
    national_id_sealed = models.TextField(_("national ID (sealed)"), blank=True, default="", editable=False)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    # The mobile that password-reset codes go to: sealed, and masked to show.
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True, default="", editable=False)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=16, blank=True, default="")
    # Set when someone else chose the password (a manager's reset, a new staff account): every page
    # then sends the person to change it first.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["jurisdiction_kind", "jurisdiction_code"], name="user_jurisdiction_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction_kind__in=sorted(JurisdictionKind.values)),
                name="user_jurisdiction_kind_known",
            ),
            models.CheckConstraint(
                condition=(
                    Q(jurisdiction_kind=JurisdictionKind.NATIONAL, jurisdiction_code="")
                    | (~Q(jurisdiction_kind=JurisdictionKind.NATIONAL) & ~Q(jurisdiction_code=""))
                ),
                name="user_national_iff_no_code",
            ),
            models.CheckConstraint(condition=_ROLE_FITS_JURISDICTION, name="user_role_fits_jurisdiction"),
            # One account per verified person.
            models.UniqueConstraint(
                fields=["national_id_key"], condition=~Q(national_id_key=""), name="user_national_id_once"
            ),
        ]

    @property
    def identity_verified(self) -> bool:
        """Whether the account holds a verified national ID."""
        return bool(self.national_id_key)

    @property
    def jurisdiction_display(self) -> str:
        """The jurisdiction as one line of text: ``National`` or ``Province 23``."""
        kind = JurisdictionKind(self.jurisdiction_kind).label
        return f"{kind} {self.jurisdiction_code}" if self.jurisdiction_code else str(kind)


class HolderKind(models.TextChoices):
    """Who an API key speaks for."""

    OFFICE = "office", _("Office system")
    AGENCY = "agency", _("Agency back-end")
    USER = "user", _("A user")


class ApiKey(models.Model):
    """A machine client's credential. Its holder sees the plaintext once; only the secret's hash is kept.

    An office key acts as that office's operator, an agency key as that agency's staff, a user key
    as its user. A revoked key is kept (never deleted) so the audit log's references stay meaningful.
    """

    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("secret hash"), max_length=64)
    name = models.CharField(_("name"), max_length=100, blank=True)
    holder_kind = models.CharField(_("holder kind"), max_length=10, choices=HolderKind.choices)
    holder_code = models.CharField(_("holder code"), max_length=16, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["holder_kind", "holder_code"], name="apikey_holder_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(holder_kind=HolderKind.USER, user__isnull=False, holder_code="")
                    | (
                        Q(holder_kind__in=[HolderKind.AGENCY, HolderKind.OFFICE], user__isnull=True)
                        & ~Q(holder_code="")
                    )
                ),
                name="apikey_holder_is_a_user_or_a_code",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How the key appears in the audit log and in listings: ``apikey:<prefix>``."""
        return f"apikey:{self.prefix}"

    @property
    def is_revoked(self) -> bool:
        """Whether the key has been revoked."""
        return self.revoked_at is not None

    @property
    def holder_display(self) -> str:
        """The holder as text: ``office 12345``, ``agency sabt``, ``user regulator``."""
        if self.holder_kind == HolderKind.USER:
            return f"user {self.user.get_username() if self.user else '?'}"
        return f"{self.holder_kind} {self.holder_code}"
