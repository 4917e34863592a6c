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


class RemedyWindowClosedError(ConflictError):
    """The holder answered a sanction's notice after the remedy window closed."""

    code = "remedy-window-closed"
    title = "The remedy window has closed"


class NoLicenceInForceError(ConflictError):
    """A sanction was opened against an office that holds no licence in force."""

    code = "no-licence-in-force"
    title = "The office holds no licence in force"
