"""What every licensing write checks alike: that the person acting is the one who may, and the free text
given (a reason, a legal basis). Other domains use ``text_clean`` through ``licensing.services``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pishkhan.audit.actors import Actor, actor_user
from pishkhan.common.errors import PermissionDeniedError, ValidationError
from pishkhan.common.persian import as_written, has_control_characters

TEXT_MAX_LENGTH = 2000


def actor_is(actor: Actor, user_id: int | None, message: str) -> None:
    """Refuse (403) unless the person behind ``actor`` is the user ``user_id``."""
    user = actor_user(actor)
    if user is None or user_id is None or user.pk != user_id:
        raise PermissionDeniedError(message)


def text_clean(value: object, name: str, *, required: bool = False) -> str:
    """Free text (a reason, a legal basis) as written; control characters and overlong text refused."""
    if value is not None and not isinstance(value, str):
        message = _("This must be text.")
        raise ValidationError(message, fields={name: message})
    if isinstance(value, str) and has_control_characters(value):
        message = _("Control characters are not allowed.")
        raise ValidationError(message, fields={name: message})
    text = as_written(value or "", lines=True)
    if required and not text:
        message = {
            "reason": _("Give the reason."),
            "basis": _("Give the legal basis."),
        }.get(name, _("This is required."))
        raise ValidationError(message, fields={name: message})
    if len(text) > TEXT_MAX_LENGTH:
        message = _("This text is too long.")
        raise ValidationError(message, fields={name: message})
    return text
