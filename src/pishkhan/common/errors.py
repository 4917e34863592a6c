"""Domain errors. Services raise these; the API turns them into problem+json and pages into form errors.

Every error carries a stable machine-readable ``code`` (the last part of the problem ``type``), an
HTTP ``status`` for the API, a human ``title`` and ``detail``, and optional per-field messages.
"""

from __future__ import annotations

from collections.abc import Mapping


class ApplicationError(Exception):
    """A request the domain refuses; never a bug."""

    status: int = 400
    code: str = "invalid-request"
    title: str = "The request cannot be carried out"

    def __init__(self, detail: str = "", *, fields: Mapping[str, list[str] | str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.fields: dict[str, list[str]] = {
            name: [messages] if isinstance(messages, str) else list(messages)
            for name, messages in (fields or {}).items()
        }


class ValidationError(ApplicationError):
    """Input that breaks a rule: a malformed identifier, an unknown code, a value out of range."""

    status = 422
    code = "validation-error"
    title = "The input is not valid"


class NotFoundError(ApplicationError):
    """The thing asked for does not exist (or is outside the caller's jurisdiction)."""

    status = 404
    code = "not-found"
    title = "Not found"


class PermissionDeniedError(ApplicationError):
    """The caller is known but may not do this here."""

    status = 403
    code = "permission-denied"
    title = "Permission denied"


class ConflictError(ApplicationError):
    """The request clashes with the current state (a taken code, a concurrent change)."""

    status = 409
    code = "conflict"
    title = "Conflict with the current state"


class TransitionError(ConflictError):
    """A state change that the transition table does not allow."""

    code = "illegal-transition"
    title = "This change of state is not allowed"


class ThrottledError(ApplicationError):
    """Too many failed attempts from one address: try again after ``retry_after`` seconds."""

    status = 429
    code = "too-many-requests"
    title = "Too many failed attempts"

    def __init__(self, detail: str = "", *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class UnsupportedMediaTypeError(ApplicationError):
    """A JSON body sent under another content type than ``application/json``."""

    status = 415
    code = "unsupported-media-type"
    title = "The body must be JSON sent as application/json"


JSON_CONTENT_TYPE = "application/json"


def json_content_type_require(content_type: str | None) -> None:
    """Refuse (415) a body whose content type is not ``application/json`` (parameters such as the
    charset aside): a page of another site can post ``text/plain`` without the browser asking first."""
    if content_type != JSON_CONTENT_TYPE:
        raise UnsupportedMediaTypeError(
            f"This operation reads a JSON body sent with Content-Type: {JSON_CONTENT_TYPE}; "
            f"the request's was {content_type or 'missing'}."
        )
