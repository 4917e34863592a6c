"""Checking what a caller gives a catalogue service: every refused field is collected, so a form or
an API client sees all its mistakes at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.common import calendar
from pishkhan.common.errors import ValidationError
from pishkhan.common.persian import as_written, to_latin_digits

PHONE_SHAPE = re.compile(r"\+?[0-9][0-9 ()-]{2,30}")  # short numbers such as 129 are real
# Years a tariff or a report may name: from the first Pishkhan offices (1388) to well ahead.
JALALI_YEAR_MIN, JALALI_YEAR_MAX = 1380, 1499


class Problems:
    """Collects every refused field of one input, so a form shows all its errors at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Refuse a field with a message."""
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise one ``ValidationError`` naming every refused field, if any was."""
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise ValidationError(first, fields=self.fields)


Cleaner = Callable[[Problems, str, Any], Any]


def text_clean(
    problems: Problems, field: str, value: object, *, max_length: int, required: bool = True
) -> str:
    """Text as written, on one line (``as_written``); refused when missing or too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add(field, _("This must be text."))
        return ""
    text = as_written(value)
    if required and not text:
        problems.add(field, _("This field is required."))
    elif len(text) > max_length:
        problems.add(field, _("At most %(count)d characters.") % {"count": max_length})
    return text


def whole_clean(problems: Problems, field: str, value: object, *, low: int, high: int) -> int:
    """A whole number (not a bool) between ``low`` and ``high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, _("This must be a whole number."))
        return low
    if not low <= value <= high:
        problems.add(field, _("This must be between %(low)d and %(high)d.") % {"low": low, "high": high})
    return value


def text_of(max_length: int, *, required: bool = True) -> Cleaner:
    """A cleaner of text fields of this length."""
    return lambda problems, field, value: text_clean(
        problems, field, value, max_length=max_length, required=required
    )


def whole_of(low: int, high: int) -> Cleaner:
    """A cleaner of whole numbers in this range."""
    return lambda problems, field, value: whole_clean(problems, field, value, low=low, high=high)


def choice_of(choices: type[models.TextChoices]) -> Cleaner:
    """A cleaner of fields that take one of these choices."""

    def clean(problems: Problems, field: str, value: object) -> str:
        if value not in choices.values:
            problems.add(field, _("Not one of the allowed values."))
            return ""
        return str(value)

    return clean


def flag_clean(problems: Problems, field: str, value: object) -> bool:
    """A yes/no field: ``True`` or ``False`` only (``None`` must not quietly mean "no")."""
    if not isinstance(value, bool):
        problems.add(field, _("Answer yes or no."))
        return False
    return value


def email_clean(problems: Problems, field: str, value: object) -> str:
    """An email address, or empty."""
    text = text_clean(problems, field, value, max_length=254, required=False)
    if text:
        try:
            validate_email(text)
        except DjangoValidationError:
            problems.add(field, _("Enter a valid email address."))
    return text


def url_clean(problems: Problems, field: str, value: object) -> str:
    """An http or https address, or empty."""
    text = text_clean(problems, field, value, max_length=200, required=False)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except DjangoValidationError:
            problems.add(field, _("Enter a valid http or https address."))
    return text


def phone_clean(problems: Problems, field: str, value: object) -> str:
    """A telephone number in Latin digits, or empty."""
    text = to_latin_digits(text_clean(problems, field, value, max_length=32, required=False))
    if text and not PHONE_SHAPE.fullmatch(text):
        problems.add(field, _("Enter a telephone number: digits, spaces, dashes, an optional +."))
    return text


def clean(problems: Problems, cleaners: Mapping[str, Cleaner], values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise the fields given in ``values`` (an update passes only what it changes)."""
    return {name: cleaners[name](problems, name, value) for name, value in values.items()}


def today_in_iran() -> dt.date:
    """Today as it is in Iran (``TIME_ZONE`` is Asia/Tehran)."""
    return timezone.localdate()


def jalali_text(day: dt.date) -> str:
    """A day as a Jalali date in Latin digits, for messages: ``1404/01/01``."""
    return calendar.format_jalali_date(day, persian=False)
