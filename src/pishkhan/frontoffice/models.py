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


GROUP_MAX = 16


class Ticket(models.Model):
    """A citizen's place in an office's queue for one service, numbered per office, counter group and
    Tehran day (``Q-<group>-<number>``).

    Its own timestamps are its record (issued, called, ended): the wait-time figures read them, and
    no audit entry is written per step (see ``services``). The mobile, for the "your turn is near"
    SMS, is stored sealed and erased when the ticket ends.
    """

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    day = models.DateField(_("day"))
    group = models.CharField(_("counter group"), max_length=GROUP_MAX)
    number = models.PositiveIntegerField(_("number"))
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    priority = models.BooleanField(_("priority (elderly or disabled)"), default=False)
    state = models.CharField(_("state"), max_length=16, default="waiting")
    # The counter that called it, or (waiting after a transfer) the only counter that may call it.
    counter = models.PositiveSmallIntegerField(_("counter"), null=True, blank=True)
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True)
    near_notified = models.BooleanField(_("turn-near SMS sent"), default=False)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    transaction = models.ForeignKey(
        "transactions.CounterTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transaction"),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [models.Index(fields=["office", "day", "state"], name="frontoffice_ticket_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "group", "number"], name="frontoffice_ticket_number"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "called", "served", "no_show"]),
                name="frontoffice_ticket_state",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"Q-{self.group}-{self.number}"
