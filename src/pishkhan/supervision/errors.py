"""The refusals particular to supervision's campaigns, each with its own problem type."""

from __future__ import annotations

from pishkhan.common.errors import ConflictError


class CampaignOpenError(ConflictError):
    """A campaign was asked for while another is still open."""

    code = "campaign-open"
    title = "Another inactivity campaign is still open"


class NoCandidatesError(ConflictError):
    """A campaign was asked for with criteria that no licence meets today."""

    code = "no-candidates"
    title = "No licence meets the criteria"


class GracePeriodRunningError(ConflictError):
    """A campaign was asked to conclude before its grace period ended."""

    code = "grace-period-running"
    title = "The campaign's grace period has not ended"
