"""The refusals particular to licensing, each with its own problem type so a client can tell them apart."""

from __future__ import annotations

from pishkhan.common.errors import ConflictError, PermissionDeniedError, ValidationError


class RecentlyRevokedError(ValidationError):
    """The applicant held a licence revoked within the bar (``PISHKHAN_LICENCE_REVOCATION_BAR_YEARS``)."""

    code = "recently-revoked"
    title = "A licence of this applicant was revoked recently"


class QuotaReachedError(ConflictError):
    """Approving would put more licensed offices of a kind in force in a county than its quota allows."""

    code = "quota-reached"
    title = "The county's quota of licensed offices is reached"


class NotConnectedError(ConflictError):
    """A licence cannot become active: the office's system is not equipped (API key) or not connected."""

    code = "not-connected"
    title = "The office's system is not equipped and connected"


class RenewalWindowError(ConflictError):
    """A renewal asked for outside the window before expiry."""

    code = "renewal-window"
    title = "The licence cannot be renewed now"


class ResponseWindowOpenError(ConflictError):
    """A measure asked for while the holder's response window is still open."""

    code = "response-window-open"
    title = "The holder's response window is still open"


class AppealPendingError(ConflictError):
    """A measure asked for while the holder's appeal awaits its decision."""

    code = "appeal-pending"
    title = "An appeal awaits its decision"


class ResponseWindowClosedError(ConflictError):
    """An appeal lodged after the response window closed."""

    code = "response-window-closed"
    title = "The response window has closed"


class RemedyWindowOpenError(ConflictError):
    """A hearing asked for while the holder's remedy window (the response window) is still open."""

    code = "remedy-window-open"
    title = "The holder's remedy window is still open"


class HearingNotHeldError(ConflictError):
    """Minutes recorded before the hearing's time, or a decision before the hearing was held."""

    code = "hearing-not-held"
    title = "The hearing has not been held"


class AppealWindowOpenError(ConflictError):
    """A measure taken while the holder may still appeal the decision."""

    code = "appeal-window-open"
    title = "The appeal window is still open"


class AppealWindowClosedError(ConflictError):
    """An appeal lodged after the appeal window closed."""

    code = "appeal-window-closed"
    title = "The appeal window has closed"


class IdentityUnverifiedError(PermissionDeniedError):
    """The applying account has verified no national ID (sign-up, or verifying it on the account page)."""

    code = "identity-unverified"
    title = "The account's national ID is not verified"


class IdentityMismatchError(PermissionDeniedError):
    """An application under another national ID than the one verified for the applying account."""

    code = "identity-mismatch"
    title = "An application is made under the account's own national ID"
