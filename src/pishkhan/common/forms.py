"""What every page's forms share: a date field with its Jalali date picker, and putting a domain
refusal back onto the form that caused it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pishkhan.common import calendar
from pishkhan.common.errors import ApplicationError, ValidationError


def _persian_active() -> bool:
    return (get_language() or "fa").startswith("fa")


def datepicker_labels() -> dict[str, Any]:
    """What the date picker (``web/static/web/datepicker.js``) writes on screen, in the active language."""
    persian = _persian_active()
    return {
        "persian": persian,
        "months": calendar.MONTHS_FA if persian else calendar.MONTHS_EN,
        "weekdays": calendar.WEEKDAY_INITIALS_FA if persian else calendar.WEEKDAY_INITIALS_EN,
        "open": _("Choose the date from a calendar"),
        "dialog": _("Choose a date"),
        "previousMonth": _("Previous month"),
        "nextMonth": _("Next month"),
        "previousYear": _("Previous year"),
        "nextYear": _("Next year"),
        "today": _("Today"),
        "close": _("Close"),
        "todayDate": calendar.format_jalali_date(timezone.localdate(), persian=False),  # in Tehran
        "first": calendar.format_jalali_date(calendar.FIRST_DAY, persian=False),
        "last": calendar.format_jalali_date(calendar.LAST_DAY, persian=False),
    }


class JalaliDateInput(forms.TextInput):
    """A text box for a date that the Jalali date picker enhances; typing a date still works."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"dir": "ltr", "autocomplete": "off", "maxlength": str(calendar.TYPED_DATE_MAX_LENGTH)}
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-datepicker"] = json.dumps(datepicker_labels(), ensure_ascii=False)
        return context


class JalaliDateField(forms.Field):
    """A date typed in the Jalali calendar (``1405/09/14``, any digits) or the Gregorian one
    (``2026-12-05``), told apart by :func:`pishkhan.common.calendar.date_parse`; cleaned to a date."""

    widget = JalaliDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", gettext_lazy("Jalali year/month/day, e.g. 1405/09/14 (a Gregorian date is read too)")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, dt.date):
            return calendar.format_jalali_date(value, persian=_persian_active())
        return value

    def to_python(self, value: object) -> dt.date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return calendar.date_parse(text).day
        except ValidationError as error:
            raise forms.ValidationError(error.detail) from None


def errors_onto(form: forms.Form, exc: ApplicationError) -> None:
    """Put a selector's or service's refusal onto the form: on the fields it names, else above it."""
    named = False
    for field, messages in exc.fields.items():
        if field in form.fields:
            for message in messages:
                if field not in form.errors or message not in form.errors[field]:
                    form.add_error(field, message)
            named = True
    if not named:
        form.add_error(None, exc.detail)
