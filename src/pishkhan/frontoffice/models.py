"""What citizens say of the service at the counter: a rating per completed transaction.

Queue tickets and appointments will join this app (DESIGN.md: the front office, above transactions).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX = 500


class Rating(models.Model):
    """A citizen's rating of one completed transaction: 1 to 5 stars and an optional comment, once."""

    transaction = models.OneToOneField(
        "transactions.CounterTransaction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transaction"),
    )
    # The office it rates, kept here so the office's aggregate reads this table alone.
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["office", "created_at"], name="frontoffice_rating_office")]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="frontoffice_rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ #{self.transaction_id}"
