"""The states of an office and of a conversion, and the moves between them, as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.catalogue.kinds import LICENSED_KINDS
from pishkhan.common.transitions import TransitionTable


class OfficeStatus(models.TextChoices):
    """Whether an office serves citizens."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


# A suspended office may reopen; a closed one never does (its code is retired with it).
OFFICE_TRANSITIONS = TransitionTable.of(
    "office",
    {
        OfficeStatus.ACTIVE: {OfficeStatus.SUSPENDED, OfficeStatus.CLOSED},
        OfficeStatus.SUSPENDED: {OfficeStatus.ACTIVE, OfficeStatus.CLOSED},
        OfficeStatus.CLOSED: set(),
    },
)


class ServingHold(models.TextChoices):
    """Why an office that the registry lists does not serve citizens now; blank: it serves.

    Set by licensing at every change of the office's licence (offices sit below licensing and cannot
    ask it), so that the public search and the directory read it with the office's own row.
    """

    # A kind that needs a licence (``catalogue.kinds.LICENSED_KINDS``) and none issued yet: how every
    # such office starts (``unlicensed_hold``), until licensing issues its first licence.
    UNLICENSED = "unlicensed", _("No licence")
    NOT_YET_ACTIVE = "not_yet_active", _("Licence not yet active")
    SUSPENDED = "suspended", _("Licence suspended")
    REVOKED = "revoked", _("Licence revoked")
    EXPIRED = "expired", _("Licence expired")
    SURRENDERED = "surrendered", _("Licence surrendered")


def unlicensed_hold(kind: str) -> str:
    """What an office of ``kind`` shows before it holds any licence: an office the regulator licenses
    does not serve citizens until licensing issues its licence (and then until it is active); the
    parallel networks' offices, which hold no CRA licence, serve."""
    return ServingHold.UNLICENSED if kind in LICENSED_KINDS else ""


class ConversionState(models.TextChoices):
    """Where the conversion of a parallel or ICT office into a Pishkhan office stands."""

    REQUESTED = "requested", _("Requested")
    UNDER_REVIEW = "under_review", _("Under review")
    CONVERTED = "converted", _("Converted")
    REFUSED = "refused", _("Refused")
    OVERDUE = "overdue", _("Overdue")


# Overdue means the legal deadline passed without a decision; a decision may still come, late, and the
# late ones are exactly what the regulator must see, so overdue stays open until decided.
CONVERSION_TRANSITIONS = TransitionTable.of(
    "conversion",
    {
        ConversionState.REQUESTED: {
            ConversionState.UNDER_REVIEW,
            ConversionState.REFUSED,
            ConversionState.OVERDUE,
        },
        ConversionState.UNDER_REVIEW: {
            ConversionState.CONVERTED,
            ConversionState.REFUSED,
            ConversionState.OVERDUE,
        },
        ConversionState.OVERDUE: {ConversionState.CONVERTED, ConversionState.REFUSED},
        ConversionState.CONVERTED: set(),
        ConversionState.REFUSED: set(),
    },
)

# An office may have at most one conversion in these states (a database constraint too).
OPEN_CONVERSION_STATES = frozenset(
    {ConversionState.REQUESTED, ConversionState.UNDER_REVIEW, ConversionState.OVERDUE}
)
# Open and still within the deadline: what the board counts as pending.
PENDING_CONVERSION_STATES = frozenset({ConversionState.REQUESTED, ConversionState.UNDER_REVIEW})
DECIDED_CONVERSION_STATES = frozenset({ConversionState.CONVERTED, ConversionState.REFUSED})
