"""The states of a licence application and of a licence, and the moves between them, as data.

Design and refinements: docs/decisions/0007-licensing.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pishkhan.common.transitions import TransitionTable


class ApplicationStatus(models.TextChoices):
    """Where a licence application stands: the directorate reviews, the regulator decides."""

    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The provincial directorate takes an application and recommends it or not; the regulator decides
# either way (a recommendation advises, it does not bind). The applicant may withdraw until a decision.
APPLICATION_TRANSITIONS = TransitionTable.of(
    "licence application",
    {
        ApplicationStatus.SUBMITTED: {ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.UNDER_REVIEW: {
            ApplicationStatus.RECOMMENDED,
            ApplicationStatus.NOT_RECOMMENDED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.RECOMMENDED: {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REFUSED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.NOT_RECOMMENDED: {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REFUSED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.APPROVED: set(),
        ApplicationStatus.REFUSED: set(),
        ApplicationStatus.WITHDRAWN: set(),
    },
)

# Not yet decided nor withdrawn: an applicant has at most one of these per county and kind of office.
OPEN_APPLICATION_STATES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.RECOMMENDED,
        ApplicationStatus.NOT_RECOMMENDED,
    }
)
REVIEW_OUTCOMES = frozenset({ApplicationStatus.RECOMMENDED, ApplicationStatus.NOT_RECOMMENDED})
DECISION_OUTCOMES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REFUSED})


class LicenceStatus(models.TextChoices):
    """Where a licence stands. Only an active licence lets its office post transactions."""

    ISSUED = "issued", _("Issued")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SURRENDERED = "surrendered", _("Surrendered")


# Issued becomes active once the office's system is equipped and connected (an API key and a first
# sign of life); a suspension ends by reinstatement (back to active). Revoked, expired and
# surrendered are final: a new licence needs a new application.
LICENCE_TRANSITIONS = TransitionTable.of(
    "licence",
    {
        LicenceStatus.ISSUED: {
            LicenceStatus.ACTIVE,
            LicenceStatus.REVOKED,
            LicenceStatus.SURRENDERED,
            LicenceStatus.EXPIRED,
        },
        LicenceStatus.ACTIVE: {
            LicenceStatus.SUSPENDED,
            LicenceStatus.REVOKED,
            LicenceStatus.EXPIRED,
            LicenceStatus.SURRENDERED,
        },
        LicenceStatus.SUSPENDED: {
            LicenceStatus.ACTIVE,
            LicenceStatus.REVOKED,
            LicenceStatus.SURRENDERED,
            LicenceStatus.EXPIRED,
        },
        LicenceStatus.REVOKED: set(),
        LicenceStatus.EXPIRED: set(),
        LicenceStatus.SURRENDERED: set(),
    },
)

# In force: the licence still holds the office's place (an office has at most one), and it counts
# against its county's quota.
IN_FORCE_STATES = frozenset({LicenceStatus.ISSUED, LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED})
ENDED_STATES = frozenset({LicenceStatus.REVOKED, LicenceStatus.EXPIRED, LicenceStatus.SURRENDERED})


class ProceedingMeasure(models.TextChoices):
    """What a proceeding against a licence proposes, then decides: the sanctions' graded ladder.

    Inactivity campaigns propose revocation; a sanction case any rung (ADR 0010).
    """

    WARNING = "warning", _("Written warning")
    FINE = "fine", _("Fine")
    SUSPENSION = "suspension", _("Suspension")
    REVOCATION = "revocation", _("Revocation")


class ProceedingTrack(models.TextChoices):
    """Which due process a proceeding follows.

    ``notice`` (inactivity campaigns, ADR 0008): notice, response window (appeal within it), measure.
    ``hearing`` (sanctions, ADR 0010): notice, remedy window, hearing with minutes, decision with the
    measure, appeal within the appeal window, enforcement.
    """

    NOTICE = "notice", _("Notice and response")
    HEARING = "hearing", _("Notice, hearing and decision")


class ProceedingStatus(models.TextChoices):
    """Where a proceeding against a licence stands: the due process owed before a measure is taken."""

    NOTICED = "noticed", _("Notice served")
    HEARD = "heard", _("Holder heard")
    DECIDED = "decided", _("Decided; appeal window open")
    APPEALED = "appealed", _("Appeal lodged")
    APPEAL_REFUSED = "appeal_refused", _("Appeal refused")
    DROPPED = "dropped", _("Closed without the measure")
    ENFORCED = "enforced", _("Measure taken")


# A notice opens the response window. The holder may appeal within it; the regulator decides the
# appeal (accepted: the proceeding is dropped). Once the window has closed with no appeal pending the
# measure is taken, unless the proceeding is dropped first (the office showed activity, the licence
# ended otherwise). Dropped and enforced are final.
PROCEEDING_TRANSITIONS = TransitionTable.of(
    "proceeding",
    {
        ProceedingStatus.NOTICED: {
            ProceedingStatus.APPEALED,
            ProceedingStatus.APPEAL_REFUSED,
            ProceedingStatus.DROPPED,
            ProceedingStatus.ENFORCED,
        },
        ProceedingStatus.APPEALED: {ProceedingStatus.APPEAL_REFUSED, ProceedingStatus.DROPPED},
        ProceedingStatus.APPEAL_REFUSED: {ProceedingStatus.DROPPED, ProceedingStatus.ENFORCED},
        ProceedingStatus.DROPPED: set(),
        ProceedingStatus.ENFORCED: set(),
        # The hearing track's own states: a proceeding on the notice track never reaches them.
        ProceedingStatus.HEARD: set(),
        ProceedingStatus.DECIDED: set(),
    },
)

# The hearing track (sanctions): no step is skipped. The holder is heard (minutes recorded) after the
# remedy window; the decision names the measure and opens the appeal window; an appeal is lodged
# within it, after the decision; the measure is taken once the window has closed or the appeal was
# refused. Accepted appeal, remedied ground or licence ended otherwise: dropped.
HEARING_PROCEEDING_TRANSITIONS = TransitionTable.of(
    "proceeding (hearing)",
    {
        ProceedingStatus.NOTICED: {ProceedingStatus.HEARD, ProceedingStatus.DROPPED},
        ProceedingStatus.HEARD: {ProceedingStatus.DECIDED, ProceedingStatus.DROPPED},
        ProceedingStatus.DECIDED: {
            ProceedingStatus.APPEALED,
            ProceedingStatus.ENFORCED,
            ProceedingStatus.DROPPED,
        },
        ProceedingStatus.APPEALED: {ProceedingStatus.APPEAL_REFUSED, ProceedingStatus.DROPPED},
        ProceedingStatus.APPEAL_REFUSED: {ProceedingStatus.ENFORCED, ProceedingStatus.DROPPED},
        ProceedingStatus.DROPPED: set(),
        ProceedingStatus.ENFORCED: set(),
    },
)


def proceeding_transitions(track: str) -> TransitionTable:
    """The transition table of a proceeding's track."""
    return HEARING_PROCEEDING_TRANSITIONS if track == ProceedingTrack.HEARING else PROCEEDING_TRANSITIONS


# Still open: a licence has at most one open proceeding.
OPEN_PROCEEDING_STATES = frozenset(
    {
        ProceedingStatus.NOTICED,
        ProceedingStatus.HEARD,
        ProceedingStatus.DECIDED,
        ProceedingStatus.APPEALED,
        ProceedingStatus.APPEAL_REFUSED,
    }
)
