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
    """Where a citizen's complaint about an office stands. Escalation to the regulator is a flag
    (``Complaint.escalated_at``), not a state: the complaint keeps its place in the directorate's
    handling, and both the directorate and the regulator see it."""

    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    ANSWERED = "answered", pgettext_lazy("complaint status", "Answered")
    # "Closed" as a case is settled, not as an office shut for the day (Persian has two words).
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


# States in which the directorate still owes the citizen an answer (and the answer deadline runs).
COMPLAINT_AWAITING_ANSWER = frozenset({ComplaintStatus.RECEIVED, ComplaintStatus.UNDER_REVIEW})

# A complaint is taken under review by a supervisor, answered (the citizen is told, by SMS when they
# gave a mobile), then closed with its outcome. A complaint under review may be closed at once (the
# closing reason is then what the citizen is told). A closed complaint stays closed (a new fact is a
# new complaint): the citizen's number always names one finished story.
COMPLAINT_TRANSITIONS = TransitionTable.of(
    "complaint",
    {
        ComplaintStatus.RECEIVED: {ComplaintStatus.UNDER_REVIEW},
        ComplaintStatus.UNDER_REVIEW: {ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED},
        ComplaintStatus.ANSWERED: {ComplaintStatus.CLOSED},
        ComplaintStatus.CLOSED: set(),
    },
)


class InspectionStatus(models.TextChoices):
    """Where an inspection visit stands."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    # Contexts: "Submitted" and "Reviewed" name moments elsewhere (a column, a date); here, states.
    SUBMITTED = "submitted", pgettext_lazy("inspection status", "Submitted")
    REVIEWED = "reviewed", pgettext_lazy("inspection status", "Reviewed")
    CANCELLED = "cancelled", _("Cancelled")


# A visit is planned (by the directorate or a random draw), started by its inspector in the office,
# submitted with every checklist item answered (its score is then fixed), and may be reviewed by the
# directorate. A visit not yet submitted may be cancelled with a reason; a submitted one is evidence
# and stays.
INSPECTION_TRANSITIONS = TransitionTable.of(
    "inspection",
    {
        InspectionStatus.PLANNED: {InspectionStatus.IN_PROGRESS, InspectionStatus.CANCELLED},
        InspectionStatus.IN_PROGRESS: {InspectionStatus.SUBMITTED, InspectionStatus.CANCELLED},
        InspectionStatus.SUBMITTED: {InspectionStatus.REVIEWED},
        InspectionStatus.REVIEWED: set(),
        InspectionStatus.CANCELLED: set(),
    },
)


class Severity(models.TextChoices):
    """How urgent a rule's alerts are: the board and the queues sort by it, the score weighs it."""

    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    """Where an alert stands: open until someone looks at it, then resolved (with what was done) or
    dismissed (with why it was not a problem)."""

    OPEN = "open", pgettext_lazy("alert status", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


# The states in which a repeat of the same finding folds into the alert instead of raising another.
ALERT_LIVE_STATES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)

# An alert is acknowledged (someone is on it), then resolved with a note; either state may be
# dismissed with a reason (a false alarm). Resolved and dismissed are final: the same finding later
# raises a new alert.
ALERT_TRANSITIONS = TransitionTable.of(
    "alert",
    {
        AlertStatus.OPEN: {AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
        AlertStatus.ACKNOWLEDGED: {AlertStatus.RESOLVED, AlertStatus.DISMISSED},
        AlertStatus.RESOLVED: set(),
        AlertStatus.DISMISSED: set(),
    },
)


class ComplaintOutcome(models.TextChoices):
    """What the directorate found when it closed a complaint (it feeds the office's monthly score)."""

    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


# Outcomes that may order a refund of an overcharge.
REFUNDING_OUTCOMES = frozenset({ComplaintOutcome.UPHELD, ComplaintOutcome.PARTLY_UPHELD})


class RefundStatus(models.TextChoices):
    """A refund the directorate ordered on an overcharge complaint: none, ordered, or confirmed by the
    office (late or not: lateness is ``Complaint.refund_overdue_at``, set by the worker)."""

    NONE = "none", _("No refund")
    ORDERED = "ordered", _("Refund ordered")
    CONFIRMED = "confirmed", _("Refund confirmed")


# A refund is ordered once (when the complaint is closed as upheld) and confirmed once, by the office.
REFUND_TRANSITIONS = TransitionTable.of(
    "complaint refund",
    {
        RefundStatus.NONE: {RefundStatus.ORDERED},
        RefundStatus.ORDERED: {RefundStatus.CONFIRMED},
        RefundStatus.CONFIRMED: set(),
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
