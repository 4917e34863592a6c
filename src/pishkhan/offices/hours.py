"""Opening hours: their stored shape, checking it, and whether an office is open at an instant.

Pure (no database). Hours are kept as ``{"0": [["08:00", "16:00"]], …}``: the weekday of the Iranian
week (0 = Saturday … 6 = Friday, as JSON object keys are text) → a list of [open, close] times in
Tehran time. A day that is missing or has an empty list is a closed day; ``"24:00"`` closes at
midnight. A range never crosses midnight (no office in the network works nights).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from pishkhan.common.calendar import to_tehran
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits

WEEKDAYS = range(7)
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$")
MAX_RANGES_PER_DAY = 4

Hours = dict[str, list[list[str]]]

# Saturday to Wednesday 08:00–16:00, Thursday mornings, Friday closed: the usual week of an office.
DEFAULT_OPENING_HOURS: Hours = {
    **{str(day): [["08:00", "16:00"]] for day in range(5)},
    "5": [["08:00", "12:00"]],
}


def minutes_of(text: str) -> int:
    """The minute of the day of a stored time (``"08:30"`` → 510)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


_TYPED_TIME = re.compile(r"^(\d{1,2})(?:[:.٫](\d{2}))?$")


def time_of_day_clean(text: str) -> str | None:
    """A time as a person types it (``8``, ``8:30``, ``۰۸:۳۰``) in its stored form ``"08:30"``.

    None when it is not a time on the 24-hour clock (``24:00`` is midnight at the end of the day).
    """
    match = _TYPED_TIME.match(to_latin_digits(text.strip()))
    if match is None:
        return None
    stored = f"{int(match[1]):02d}:{match[2] or '00'}"
    return stored if _TIME.match(stored) else None


def opening_hours_clean(value: Any, *, field: str = "opening_hours") -> Hours:
    """The hours in their stored form, or ``ValidationError`` naming what is wrong.

    Accepts integer or text weekdays and Persian digits; ranges are sorted and must not overlap.
    """

    def refuse(message: str) -> ValidationError:
        return ValidationError(message, fields={field: message})

    if not isinstance(value, Mapping):
        raise refuse(_("Opening hours map each weekday (0 = Saturday … 6 = Friday) to a list of ranges."))
    cleaned: Hours = {}
    for key, ranges in value.items():
        day_text = to_latin_digits(str(key).strip())
        if not day_text.isdigit() or int(day_text) not in WEEKDAYS:
            raise refuse(_("%(day)s is not a weekday (0 = Saturday … 6 = Friday).") % {"day": key})
        if not isinstance(ranges, list | tuple) or len(ranges) > MAX_RANGES_PER_DAY:
            raise refuse(
                _("Each weekday has a list of at most %(count)s [open, close] ranges.")
                % {"count": MAX_RANGES_PER_DAY}
            )
        day: list[list[str]] = []
        for pair in ranges:
            if (
                not isinstance(pair, list | tuple)
                or len(pair) != 2
                or not all(isinstance(t, str) for t in pair)
            ):
                raise refuse(_('A range is ["HH:MM", "HH:MM"].'))
            opens, closes = (to_latin_digits(t.strip()) for t in pair)
            if not _TIME.match(opens) or not _TIME.match(closes):
                raise refuse(_("Times are written HH:MM, from 00:00 to 24:00."))
            if minutes_of(opens) >= minutes_of(closes):
                raise refuse(
                    _("A range must close after it opens (%(open)s–%(close)s).")
                    % {"open": opens, "close": closes}
                )
            day.append([opens, closes])
        day.sort(key=lambda pair: minutes_of(pair[0]))
        for (_open, close), (next_open, _close) in itertools.pairwise(day):
            if minutes_of(next_open) < minutes_of(close):
                raise refuse(_("The ranges of one day overlap."))
        if day:
            cleaned[str(int(day_text))] = day
    return dict(sorted(cleaned.items()))


def iranian_weekday(day: dt.date) -> int:
    """0 for Saturday … 6 for Friday (Python counts from Monday)."""
    return (day.weekday() + 2) % 7


def week_minute(at: dt.datetime) -> tuple[int, int]:
    """(weekday of the Iranian week, minute of the day) of an instant in Tehran; naive is taken as UTC."""
    local = to_tehran(at)
    return iranian_weekday(local.date()), local.hour * 60 + local.minute


def is_open_at(hours: Mapping[str, list[list[str]]], weekday: int, minute: int) -> bool:
    """Whether the hours have the office open at a minute of a weekday (see :func:`week_minute`)."""
    return any(
        minutes_of(opens) <= minute < minutes_of(closes) for opens, closes in hours.get(str(weekday), ())
    )


def is_open(hours: Mapping[str, list[list[str]]], at: dt.datetime) -> bool:
    """Whether the hours have the office open at the instant ``at`` (aware; naive is taken as UTC)."""
    return is_open_at(hours, *week_minute(at))
