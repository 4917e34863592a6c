"""The Jalali (Solar Hijri) calendar in Asia/Tehran, for display only: storage is always UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import jdatetime

from pishkhan.common.persian import to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip


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
    """``1405/09/07``, or ``7 Azar 1405`` / ``۷ آذر ۱۴۰۵`` with ``long=True``."""
    jd = jalali_date(value)
    if long:
        months = MONTHS_FA if persian else MONTHS_EN
        text = f"{jd.day} {months[jd.month - 1]} {jd.year}"
    else:
        text = f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}"
    return to_persian_digits(text) if persian else text


def format_jalali_datetime(value: dt.datetime, *, persian: bool = True) -> str:
    """``1405/09/07 14:05`` in Tehran time."""
    local = to_tehran(value)
    text = f"{format_jalali_date(local, persian=False)} {local:%H:%M}"
    return to_persian_digits(text) if persian else text
