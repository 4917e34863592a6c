"""The gateway's durable outbox: requests to agencies' back-ends, every attempt to deliver them, and
the secret each agency shares with Pishkhan to sign messages both ways.

Rows are written only by ``services.py`` (the counter's single write runs the gateway's own INSERT,
``services.submission_insert_sql``, inside its one statement). The outbox is the record: a request
is stored before any attempt is made, so a crash, a restart or an agency outage loses nothing.

Sealed at rest (``pishkhan.common.sealing``): a request's payload, which carries a citizen's full
identifiers, for as long as it may still be sent (it is erased once the agency has taken the request),
and each agency's shared secret.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.models import Agency
from pishkhan.common.sealing import unseal, unseal_json
from pishkhan.gateway.states import AttemptOutcome, OutboundState

IDEMPOTENCY_KEY_LENGTH = 64
ERROR_LENGTH = 1000


class OutboundRequest(models.Model):
    """One submission to deliver to an agency, once, whatever the failures on the way."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="outbound_requests")
    # The caller's submission id; also the request id the agency sees and answers with. Unique by a
    # constraint (below): ``unique=True`` would add a pattern-matching index on PostgreSQL, never used.
    idempotency_key = models.CharField(_("idempotency key"), max_length=IDEMPOTENCY_KEY_LENGTH)
    # The JSON payload, sealed; "" once the agency has taken the request (nothing left to send).
    payload_sealed = models.TextField(_("payload (sealed)"), blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # For a pending row: when to try next. For an in-flight row: when its worker's lease runs out.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=ERROR_LENGTH, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_applied_at = models.DateTimeField(_("result applied at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbound request")
        verbose_name_plural = _("outbound requests")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="gateway_outbound_due")]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="gateway_outbound_key_unique"),
            models.CheckConstraint(
                condition=~Q(state__in=[OutboundState.PENDING, OutboundState.IN_FLIGHT])
                | Q(next_attempt_at__isnull=False),
                name="gateway_outbound_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(result_applied_at__isnull=True) | Q(state=OutboundState.DELIVERED),
                name="gateway_outbound_applied_when_delivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} → {self.agency_id} ({self.state})"

    @property
    def payload(self) -> dict | None:
        """The payload to send, unsealed; ``None`` once it was erased after delivery."""
        return unseal_json(self.payload_sealed) if self.payload_sealed else None


class DeliveryAttempt(models.Model):
    """One try to hand a request to the agency's back-end, with how it ended."""

    request = models.ForeignKey(OutboundRequest, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveIntegerField(_("number"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AttemptOutcome.choices, default=AttemptOutcome.RUNNING
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=ERROR_LENGTH, blank=True)

    class Meta:
        ordering = ["request", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="gateway_attempt_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.number} {self.outcome}"


class AgencyCredential(models.Model):
    """The secret an agency shares with Pishkhan to sign requests and callbacks, sealed at rest."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="gateway_credential")
    secret_sealed = models.TextField(_("shared secret (sealed)"), editable=False)
    rotated_at = models.DateTimeField(_("rotated"))

    class Meta:
        verbose_name = _("agency credential")
        verbose_name_plural = _("agency credentials")

    def __str__(self) -> str:
        return f"credential of {self.agency_id}"

    @property
    def secret(self) -> str:
        """The shared secret, unsealed."""
        return unseal(self.secret_sealed)
