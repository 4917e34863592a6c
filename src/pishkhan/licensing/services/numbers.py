"""Numbers of applications and licences: a letter, the province, the Jalali year, a sequence.

``A-23-1405-00007`` is the seventh application of 1405 in Tehran province; ``L-23-1405-00042`` the
42nd licence issued there that year. Numbers are dense and readable over the phone, and never reused.
Two writers may pick the same next number at once: the unique key refuses the second insert, which
takes the next one (a savepoint keeps the caller's transaction usable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from pishkhan.common.calendar import jalali_year
from pishkhan.common.errors import ConflictError

SEQUENCE_DIGITS = 5
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
_ATTEMPTS = 5


def office_province_code(office_code: str) -> str:
    """The province of an office, read from its code (``P23-0001``): codes name it and never change."""
    return office_code[1:3]


def number_prefix(letter: str, province_code: str, on: dt.date | dt.datetime) -> str:
    """``L-23-1405-``: the part of a number before its sequence."""
    return f"{letter}-{province_code}-{jalali_year(on):04d}-"


def _last_sequences(model: type[models.Model], prefixes: Iterable[str]) -> dict[str, int]:
    """The highest sequence in use under each prefix (0 when none)."""
    last = {}
    for prefix in prefixes:
        number = (
            model.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        last[prefix] = int(number[len(prefix) :]) if number else 0
    return last


def _number(prefix: str, sequence: int) -> str:
    if sequence > MAX_SEQUENCE:
        raise ConflictError(_("No number is left under %(prefix)s.") % {"prefix": prefix})
    return f"{prefix}{sequence:0{SEQUENCE_DIGITS}d}"


def insert_numbered(obj: models.Model, *, prefix: str) -> None:
    """INSERT ``obj`` under the next free number of ``prefix``, retrying if a concurrent insert took it."""
    model = type(obj)
    for _attempt in range(_ATTEMPTS):
        obj.number = _number(prefix, _last_sequences(model, [prefix])[prefix] + 1)  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
            return
        except IntegrityError:
            obj.pk = None
            if not model.objects.filter(number=obj.number).exists():  # type: ignore[attr-defined]
                raise  # another rule of the row, not the number: the caller's to explain
    raise ConflictError(_("Numbers were taken meanwhile; please try again."))


class NumberBlock:
    """Numbers for a batch: the next ones under each prefix, read once (the batch holds its lock)."""

    def __init__(self, model: type[models.Model], prefixes: Iterable[str]) -> None:
        self._last = _last_sequences(model, sorted(set(prefixes)))

    def next(self, prefix: str) -> str:
        """The next number under ``prefix`` within this batch."""
        self._last[prefix] = self._last.get(prefix, 0) + 1
        return _number(prefix, self._last[prefix])
