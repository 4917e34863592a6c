"""The regulator's criteria of an inactive licence, and the defaults it starts from.

(a) issued and never activated within ``never_activated_days`` of its issue; (b) active but without a
counter transaction for ``idle_days``. Zero turns a criterion off; at least one must be on. A
campaign keeps the criteria it was started with (``InactivityCampaign``), so its cases can be
explained later whatever the defaults have become.

A pure core: no Django (an import-linter contract holds it so). Its refusals are English msgids,
marked with ``_`` for makemessages and translated by the translator the supervision app registers
when Django starts (``apps.py``: Django's gettext); without one they stay English.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits

_translate: Callable[[str], str] = str


def translator_register(translate: Callable[[str], str]) -> None:
    """Translate this module's messages with ``translate`` (the supervision app gives Django's gettext)."""
    global _translate  # the translator is this module's one piece of state
    _translate = translate


def _(message: str) -> str:
    return _translate(message)


DEFAULT_NEVER_ACTIVATED_DAYS = 90
DEFAULT_IDLE_DAYS = 180
DEFAULT_GRACE_DAYS = 30
MAX_DAYS = 3650  # ten years: beyond any licence's term
MAX_GRACE_DAYS = 365


@dataclass(frozen=True)
class InactivityCriteria:
    """What makes a licence a candidate for revocation; ``province`` (a code) narrows it to one province."""

    never_activated_days: int = DEFAULT_NEVER_ACTIVATED_DAYS
    idle_days: int = DEFAULT_IDLE_DAYS
    province: str | None = None

    @classmethod
    def of(
        cls,
        *,
        never_activated_days: object = DEFAULT_NEVER_ACTIVATED_DAYS,
        idle_days: object = DEFAULT_IDLE_DAYS,
        province: object = None,
    ) -> InactivityCriteria:
        """Criteria from input (a form, the API, the command line): 422 naming the field that is wrong."""
        never = days_clean(never_activated_days, "never_activated_days", maximum=MAX_DAYS)
        idle = days_clean(idle_days, "idle_days", maximum=MAX_DAYS)
        if not never and not idle:
            message = _("Set at least one criterion: days without activation or days without transactions.")
            raise ValidationError(message, fields={"never_activated_days": message, "idle_days": message})
        code = to_latin_digits(str(province or "").strip())
        if code and (len(code) != 2 or not code.isdigit()):
            message = _("A province code is two digits.")
            raise ValidationError(message, fields={"province": message})
        return cls(never_activated_days=never, idle_days=idle, province=code or None)


def days_clean(value: object, name: str, *, maximum: int) -> int:
    """A whole number of days from 0 to ``maximum``; 422 naming ``name`` otherwise."""
    if isinstance(value, bool):
        value = None
    try:
        days = int(to_latin_digits(str(value).strip())) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= maximum:
        message = _("Give a whole number of days from 0 to %(maximum)s.") % {"maximum": maximum}
        raise ValidationError(message, fields={name: message})
    return days
