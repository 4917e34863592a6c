"""What citizens say of the service at the counter: a rating per completed transaction.

The office's queue (tickets) and its appointments live here too (DESIGN.md: the front office, above
transactions).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.frontoffice.states import AppointmentState

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
    # The appointment the citizen came for: its ticket is called first once its slot has started.
    appointment = models.OneToOneField(
        "frontoffice.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket",
        verbose_name=_("appointment"),
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["office", "day", "state"], name="frontoffice_ticket_queue"),
            # The waits' upkeep reads the tickets called, and those ended, since its cursor.
            models.Index(fields=["called_at"], name="frontoffice_ticket_called"),
            models.Index(fields=["ended_at"], name="frontoffice_ticket_ended"),
        ]
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


class Holiday(models.Model):
    """A public holiday: no office takes appointments that day (Tehran calendar)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


SLOT_MINUTES_MIN, SLOT_MINUTES_MAX = 5, 120


class AppointmentCounter(models.Model):
    """A counter of an office that takes appointments, and the length of its slots. Its slots are its
    office's opening hours cut in that length, on every open day that is not a holiday; its services
    are the counter's (``offices.CounterService``, all the office's when none are set)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office")
    )
    counter = models.PositiveSmallIntegerField(_("counter"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)

    class Meta:
        verbose_name = _("appointment counter")
        verbose_name_plural = _("appointment counters")
        constraints = [
            models.UniqueConstraint(fields=["office", "counter"], name="frontoffice_appointment_counter"),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=SLOT_MINUTES_MIN, slot_minutes__lte=SLOT_MINUTES_MAX),
                name="frontoffice_appointment_counter_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} #{self.counter} ({self.slot_minutes} min)"


BOOKING_CODE_LENGTH = 8
BOOKED_STATES = ("booked", "arrived")


class Appointment(models.Model):
    """A citizen's slot at one counter of an office for a service.

    The citizen is kept minimal: the national ID as a keyed hash (to match a later cancel, move or
    arrival) and masked; the mobile sealed (for the confirmation and the reminder) and masked, the
    sealed mobile erased once the slot has passed (the retention policy). Two live appointments never
    hold one counter's slot: a partial unique constraint on (office, counter, start).
    """

    code = models.CharField(_("booking code"), max_length=BOOKING_CODE_LENGTH, unique=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    counter = models.PositiveSmallIntegerField(_("counter"))
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    state = models.CharField(
        _("state"), max_length=16, choices=AppointmentState.choices, default=AppointmentState.BOOKED
    )
    national_id_key = models.CharField(_("national ID (keyed hash)"), max_length=64)
    national_id_masked = models.CharField(_("national ID (masked)"), max_length=16)
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=16, blank=True)
    moves = models.PositiveSmallIntegerField(_("times moved"), default=0)
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["office", "start"], name="frontoffice_appointment_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "counter", "start"],
                condition=Q(state__in=BOOKED_STATES),
                name="frontoffice_appointment_slot",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["booked", "cancelled", "arrived", "missed"]),
                name="frontoffice_appointment_state",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="frontoffice_appointment_span"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class WaitDay(models.Model):
    """The queue's figures of one office for one service on one Tehran day (the day of issue), with
    the grouping keys copied from the office and the service, so that a county's, a province's or an
    agency's waits are one GROUP BY over this table (the KPIs), never a scan of the tickets.

    Waits count the tickets called (issued → called); service times the tickets served (called →
    served). Kept by the worker (``waits.waits_update``) from the tickets' own timestamps.
    """

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
    called = models.PositiveIntegerField(_("tickets called"), default=0)
    wait_seconds = models.BigIntegerField(_("waiting time (seconds)"), default=0)
    served = models.PositiveIntegerField(_("tickets served"), default=0)
    service_seconds = models.BigIntegerField(_("service time (seconds)"), default=0)
    no_shows = models.PositiveIntegerField(_("no-shows"), default=0)

    class Meta:
        verbose_name = _("daily waits")
        verbose_name_plural = _("daily waits")
        constraints = [
            models.UniqueConstraint(fields=["day", "office", "service"], name="frontoffice_waitday_cell"),
        ]
        indexes = [
            models.Index(fields=["office", "day"], name="frontoffice_waitday_office"),
            models.Index(fields=["province", "day"], name="frontoffice_waitday_province"),
            models.Index(fields=["county", "day"], name="frontoffice_waitday_county"),
            models.Index(fields=["agency", "day"], name="frontoffice_waitday_agency"),
            models.Index(fields=["day"], name="frontoffice_waitday_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.service_id}"


class WaitHour(models.Model):
    """The queue's figures of one office in one hour of one Tehran day (the hour of issue, Tehran
    time), all services together: what the office's public page ("usually 12 minutes at this hour")
    and supervision's peer comparison read."""

    day = models.DateField(_("day"))
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("office"), db_index=False
    )
    hour = models.PositiveSmallIntegerField(_("hour"))
    province = models.ForeignKey(
        "geo.Province", on_delete=models.CASCADE, related_name="+", verbose_name=_("province"), db_index=False
    )
    called = models.PositiveIntegerField(_("tickets called"), default=0)
    wait_seconds = models.BigIntegerField(_("waiting time (seconds)"), default=0)
    served = models.PositiveIntegerField(_("tickets served"), default=0)
    service_seconds = models.BigIntegerField(_("service time (seconds)"), default=0)

    class Meta:
        verbose_name = _("hourly waits")
        verbose_name_plural = _("hourly waits")
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "hour"], name="frontoffice_waithour_cell"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="frontoffice_waithour_hour"),
        ]
        indexes = [models.Index(fields=["day"], name="frontoffice_waithour_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.hour}h"


class WaitCursor(models.Model):
    """Where the waits' upkeep stands: every ticket called or ended at or before ``through`` is in the
    figures. One row, ``name="tickets"``."""

    name = models.CharField(max_length=32, unique=True)
    through = models.DateTimeField()

    class Meta:
        verbose_name = _("waits cursor")
        verbose_name_plural = _("waits cursors")

    def __str__(self) -> str:
        return f"{self.name}@{self.through:%Y-%m-%d %H:%M:%S}"
