"""The ``actor`` filter: who did a thing, in words, from the label the audit log stores.

The log names an actor by a stable label ("user:regulator", "apikey:ab12cd34", "system",
"worker:licences_expire_due", "command:conversions_mark_overdue"), which suits a machine and not a
page: a person is shown by name and role, an office's system by its office, a job or a command as
the system itself.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from pishkhan.accounts.models import HolderKind, User
from pishkhan.accounts.roles import Role
from pishkhan.accounts.selectors import apikey_get, user_get_by_username

register = template.Library()


def _person(user: User) -> str:
    name = user.get_full_name() or user.get_username()
    if user.role in Role.values:
        return _("%(name)s (%(role)s)") % {"name": name, "role": Role(user.role).label}
    return name


@register.filter
def actor(label: object) -> str:
    """The actor of an audit entry or a recorded step, in words (a label it does not know, as is)."""
    text = str(label or "")
    kind, _sep, name = text.partition(":")
    if text in ("", "system") or kind in ("worker", "command"):
        return _("the system (automatically)")
    if kind == "user":
        user = user_get_by_username(username=name)
        return _person(user) if user is not None else name
    if kind == "apikey":
        key = apikey_get(prefix=name)
        if key is None:
            return _("a machine client")
        if key.holder_kind == HolderKind.USER and key.user is not None:
            return _person(key.user)
        if key.holder_kind == HolderKind.OFFICE:
            return _("the system of office %(code)s") % {"code": key.holder_code}
        return _("the back-end of agency %(code)s") % {"code": key.holder_code}
    return text
