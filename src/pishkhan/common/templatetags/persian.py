"""Template filters for Persian display: Jalali dates in Tehran time, Persian digits, rials.

Installed as a builtin (settings ``TEMPLATES.OPTIONS.builtins``), so templates need no ``{% load %}``.
Each filter shows Persian digits when the active language is Persian and Latin digits otherwise.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language

from pishkhan.common import calendar, money, persian

register = template.Library()


def _persian_active() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def digits(value: object) -> str:
    """Any value as text, with Persian digits when Persian is shown."""
    text = "" if value is None else str(value)
    return persian.to_persian_digits(text) if _persian_active() else text


@register.filter
def number(value: object) -> str:
    """A whole number with thousands separators, in the active language's digits."""
    if value is None or value == "":
        return ""
    return money.format_rials(int(value), persian=_persian_active())


@register.filter
def rials(value: object) -> str:
    """An amount of rials with separators and its unit: ``۱۲٬۵۰۰٬۰۰۰ ریال``."""
    if value is None or value == "":
        return ""
    is_fa = _persian_active()
    unit = "ریال" if is_fa else "rials"
    return f"{money.format_rials(int(value), persian=is_fa)} {unit}"


@register.filter
def jdate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    """The Jalali date (``1405/09/07``; ``|jdate:"long"`` for ``۷ آذر ۱۴۰۵``)."""
    if not value:
        return ""
    return calendar.format_jalali_date(value, long=style == "long", persian=_persian_active())


@register.filter
def jdatetime(value: dt.datetime | None) -> str:
    """The Jalali date and Tehran time (``۱۴۰۵/۰۹/۰۷ ۱۴:۰۵``)."""
    if not value:
        return ""
    return calendar.format_jalali_datetime(value, persian=_persian_active())


@register.filter
def jtime(value: dt.datetime | None) -> str:
    """The Tehran time of an instant (``۰۹:۳۰``)."""
    if not value:
        return ""
    text = f"{calendar.to_tehran(value):%H:%M}"
    return persian.to_persian_digits(text) if _persian_active() else text
