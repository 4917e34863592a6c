"""The Jalali (Solar Hijri) calendar in Asia/Tehran, for display and for reading typed dates:
storage is always UTC and Gregorian."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import jdatetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pydantic import AfterValidator

from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import to_latin_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip


WEEKDAY_INITIALS_FA = ("ش", "ی", "د", "س", "چ", "پ", "ج")  # Saturday first, as the Iranian week
WEEKDAY_INITIALS_EN = ("Sa", "Su", "Mo", "Tu", "We", "Th", "Fr")

# The years a typed date may fall in, in either calendar. They do not overlap, so the year alone
# says which calendar a date was written in: 1405/09/14 is Jalali, 2026-12-05 Gregorian. Both
# ranges span the same days (Farvardin 1300 is 21 March 1921; Esfand 1499 ends in March 2121).
JALALI_YEARS = range(1300, 1500)
GREGORIAN_YEARS = range(1921, 2122)
FIRST_DAY = jdatetime.date(JALALI_YEARS.start, 1, 1).togregorian()
LAST_DAY = jdatetime.date(JALALI_YEARS.stop, 1, 1).togregorian() - dt.timedelta(days=1)
_TYPED_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})")
TYPED_DATE_MAX_LENGTH = 24


class DateCalendar(StrEnum):
    """The calendar a typed date was written in."""

    JALALI = "jalali"
    GREGORIAN = "gregorian"


@dataclass(frozen=True)
class TypedDate:
    """A date as read from what a person typed: the day (Gregorian) and the calendar it was written in."""

    day: dt.date
    calendar: DateCalendar


def _shown(number: int) -> str:
    """A number in a message, in the digits of the active language."""
    text = str(number)
    return to_persian_digits(text) if (get_language() or "fa").startswith("fa") else text


def date_parse(text: str) -> TypedDate:
    """Read a typed date, Jalali (``1405/09/14``) or Gregorian (``2026-12-05``), in any digits.

    The year tells the calendars apart (:data:`JALALI_YEARS`, :data:`GREGORIAN_YEARS`). Anything
    else is a ``ValidationError`` saying what is wrong, in the active language: never an exception
    of another kind, whatever the text.
    """
    typed = to_latin_digits(str(text)).strip()
    match = _TYPED_DATE.fullmatch(typed[: TYPED_DATE_MAX_LENGTH + 1])
    if match is None:
        raise ValidationError(_("Write the date as year/month/day, e.g. 1405/09/14."))
    year, month, day = (int(part) for part in match.groups())
    if year in JALALI_YEARS:
        try:
            return TypedDate(jdatetime.date(year, month, day).togregorian(), DateCalendar.JALALI)
        except ValueError:
            raise ValidationError(
                _("There is no day %(day)s of month %(month)s in the Jalali year %(year)s.")
                % {"day": _shown(day), "month": _shown(month), "year": _shown(year)}
            ) from None
    if year in GREGORIAN_YEARS:
        try:
            return TypedDate(dt.date(year, month, day), DateCalendar.GREGORIAN)
        except ValueError:
            raise ValidationError(
                _("There is no day %(day)s of month %(month)s in the Gregorian year %(year)s.")
                % {"day": _shown(day), "month": _shown(month), "year": _shown(year)}
            ) from None
    raise ValidationError(
        _(
            "The year %(year)s is out of range: give a Jalali year from %(jalali_first)s to "
            "%(jalali_last)s, or a Gregorian one from %(gregorian_first)s to %(gregorian_last)s."
        )
        % {
            "year": _shown(year),
            "jalali_first": _shown(JALALI_YEARS.start),
            "jalali_last": _shown(JALALI_YEARS.stop - 1),
            "gregorian_first": _shown(GREGORIAN_YEARS.start),
            "gregorian_last": _shown(GREGORIAN_YEARS.stop - 1),
        }
    )


def to_tehran(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Tehran time; a naive one is taken to be UTC (how the database stores it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TEHRAN)


def jalali_date(value: dt.date | dt.datetime) -> jdatetime.date:
    """The Jalali date of a Gregorian date, or of an instant as seen in Tehran."""
    if isinstance(value, dt.datetime):
        value = to_tehran(value).date()
    return jdatetime.date.fromgregorian(date=value)


def jalali_year(value: dt.date | dt.datetime) -> int:
    """The Jalali year (e.g. 1405) a date or instant falls in."""
    return jalali_date(value).year


def format_jalali_date(value: dt.date | dt.datetime, *, long: bool = False, persian: bool = True) -> str:
    """``1405/09/07``, or ``7 Azar 1405`` / ``۷ آذر ۱۴۰۵`` with ``long=True``.

    Total: a date that the Jalali calendar or Tehran time cannot hold (0001-01-01, 9999-12-31, stored
    before dates were bounded) is shown as its ISO date, never an error that would break a page.
    """
    try:
        jd = jalali_date(value)
    except (ValueError, OverflowError):
        text = value.isoformat()[:10]
        return to_persian_digits(text) if persian else text
    if long:
        months = MONTHS_FA if persian else MONTHS_EN
        text = f"{jd.day} {months[jd.month - 1]} {jd.year}"
    else:
        text = f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}"
    return to_persian_digits(text) if persian else text


def format_jalali_datetime(value: dt.datetime, *, persian: bool = True) -> str:
    """``1405/09/07 14:05`` in Tehran time; total, as :func:`format_jalali_date`."""
    try:
        local = to_tehran(value)
    except (ValueError, OverflowError):
        text = value.isoformat(sep=" ", timespec="minutes")[:16]
        return to_persian_digits(text) if persian else text
    text = f"{format_jalali_date(local, persian=False)} {local:%H:%M}"
    return to_persian_digits(text) if persian else text


# --- Bounds of every date a request may give -----------------------------------------------------
# A date outside FIRST_DAY..LAST_DAY (1921-03-21 to 2121-03-20, the Jalali years 1300 to 1499) is
# refused where it is taken: by the API's schemas (``Day``, ``Instant``), the forms' JalaliDateField
# and the query filters. Nothing real lies outside, and inside every date has a Jalali form and a
# Tehran time (9999-12-31 23:59 UTC has no Tehran time: Python's datetime ends that year).


def day_bounded(value: dt.date) -> dt.date:
    """``value`` if it lies within FIRST_DAY..LAST_DAY, else a ``ValueError`` saying the range
    (pydantic turns it into a 422 naming the field)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"the date must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return value


def instant_bounded(value: dt.datetime) -> dt.datetime:
    """``value`` if its day (in UTC) lies within FIRST_DAY..LAST_DAY, else a ``ValueError``."""
    day_bounded(value.astimezone(dt.UTC).date() if value.tzinfo else value.date())
    return value


# The annotated types of the API's input schemas: a date, and an instant, within the bounds.
Day = Annotated[dt.date, AfterValidator(day_bounded)]
Instant = Annotated[dt.datetime, AfterValidator(instant_bounded)]
