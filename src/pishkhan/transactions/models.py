"""Counter transactions (with the idempotency keys of the requests that recorded them), their history,
and offices' heartbeats.

Privacy (issue 4 §6): a citizen's national ID is kept as a keyed hash (``citizen_key``, for look-ups)
and masked (for display). The full national ID and mobile travel to the agency inside the gateway's
sealed payload, erased once the agency has taken the request; the full mobile is also kept here, sealed
(``mobile_sealed``), only until the completion SMS is sent.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.common.identifiers import TRACKING_CODE_LENGTH
from pishkhan.transactions.states import TransactionState

OFFICE_REFERENCE_MAX = 64
CLERK_MAX = 100
IDEMPOTENCY_KEY_MAX = 128
TERMINAL_ID_MAX = 64
SOFTWARE_VERSION_MAX = 64
AGENCY_REFERENCE_MAX = 64


def fees_differ(charged: int, tariff: int | None) -> bool:
    """Whether a fee charged differs from the tariff's (an unknown tariff: no): evidence for supervision."""
    return tariff is not None and charged != tariff


class CounterTransaction(models.Model):
    """One service an office performed for a citizen, as the office's system reported it."""

    # Unique by a constraint (below), not ``unique=True``: on PostgreSQL that would add a second,
    # pattern-matching index, and codes are only ever matched whole. Every index here is written by every
    # counter request; the office and service are indexed by the composite indexes they lead.
    tracking_code = models.CharField(_("tracking code"), max_length=TRACKING_CODE_LENGTH)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("office"),
        db_index=False,
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("service"),
        db_index=False,
    )
    clerk = models.CharField(_("clerk"), max_length=CLERK_MAX, blank=True)
    office_reference = models.CharField(_("office's reference"), max_length=OFFICE_REFERENCE_MAX)
    citizen_key = models.CharField(_("citizen key"), max_length=64, editable=False)
    citizen_masked = models.CharField(_("citizen national ID (masked)"), max_length=10)
    mobile_masked = models.CharField(_("mobile (masked)"), max_length=11, blank=True)
    # The full mobile, sealed, until the citizen has been told the outcome; then "".
    mobile_sealed = models.TextField(_("mobile (sealed)"), blank=True, editable=False)
    # As charged, never corrected: a fee unlike the tariff is evidence for supervision.
    fee_charged = models.BigIntegerField(_("fee charged (rials)"))
    fee_tariff = models.BigIntegerField(_("tariff fee (rials)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=TransactionState.choices, default=TransactionState.RECEIVED
    )
    recorded_at = models.DateTimeField(_("recorded at the office"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The agency's own reference for the work it did, from its answer.
    agency_reference = models.CharField(_("agency's reference"), max_length=AGENCY_REFERENCE_MAX, blank=True)
    notified_at = models.DateTimeField(_("citizen notified"), null=True, blank=True)
    # The last step the citizen's messages were enqueued for (services/notices.py), set by the worker
    # only: the counter's INSERT leaves it to the database's default.
    notified_state = models.CharField(max_length=12, blank=True, default="", db_default="", editable=False)
    # The office system's Idempotency-Key of the request that recorded it ("" for a batch item, which
    # its office reference identifies), and the fingerprint of that request's body: a retry with the
    # same key and body gets this transaction's first answer again; another body, a conflict.
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX, blank=True, editable=False)
    request_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("counter transaction")
        verbose_name_plural = _("counter transactions")
        indexes = [
            # A citizen's transactions, by the keyed hash of the national ID (matched whole).
            models.Index(fields=["citizen_key"], name="transactions_citizen"),
            models.Index(fields=["office", "-received_at"], name="transactions_office_recv"),
            models.Index(fields=["service", "-received_at"], name="transactions_service_recv"),
            # National and provincial searches by period, newest first.
            models.Index(fields=["-received_at"], name="transactions_received"),
            # The few transactions whose citizen still awaits an SMS, found without scanning the rest.
            models.Index(
                fields=["finished_at"], condition=~Q(mobile_sealed=""), name="transactions_to_notify"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_code"], name="transactions_tracking_code_unique"),
            models.UniqueConstraint(
                fields=["office", "office_reference"], name="transactions_office_reference_unique"
            ),
            # What makes two concurrent identical requests create one transaction: the second insert
            # waits for the first to commit, fails, and answers as the first did.
            models.UniqueConstraint(
                fields=["office", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="transactions_request_key_unique",
            ),
            models.CheckConstraint(condition=Q(fee_charged__gte=0), name="transactions_fee_charged_positive"),
            models.CheckConstraint(
                condition=Q(state__in=TransactionState.values), name="transactions_state_known"
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def fee_differs(self) -> bool:
        """Whether the office charged other than the tariff in force (unknown tariff: no)."""
        return fees_differ(self.fee_charged, self.fee_tariff)


class TransactionEvent(models.Model):
    """One change of a transaction's state, when it happened and why: its history."""

    transaction = models.ForeignKey(
        CounterTransaction, on_delete=models.CASCADE, related_name="events", verbose_name=_("transaction")
    )
    from_state = models.CharField(_("from"), max_length=12, blank=True)  # "" for its creation
    to_state = models.CharField(_("to"), max_length=12)
    at = models.DateTimeField(_("at"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("transaction event")
        verbose_name_plural = _("transaction events")

    def __str__(self) -> str:
        return f"{self.transaction_id}: {self.from_state or '-'} → {self.to_state}"


class Heartbeat(models.Model):
    """A sign of life from one terminal of an office's system (sent about once a minute)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="heartbeats", verbose_name=_("office")
    )
    terminal_id = models.CharField(_("terminal"), max_length=TERMINAL_ID_MAX)
    software_version = models.CharField(_("software version"), max_length=SOFTWARE_VERSION_MAX)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        indexes = [models.Index(fields=["office", "-at"], name="transactions_beat_office_at")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.terminal_id} {self.at:%Y-%m-%d %H:%M}"


class OfficeLiveness(models.Model):
    """When an office was last heard from: one row per office, so a map of thousands reads it cheaply."""

    office = models.OneToOneField(
        "offices.Office", on_delete=models.CASCADE, related_name="liveness", verbose_name=_("office")
    )
    last_seen_at = models.DateTimeField(_("last seen"))
    terminal_id = models.CharField(_("terminal"), max_length=TERMINAL_ID_MAX)
    software_version = models.CharField(_("software version"), max_length=SOFTWARE_VERSION_MAX)

    class Meta:
        verbose_name = _("office liveness")
        verbose_name_plural = _("office liveness")

    def __str__(self) -> str:
        return f"{self.office_id} {self.last_seen_at:%Y-%m-%d %H:%M}"
