"""The retention policy: one row per kind of personal data, how long it is kept after its purpose
ends. Seeded by a migration (``0002_retention_seed``); changed only by ``services.retention_rule_set``
(audited), read by anyone who may see it (the regulator's privacy officer)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long one kind of personal data is kept after the event that ends its purpose."""

    # The purger's name in registry.PURGERS, e.g. "transactions.mobile".
    kind = models.CharField(_("kind"), max_length=40, unique=True)
    data = models.CharField(_("personal data"), max_length=200)
    purpose_end = models.CharField(_("purpose ends when"), max_length=200)
    days = models.PositiveIntegerField(_("kept for (days)"))
    action = models.CharField(_("then"), max_length=200)
    basis = models.TextField(_("legal basis"), blank=True)
    active = models.BooleanField(_("applied"), default=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            # Ten years at most: a longer keep is an archive, decided elsewhere.
            models.CheckConstraint(condition=Q(days__lte=3660), name="privacy_retention_days_range"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.days} days"
