"""Template filters for figures that the builtin Persian filters do not cover: shares as percentages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from pishkhan.common.persian import to_persian_digits

register = template.Library()


@register.filter
def percent(value: object, places: int = 1) -> str:
    """A share (0..1) as a percentage: ``0.7402`` → ``۷۴٫۰٪`` in Persian, ``74.0%`` in English."""
    if value is None or value == "":
        return ""
    text = f"{float(value) * 100:.{int(places)}f}"
    if (get_language() or "fa").startswith("fa"):
        # Persian writes the decimal separator ٫ and the percent sign ٪, both after the number.
        return to_persian_digits(text.replace(".", "٫")) + "٪"
    return f"{text}%"


@register.filter
def decimal(value: object, places: int = 1) -> str:
    """A decimal number: ``4.25`` → ``۴٫۳`` in Persian, ``4.3`` in English ('' for none)."""
    if value is None or value == "":
        return ""
    text = f"{float(value):.{int(places)}f}"
    if (get_language() or "fa").startswith("fa"):
        return to_persian_digits(text.replace(".", "٫"))
    return text
