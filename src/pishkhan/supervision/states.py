"""The states of an inactivity campaign and of each licence's case in it, as data.

Design: docs/decisions/0008-inactivity-campaigns.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pishkhan.common.transitions import TransitionTable


class Criterion(models.TextChoices):
    """Why a licence looks inactive."""

    NEVER_ACTIVATED = "never_activated", _("Issued and never activated")
    IDLE = "idle", _("Active without transactions")


class CampaignStatus(models.TextChoices):
    """Where a campaign stands: notices served (its grace period, then its conclusion), or closed."""

    NOTICED = "noticed", _("Notices served")
    CLOSED = "closed", _("Concluded")


# A campaign is started with its notices (nothing half-started exists) and closes once every case
# has its outcome. At most one campaign is open at a time.
CAMPAIGN_TRANSITIONS = TransitionTable.of(
    "inactivity campaign",
    {CampaignStatus.NOTICED: {CampaignStatus.CLOSED}, CampaignStatus.CLOSED: set()},
)


class CaseOutcome(models.TextChoices):
    """What became of one licence in a campaign."""

    PENDING = "pending", _("Pending")
    REVOKED = "revoked", _("Revoked")
    KEPT_ACTIVITY = "kept_activity", _("Kept: activity shown")
    KEPT_APPEAL = "kept_appeal", _("Kept: appeal accepted")
    ENDED = "ended", _("Licence ended otherwise")


# A case is decided once: revoked when the grace period passed without activity and no appeal awaits
# its decision; kept when the office showed activity or the appeal was accepted; "ended" when the
# licence was surrendered, expired or revoked otherwise meanwhile.
CASE_TRANSITIONS = TransitionTable.of(
    "campaign case",
    {
        CaseOutcome.PENDING: {
            CaseOutcome.REVOKED,
            CaseOutcome.KEPT_ACTIVITY,
            CaseOutcome.KEPT_APPEAL,
            CaseOutcome.ENDED,
        },
        CaseOutcome.REVOKED: set(),
        CaseOutcome.KEPT_ACTIVITY: set(),
        CaseOutcome.KEPT_APPEAL: set(),
        CaseOutcome.ENDED: set(),
    },
)


class ComplaintStatus(models.TextChoices):
    """Where a citizen's complaint about an office stands."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    # "Closed" as a case is settled, not as an office shut for the day (Persian has two words).
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


# A complaint is taken under review by a supervisor before it is closed, and a closed complaint
# stays closed (a new fact is a new complaint): the citizen's number always names one finished story.
COMPLAINT_TRANSITIONS = TransitionTable.of(
    "complaint",
    {
        ComplaintStatus.RECEIVED: {ComplaintStatus.UNDER_REVIEW},
        ComplaintStatus.UNDER_REVIEW: {ComplaintStatus.CLOSED},
        ComplaintStatus.CLOSED: set(),
    },
)


class SanctionStatus(models.TextChoices):
    """Where a sanction case stands on its due process (ADR 0010)."""

    NOTICED = "noticed", _("Notice served; remedy window")
    ANSWERED = "answered", _("Holder answered")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARD = "heard", _("Heard")
    DECIDED = "decided", _("Decided; appeal window")
    APPEALED = "appealed", _("Appealed")
    APPEAL_DECIDED = "appeal_decided", _("Appeal refused")
    ENFORCED = "enforced", _("Measure enforced")
    CLOSED = "closed", pgettext_lazy("sanction status", "Closed without measure")


# No step is skipped: the notice opens the remedy window (the holder may answer in it); the hearing
# is set once the window has closed, held with its minutes, then the measure is decided; the appeal
# is lodged after the decision and within its window; the measure is enforced once the window has
# closed or the appeal was refused. Remedied or dropped before the decision, or an appeal accepted:
# closed without a measure (after a decision only when the licence ended otherwise: the service
# checks). Enforced and closed are final.
SANCTION_TRANSITIONS = TransitionTable.of(
    "sanction case",
    {
        SanctionStatus.NOTICED: {
            SanctionStatus.ANSWERED,
            SanctionStatus.HEARING_SCHEDULED,
            SanctionStatus.CLOSED,
        },
        SanctionStatus.ANSWERED: {SanctionStatus.HEARING_SCHEDULED, SanctionStatus.CLOSED},
        SanctionStatus.HEARING_SCHEDULED: {SanctionStatus.HEARD, SanctionStatus.CLOSED},
        SanctionStatus.HEARD: {SanctionStatus.DECIDED, SanctionStatus.CLOSED},
        SanctionStatus.DECIDED: {SanctionStatus.APPEALED, SanctionStatus.ENFORCED, SanctionStatus.CLOSED},
        SanctionStatus.APPEALED: {SanctionStatus.APPEAL_DECIDED, SanctionStatus.CLOSED},
        SanctionStatus.APPEAL_DECIDED: {SanctionStatus.ENFORCED, SanctionStatus.CLOSED},
        SanctionStatus.ENFORCED: set(),
        SanctionStatus.CLOSED: set(),
    },
)

OPEN_SANCTION_STATES = frozenset(
    set(SanctionStatus.values) - {SanctionStatus.ENFORCED, SanctionStatus.CLOSED}
)
# A decision stands in these states: they count as offences when the next case's measure is proposed.
DECIDED_SANCTION_STATES = frozenset(
    {SanctionStatus.DECIDED, SanctionStatus.APPEALED, SanctionStatus.APPEAL_DECIDED, SanctionStatus.ENFORCED}
)
